import * as z from 'zod/mini';
import { httpHandler } from '../../shared/http/handler';
import { created, ok } from '../../shared/http/results';
import { route, routesOf } from '../../shared/http/router';
import {
  compteTechnique,
  creerStructureBody,
  espace,
  service,
  siretParams,
  siretText,
  structureJson,
  toCompteTechniqueJson,
  toServiceJson,
  toStructureJson,
} from '../../shared/schemas/identity';
import { withMeta } from '../../shared/schemas/meta';
import { structureAdministration } from '../../shared/services/wiring';
import { renouvelerClientTechnique } from './compte-technique';
import { modifierService, modifierStructure, verifierSiret } from './gestion';
import { STALE_RESPONSE, services } from './lib';
import {
  decider,
  demanderRattachement,
  gererEspacesMembre,
  listerMembres,
  modifierRoleMembre,
  transfererGestionnairePrincipal,
} from './membres';

/** Structures (docs/rules/structures.md#siret-change): creation, services, spaces, SIRET change, technical account (the public directory: annuaire.ts). */

const TAGS = ['Structures'];
const ETAG = { ETag: 'Version de la structure.' };

export const creerStructure = httpHandler({
  operationId: 'creerStructure',
  summary: 'Créer une structure (son créateur en devient gestionnaire principal)',
  tags: TAGS,
  method: 'POST',
  path: '/v1/structures',
  auth: 'user',
  body: creerStructureBody,
  responses: {
    ...STALE_RESPONSE,
    201: { description: 'Structure créée', schema: structureJson, headers: { ...ETAG, Location: 'Adresse.' } },
    409: { description: 'SIRET déjà enregistré (SIRET_DEJA_ENREGISTRE).' },
  },
  handler: async (ctx) => {
    const b = ctx.body;
    const { identity } = services();
    const { structure } = await identity.createStructure(
      {
        userId: ctx.identity.userId,
        structure: {
          siret: b.siret,
          raisonSociale: b.raisonSociale,
          type: b.type,
          ...(b.services ? { services: b.services } : {}),
          ...(b.parametresAnnuaire ? { directory: b.parametresAnnuaire } : {}),
          ...(b.espaces ? { spaces: b.espaces } : {}),
        },
      },
      ctx.now,
    );
    return created(toStructureJson(structure, true), `/v1/structures/${structure.siret}`, {
      etag: structure.version,
    });
  },
});

export const lireStructure = httpHandler({
  operationId: 'lireStructure',
  summary: 'Lire une structure',
  description:
    'Toute personne authentifiée lit la fiche d’une structure (pour s’y rattacher, lui adresser une pièce) ; le compte technique n’est montré qu’à ses membres.',
  tags: TAGS,
  method: 'GET',
  path: '/v1/structures/{siret}',
  auth: 'user',
  params: siretParams,
  responses: { 200: { description: 'La structure', schema: structureJson, headers: ETAG } },
  handler: async (ctx) => {
    const { identity, identityStore } = services();
    const [structure, membership] = await Promise.all([
      identity.getStructure(ctx.params.siret),
      identityStore.getMembership(ctx.params.siret, ctx.identity.userId),
    ]);
    return ok(toStructureJson(structure, membership?.status === 'APPROVED'), { etag: structure.version });
  },
});

export const listerServices = httpHandler({
  operationId: 'listerServices',
  summary: 'Services (codes service) d’une structure',
  tags: TAGS,
  method: 'GET',
  path: '/v1/structures/{siret}/services',
  auth: 'user',
  params: siretParams,
  responses: { 200: { description: 'Les services', schema: z.object({ services: z.array(service) }) } },
  handler: async (ctx) => {
    const structure = await services().identity.getStructure(ctx.params.siret);
    return ok({ services: structure.services.map(toServiceJson) });
  },
});

export const ajouterService = httpHandler({
  operationId: 'ajouterService',
  summary: 'Ajouter un service (gestionnaire)',
  tags: TAGS,
  method: 'POST',
  path: '/v1/structures/{siret}/services',
  auth: 'user',
  params: siretParams,
  body: z.object({
    code: z.string().check(z.minLength(1), z.maxLength(100)),
    libelle: z.string().check(z.maxLength(200)),
    active: z._default(z.boolean(), true),
  }),
  responses: {
    ...STALE_RESPONSE,
    201: {
      description: 'Service ajouté ; la structure',
      schema: structureJson,
      headers: { ...ETAG, Location: 'Services.' },
    },
  },
  handler: async (ctx) => {
    const structure = await structureAdministration().addService({
      actorId: ctx.identity.userId,
      siret: ctx.params.siret,
      service: ctx.body,
    });
    return created(toStructureJson(structure, true), `/v1/structures/${structure.siret}/services`, {
      etag: structure.version,
    });
  },
});

export const activerEspace = httpHandler({
  operationId: 'activerEspace',
  summary: 'Activer un espace pour la structure (gestionnaire)',
  tags: TAGS,
  method: 'POST',
  path: '/v1/structures/{siret}/espaces',
  auth: 'user',
  params: siretParams,
  body: z.object({ espace }),
  responses: {
    ...STALE_RESPONSE,
    200: { description: 'La structure', schema: structureJson, headers: ETAG },
  },
  handler: async (ctx) => {
    const structure = await services().identity.enableSpace({
      actorId: ctx.identity.userId,
      siret: ctx.params.siret,
      space: ctx.body.espace,
    });
    return ok(toStructureJson(structure, true), { etag: structure.version });
  },
});

export const changerSiret = httpHandler({
  operationId: 'changerSiret',
  summary: 'Changer de SIRET (déménagement) : désactive la structure et la recopie sous le nouveau SIRET',
  description:
    'Gestionnaire principal seulement. Services, utilisateurs et rattachements sont recopiés ; le mandat de facturation et le compte technique ne le sont pas. Les pièces de l’ancienne structure restent lisibles et traitables. If-Match (version de la structure) facultatif.',
  tags: TAGS,
  method: 'POST',
  path: '/v1/structures/{siret}/changement-siret',
  auth: 'user',
  params: siretParams,
  body: z.object({ nouveauSiret: siretText }),
  responses: {
    ...STALE_RESPONSE,
    201: {
      description: 'Nouvelle structure créée, ancienne désactivée',
      schema: withMeta(z.object({ ancienne: structureJson, nouvelle: structureJson }), { id: 'ChangementSiret' }),
      headers: { Location: 'Adresse de la nouvelle structure.' },
    },
    409: { description: 'Nouveau SIRET déjà enregistré, ou structure déjà désactivée.' },
  },
  handler: async (ctx) => {
    const { identity } = services();
    const change = await identity.changeSiret(
      {
        actorId: ctx.identity.userId,
        siret: ctx.params.siret,
        newSiret: ctx.body.nouveauSiret,
        ...(ctx.ifMatch !== undefined ? { expectedVersion: ctx.ifMatch } : {}),
      },
      ctx.now,
    );
    const [ancienne, nouvelle] = await Promise.all([
      identity.getStructure(change.old.siret),
      identity.getStructure(change.created.siret),
    ]);
    return created(
      { ancienne: toStructureJson(ancienne, true), nouvelle: toStructureJson(nouvelle, true) },
      `/v1/structures/${nouvelle.siret}`,
    );
  },
});

export const changerMotDePasseTechnique = httpHandler({
  operationId: 'changerMotDePasseTechnique',
  summary: 'Définir le mot de passe du compte technique (gestionnaire principal)',
  description:
    'Au moins 12 caractères dont 3 types sur 4 (majuscule, minuscule, chiffre, autre). À changer tous les 424 jours. Le mot de passe n’est jamais renvoyé ni stocké en clair.',
  tags: TAGS,
  method: 'POST',
  path: '/v1/structures/{siret}/compte-technique/mot-de-passe',
  auth: 'user',
  params: siretParams,
  body: z.object({ motDePasse: z.string().check(z.maxLength(256)) }),
  responses: {
    ...STALE_RESPONSE,
    200: { description: 'Mot de passe enregistré', schema: compteTechnique },
  },
  handler: async (ctx) => {
    const account = await services().identity.resetTechnicalPassword(
      { actorId: ctx.identity.userId, siret: ctx.params.siret, password: ctx.body.motDePasse },
      ctx.now,
    );
    return ok(toCompteTechniqueJson(account));
  },
});

export const handler = route(
  routesOf(
    creerStructure,
    lireStructure,
    listerServices,
    ajouterService,
    activerEspace,
    changerSiret,
    changerMotDePasseTechnique,
    renouvelerClientTechnique,
    listerMembres,
    demanderRattachement,
    decider,
    transfererGestionnairePrincipal,
    modifierRoleMembre,
    gererEspacesMembre,
    verifierSiret,
    modifierStructure,
    modifierService,
  ),
);
