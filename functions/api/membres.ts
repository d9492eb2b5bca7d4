import * as z from 'zod/mini';
import { httpHandler } from '../../shared/http/handler';
import { created, ok } from '../../shared/http/results';
import {
  abonnementEspace,
  espace,
  membreJson,
  membreParams,
  modeEspace,
  rattachementJson,
  siretParams,
  toMembreJson,
  toRattachementJson,
  userId,
} from '../../shared/schemas/identity';
import { withMeta } from '../../shared/schemas/meta';
import { structureAdministration } from '../../shared/services/wiring';
import { STALE_RESPONSE, services } from './lib';

/**
 * Attachments (rattachements) and the management of a structure's members (docs/rules/structures.md#managers): a user asks, a
 * gestionnaire (principal or secondaire) decides; the GP hands its role over and names gestionnaires secondaires;
 * a gestionnaire subscribes members to the structure's spaces, in CONSULTATION or MODIFICATION.
 */

const TAGS = ['Rattachements'];
const ETAG = { ETag: 'Version du rattachement.' };

export const listerMembres = httpHandler({
  operationId: 'listerMembres',
  summary: 'Membres et demandes de rattachement d’une structure (gestionnaire)',
  tags: TAGS,
  method: 'GET',
  path: '/v1/structures/{siret}/membres',
  auth: 'user',
  params: siretParams,
  description:
    'Chaque rattachement porte le compte de l’utilisateur (adresses, actif, dernière connexion) : le gestionnaire sait qui il accepte.',
  responses: {
    200: { description: 'Les rattachements', schema: z.object({ membres: z.array(membreJson) }) },
  },
  handler: async (ctx) => {
    const members = await structureAdministration().membersWithAccounts({
      actorId: ctx.identity.userId,
      siret: ctx.params.siret,
    });
    return ok({ membres: members.map((m) => toMembreJson(m.membership, m.user)) });
  },
});

export const demanderRattachement = httpHandler({
  operationId: 'demanderRattachement',
  summary: 'Demander à être rattaché à une structure',
  description:
    'La demande attend la décision d’un gestionnaire ; tant qu’elle attend, l’utilisateur ne peut ni lire ni agir pour la structure. Les espaces demandés doivent être activés pour la structure.',
  tags: TAGS,
  method: 'POST',
  path: '/v1/structures/{siret}/rattachements',
  auth: 'user',
  params: siretParams,
  body: z.optional(z.object({ espaces: z.optional(z.array(abonnementEspace).check(z.maxLength(10))) })),
  responses: {
    ...STALE_RESPONSE,
    201: { description: 'Demande enregistrée', schema: rattachementJson, headers: { ...ETAG, Location: 'Adresse.' } },
    409: { description: 'Demande déjà en attente, ou déjà rattaché (RATTACHEMENT_EXISTANT).' },
  },
  handler: async (ctx) => {
    const m = await services().identity.memberships.requestAttachment(
      {
        userId: ctx.identity.userId,
        siret: ctx.params.siret,
        spaces: (ctx.body?.espaces ?? []).map((s) => ({ space: s.espace, mode: s.mode })),
      },
      ctx.now,
    );
    return created(toRattachementJson(m), `/v1/structures/${m.siret}/membres/${m.userId}`, { etag: m.version });
  },
});

export const decider = httpHandler({
  operationId: 'deciderRattachement',
  summary: 'Accepter ou refuser une demande de rattachement (gestionnaire principal ou secondaire)',
  description:
    'Seul le gestionnaire principal peut faire du nouveau membre un gestionnaire secondaire. If-Match (version de la demande) facultatif.',
  tags: TAGS,
  method: 'POST',
  path: '/v1/structures/{siret}/rattachements/{userId}/decision',
  auth: 'user',
  params: membreParams,
  body: z.object({
    decision: z.enum(['ACCEPTER', 'REFUSER']),
    role: z.optional(z.enum(['GESTIONNAIRE_SECONDAIRE', 'UTILISATEUR'])),
  }),
  responses: {
    ...STALE_RESPONSE,
    200: { description: 'Demande décidée', schema: rattachementJson, headers: ETAG },
    409: { description: 'Demande déjà traitée.' },
  },
  handler: async (ctx) => {
    const m = await services().identity.memberships.decideAttachment(
      {
        deciderId: ctx.identity.userId,
        siret: ctx.params.siret,
        userId: ctx.params.userId,
        decision: ctx.body.decision === 'ACCEPTER' ? 'APPROVED' : 'REFUSED',
        ...(ctx.body.role ? { role: ctx.body.role } : {}),
        ...(ctx.ifMatch !== undefined ? { expectedVersion: ctx.ifMatch } : {}),
      },
      ctx.now,
    );
    return ok(toRattachementJson(m), { etag: m.version });
  },
});

export const transfererGestionnairePrincipal = httpHandler({
  operationId: 'transfererGestionnairePrincipal',
  summary: 'Transmettre le rôle de gestionnaire principal à un membre',
  description: 'Le gestionnaire principal devient gestionnaire secondaire.',
  tags: TAGS,
  method: 'POST',
  path: '/v1/structures/{siret}/gestionnaire-principal',
  auth: 'user',
  params: siretParams,
  body: z.object({ userId }),
  responses: {
    ...STALE_RESPONSE,
    200: {
      description: 'Rôle transmis',
      schema: withMeta(z.object({ ancien: rattachementJson, nouveau: rattachementJson }), { id: 'TransfertGp' }),
    },
  },
  handler: async (ctx) => {
    const { from, to } = await services().identity.memberships.transferPrincipal(
      {
        actorId: ctx.identity.userId,
        siret: ctx.params.siret,
        toUserId: ctx.body.userId,
      },
      ctx.now,
    );
    return ok({ ancien: toRattachementJson(from), nouveau: toRattachementJson(to) });
  },
});

export const modifierRoleMembre = httpHandler({
  operationId: 'modifierRoleMembre',
  summary: 'Nommer ou retirer un gestionnaire secondaire (gestionnaire principal)',
  tags: TAGS,
  method: 'POST',
  path: '/v1/structures/{siret}/membres/{userId}/role',
  auth: 'user',
  params: membreParams,
  body: z.object({ role: z.enum(['GESTIONNAIRE_SECONDAIRE', 'UTILISATEUR']) }),
  responses: {
    ...STALE_RESPONSE,
    200: { description: 'Rôle modifié', schema: rattachementJson, headers: ETAG },
  },
  handler: async (ctx) => {
    const m = await services().identity.memberships.setSecondaryManager({
      actorId: ctx.identity.userId,
      siret: ctx.params.siret,
      userId: ctx.params.userId,
      secondary: ctx.body.role === 'GESTIONNAIRE_SECONDAIRE',
    });
    return ok(toRattachementJson(m), { etag: m.version });
  },
});

export const gererEspacesMembre = httpHandler({
  operationId: 'abonnerMembreEspace',
  summary: 'Abonner un membre à un espace, ou changer son mode (gestionnaire)',
  description: 'CONSULTATION : lire ; MODIFICATION : agir. L’espace doit être activé pour la structure.',
  tags: TAGS,
  method: 'POST',
  path: '/v1/structures/{siret}/membres/{userId}/espaces',
  auth: 'user',
  params: membreParams,
  body: z.object({ espace, mode: modeEspace }),
  responses: {
    ...STALE_RESPONSE,
    200: { description: 'Abonnement enregistré', schema: rattachementJson, headers: ETAG },
  },
  handler: async (ctx) => {
    const m = await services().identity.memberships.subscribeSpace({
      actorId: ctx.identity.userId,
      siret: ctx.params.siret,
      userId: ctx.params.userId,
      space: ctx.body.espace,
      mode: ctx.body.mode,
    });
    return ok(toRattachementJson(m), { etag: m.version });
  },
});
