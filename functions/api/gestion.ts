import * as z from 'zod/mini';
import { validateSiret } from '../../shared/domain/siret';
import { httpHandler } from '../../shared/http/handler';
import { ok } from '../../shared/http/results';
import { CODE_TEXT_MAX, SIRET_TEXT_MAX, siret } from '../../shared/schemas/common';
import { parametresAnnuaire, siretParams, structureJson, toStructureJson } from '../../shared/schemas/identity';
import { withMeta } from '../../shared/schemas/meta';
import { structureAdministration } from '../../shared/services/wiring';
import { STALE_RESPONSE, services } from './lib';

/**
 * What the portal's *Activités du gestionnaire* needs beside the structure routes (docs/rules/structures.md): the SIRET
 * checked as it is typed, the structure's card and one service kept by its gestionnaires.
 */

const TAGS = ['Structures'];
const ETAG = { ETag: 'Version de la structure, à renvoyer dans If-Match.' };

export const verificationSiret = withMeta(
  z.object({
    siret: z.string(),
    valide: z.literal(true),
    structureExistante: withMeta(
      z.optional(z.object({ siret: z.string(), raisonSociale: z.string(), active: z.boolean() })),
      { description: 'La structure déjà enregistrée sous ce SIRET : demandez à y être rattaché.' },
    ),
  }),
  { id: 'VerificationSiret' },
);

export const verifierSiret = httpHandler({
  operationId: 'verifierSiret',
  summary: 'Vérifier un SIRET pendant la saisie (14 chiffres, clé de contrôle, déjà enregistré ?)',
  description:
    'Applique la règle du SIRET (14 chiffres, clé de Luhn, exception de La Poste) et dit si une structure porte déjà ce SIRET. Un SIRET invalide est refusé (422) avec la raison en français : SIRET_FORMAT ou SIRET_CLE_INVALIDE.',
  tags: TAGS,
  method: 'GET',
  path: '/v1/verification-siret',
  auth: 'user',
  query: z.object({
    siret: withMeta(z.string().check(z.maxLength(SIRET_TEXT_MAX)), {
      description: 'Le SIRET tel que saisi.',
      examples: ['21300202500012'],
    }),
  }),
  responses: { 200: { description: 'SIRET valide', schema: verificationSiret } },
  handler: async (ctx) => {
    const v = validateSiret(ctx.query.siret);
    if (!v.ok) throw v.error;
    const existing = await services().identityStore.getStructure(v.value);
    return ok({
      siret: v.value,
      valide: true as const,
      ...(existing
        ? {
            structureExistante: {
              siret: existing.siret,
              raisonSociale: existing.raisonSociale,
              active: existing.active,
            },
          }
        : {}),
    });
  },
});

export const modifierStructure = httpHandler({
  operationId: 'modifierStructure',
  summary: 'Modifier la fiche de la structure : raison sociale, paramètres d’annuaire (gestionnaire)',
  description:
    'Gestionnaire principal ou secondaire. If-Match obligatoire (version de la structure) : une version périmée est refusée (412), relisez la structure. Une structure privée n’a pas de paramètres d’annuaire.',
  tags: TAGS,
  method: 'PATCH',
  path: '/v1/structures/{siret}',
  auth: 'user',
  params: siretParams,
  requiresIfMatch: true,
  body: z.catchall(
    z.object({
      raisonSociale: z.optional(z.string().check(z.maxLength(200))),
      parametresAnnuaire: z.optional(z.partial(parametresAnnuaire)),
    }),
    z.never(),
  ),
  responses: {
    ...STALE_RESPONSE,
    200: { description: 'La structure modifiée', schema: structureJson, headers: ETAG },
    409: { description: 'Structure désactivée (STRUCTURE_INACTIVE).' },
  },
  handler: async (ctx) => {
    const structure = await structureAdministration().updateCard({
      actorId: ctx.identity.userId,
      siret: ctx.params.siret,
      patch: {
        ...(ctx.body.raisonSociale !== undefined ? { raisonSociale: ctx.body.raisonSociale } : {}),
        ...(ctx.body.parametresAnnuaire ? { directory: ctx.body.parametresAnnuaire } : {}),
      },
      expectedVersion: ctx.ifMatch!,
    });
    return ok(toStructureJson(structure, true), { etag: structure.version });
  },
});

export const modifierService = httpHandler({
  operationId: 'modifierService',
  summary: 'Renommer un service, l’activer ou le désactiver (gestionnaire)',
  description:
    'Un service n’est jamais supprimé (des pièces déposées portent son code) : désactivé, il est refusé sur les nouveaux dépôts. If-Match (version de la structure) facultatif.',
  tags: TAGS,
  method: 'PATCH',
  path: '/v1/structures/{siret}/services/{code}',
  auth: 'user',
  params: z.object({ siret, code: z.string().check(z.minLength(1), z.maxLength(CODE_TEXT_MAX)) }),
  body: z.catchall(
    z.object({
      libelle: z.optional(z.string().check(z.maxLength(200))),
      active: z.optional(z.boolean()),
    }),
    z.never(),
  ),
  responses: {
    ...STALE_RESPONSE,
    200: { description: 'La structure', schema: structureJson, headers: ETAG },
    409: { description: 'Structure désactivée (STRUCTURE_INACTIVE).' },
  },
  handler: async (ctx) => {
    const structure = await structureAdministration().updateService({
      actorId: ctx.identity.userId,
      siret: ctx.params.siret,
      code: ctx.params.code,
      ...(ctx.body.libelle !== undefined ? { libelle: ctx.body.libelle } : {}),
      ...(ctx.body.active !== undefined ? { active: ctx.body.active } : {}),
      ...(ctx.ifMatch !== undefined ? { expectedVersion: ctx.ifMatch } : {}),
    });
    return ok(toStructureJson(structure, true), { etag: structure.version });
  },
});
