import * as z from 'zod/mini';
import { DomainError } from '../../shared/domain/errors';
import { normalizeLoginAddress } from '../../shared/domain/structures';
import { httpHandler } from '../../shared/http/handler';
import { created, ok } from '../../shared/http/results';
import { route, routesOf } from '../../shared/http/router';
import { moiJson, toRattachementJson, toUtilisateurJson, utilisateurJson } from '../../shared/schemas/identity';
import { withMeta } from '../../shared/schemas/meta';
import { enregistrerConnexion } from './compte';
import { desactiverMonCompte, desactiverUtilisateur } from './desactivation';
import { STALE_RESPONSE, services } from './lib';

/** Users (docs/rules/structures.md#users): registration of the authenticated person, and its own profile. */

const TAGS = ['Utilisateurs'];
const ETAG = { ETag: 'Version du compte, à renvoyer dans If-Match.' };

export const inscrireUtilisateur = httpHandler({
  operationId: 'inscrireUtilisateur',
  summary: 'Créer son compte utilisateur',
  description:
    'Crée le compte de la personne authentifiée (identifiant = sujet du jeton). L’adresse de connexion est unique et ne changera plus ; l’adresse de contact (notifications) vaut par défaut l’adresse de connexion. Quand le jeton porte une adresse (« email »), l’adresse de connexion doit être celle-ci.',
  tags: TAGS,
  method: 'POST',
  path: '/v1/utilisateurs',
  auth: 'user',
  body: z.object({
    adresseConnexion: withMeta(z.string().check(z.maxLength(254)), {
      examples: ['marie.dupont@example.fr'],
    }),
    adresseContact: z.optional(z.string().check(z.maxLength(254))),
  }),
  responses: {
    ...STALE_RESPONSE,
    201: { description: 'Compte créé', schema: utilisateurJson, headers: { ...ETAG, Location: 'Adresse du profil.' } },
    409: { description: 'Adresse de connexion déjà utilisée, ou compte déjà créé.' },
  },
  handler: async (ctx) => {
    const login = normalizeLoginAddress(ctx.body.adresseConnexion);
    // The login address is the account's identity: it must be the one the identity provider vouched for
    if (ctx.identity.loginAddress !== null && ctx.identity.loginAddress.toLowerCase() !== login) {
      throw new DomainError(
        'ADRESSE_CONNEXION_DIFFERENTE_DU_JETON',
        `L'adresse de connexion doit être celle avec laquelle vous vous êtes authentifié (${ctx.identity.loginAddress}).`,
        'FORBIDDEN',
        [{ path: 'adresseConnexion', message: `Adresse attendue : ${ctx.identity.loginAddress}.` }],
      );
    }
    const { identity } = services();
    const user = await identity.registerUser(
      {
        id: ctx.identity.userId,
        loginAddress: login,
        ...(ctx.body.adresseContact !== undefined ? { contactAddress: ctx.body.adresseContact } : {}),
      },
      ctx.now,
    );
    return created(toUtilisateurJson(user), '/v1/moi', { etag: user.version });
  },
});

export const lireMoi = httpHandler({
  operationId: 'lireMoi',
  summary: 'Mon compte, mes structures, mes rôles et mes espaces',
  tags: TAGS,
  method: 'GET',
  path: '/v1/moi',
  auth: 'user',
  responses: {
    200: {
      description: 'Le compte et ses rattachements (demandes en attente comprises)',
      schema: moiJson,
      headers: ETAG,
    },
    404: { description: 'Compte non créé : POST /v1/utilisateurs.' },
  },
  handler: async (ctx) => {
    const { identity } = services();
    const [user, memberships] = await Promise.all([
      identity.getUser(ctx.identity.userId),
      identity.memberships.structuresOfUser(ctx.identity.userId),
    ]);
    return ok(
      {
        utilisateur: toUtilisateurJson(user),
        structures: memberships.map((m) => ({
          ...toRattachementJson(m),
          ...(m.raisonSociale !== undefined ? { raisonSociale: m.raisonSociale } : {}),
        })),
      },
      { etag: user.version },
    );
  },
});

export const modifierMoi = httpHandler({
  operationId: 'modifierMoi',
  summary: 'Modifier mon adresse de contact',
  description:
    'Change l’adresse de contact (null : revenir à l’adresse de connexion). L’adresse de connexion peut être renvoyée à l’identique, jamais changée (409 ADRESSE_CONNEXION_IMMUABLE).',
  tags: TAGS,
  method: 'PATCH',
  path: '/v1/moi',
  auth: 'user',
  requiresIfMatch: true,
  body: z.object({
    adresseContact: z.optional(z.nullable(z.string().check(z.maxLength(254)))),
    adresseConnexion: z.optional(z.string().check(z.maxLength(254))),
  }),
  responses: {
    200: { description: 'Compte modifié', schema: utilisateurJson, headers: ETAG },
    409: { description: 'L’adresse de connexion ne peut pas changer.' },
  },
  handler: async (ctx) => {
    const user = await services().identity.updateProfile({
      userId: ctx.identity.userId,
      ...(ctx.body.adresseConnexion !== undefined ? { loginAddress: ctx.body.adresseConnexion } : {}),
      ...(ctx.body.adresseContact !== undefined ? { contactAddress: ctx.body.adresseContact } : {}),
      expectedVersion: ctx.ifMatch!,
    });
    return ok(toUtilisateurJson(user), { etag: user.version });
  },
});

export const handler = route(
  routesOf(inscrireUtilisateur, lireMoi, modifierMoi, enregistrerConnexion, desactiverMonCompte, desactiverUtilisateur),
);
