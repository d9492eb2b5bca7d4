import * as z from 'zod/mini';
import { httpHandler } from '../../shared/http/handler';
import { created, ok } from '../../shared/http/results';
import { route, routesOf } from '../../shared/http/router';
import { id } from '../../shared/schemas/common';
import { siretParams } from '../../shared/schemas/identity';
import {
  ficheMarcheEntree,
  marcheJson,
  resumeMarcheJson,
  toMarcheJson,
  toResumeMarcheJson,
  toWireFields,
} from '../../shared/schemas/marche';
import { assertMemberOf } from '../../shared/services/structure-readers';
import { actingSiretHeaders, STALE_RESPONSE, services } from './lib';

/**
 * The fiche d'identité du marché (docs/rules/marche.md): created and amended (avenant) by the MOA, read by every acteur of
 * the marché, listed per structure. Checks are the rule book's (`parseMarche`) and the marché service's.
 */

const TAGS = ['Marchés'];
const ETAG = { ETag: 'Version de la fiche, à renvoyer dans If-Match pour un avenant.' };
const marcheParams = z.object({ marcheId: id });

async function withWireFields<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    throw toWireFields(e);
  }
}

export const creerMarche = httpHandler({
  operationId: 'creerMarche',
  summary: 'Créer la fiche d’identité d’un marché (maîtrise d’ouvrage)',
  description:
    'Réservé à un utilisateur de la structure MOA désignée dans la fiche, abonné en modification à « Factures de travaux ». Les références (code service, engagement juridique) exigées par l’annuaire du MOA et du service financier sont contrôlées.',
  tags: TAGS,
  method: 'POST',
  path: '/v1/marches',
  auth: 'user',
  body: ficheMarcheEntree,
  responses: {
    ...STALE_RESPONSE,
    201: { description: 'Marché créé', schema: marcheJson, headers: { ...ETAG, Location: 'Adresse du marché.' } },
  },
  handler: async (ctx) => {
    const stored = await withWireFields(
      services().marches.createMarche({ userId: ctx.identity.userId, marche: ctx.body }, ctx.now),
    );
    return created(toMarcheJson(stored), `/v1/marches/${stored.marche.id}`, { etag: stored.version });
  },
});

export const lireMarche = httpHandler({
  operationId: 'lireMarche',
  summary: 'Lire la fiche d’un marché',
  description: 'Pour les utilisateurs des structures acteurs du marché, abonnés à l’un de leurs espaces.',
  tags: TAGS,
  method: 'GET',
  path: '/v1/marches/{marcheId}',
  auth: 'user',
  params: marcheParams,
  headers: actingSiretHeaders,
  responses: { 200: { description: 'La fiche', schema: marcheJson, headers: ETAG } },
  handler: async (ctx) => {
    const actingSiret = ctx.headers['x-structure-siret'];
    const stored = await services().marches.getMarche({
      userId: ctx.identity.userId,
      marcheId: ctx.params.marcheId,
      ...(actingSiret ? { actingSiret } : {}),
    });
    return ok(toMarcheJson(stored), { etag: stored.version });
  },
});

export const modifierMarche = httpHandler({
  operationId: 'modifierMarche',
  summary: 'Avenant : remplacer la fiche du marché (maîtrise d’ouvrage)',
  description:
    'La fiche entière est remplacée, à la version lue (If-Match). Les dossiers déjà ouverts gardent les paramètres en vigueur à leur ouverture.',
  tags: TAGS,
  method: 'PUT',
  path: '/v1/marches/{marcheId}',
  auth: 'user',
  params: marcheParams,
  body: ficheMarcheEntree,
  requiresIfMatch: true,
  responses: { 200: { description: 'Fiche modifiée', schema: marcheJson, headers: ETAG } },
  handler: async (ctx) => {
    const stored = await withWireFields(
      services().marches.updateMarche(
        {
          userId: ctx.identity.userId,
          marcheId: ctx.params.marcheId,
          marche: ctx.body,
          expectedVersion: ctx.ifMatch!,
        },
        ctx.now,
      ),
    );
    return ok(toMarcheJson(stored), { etag: stored.version });
  },
});

export const listerMarchesStructure = httpHandler({
  operationId: 'listerMarchesStructure',
  summary: 'Marchés sur lesquels une structure tient un rôle',
  description: 'Pour les membres (rattachement accepté) de la structure.',
  tags: TAGS,
  method: 'GET',
  path: '/v1/structures/{siret}/marches',
  auth: 'user',
  params: siretParams,
  responses: {
    200: {
      description: 'Les marchés',
      schema: z.object({ siret: z.string(), marches: z.array(resumeMarcheJson) }),
    },
  },
  handler: async (ctx) => {
    const { identityStore, marcheStore } = services();
    await assertMemberOf(identityStore, ctx.identity.userId, ctx.params.siret);
    const list = await marcheStore.marchesOfStructure(ctx.params.siret);
    return ok({ siret: ctx.params.siret, marches: list.map(toResumeMarcheJson) });
  },
});

export const handler = route(routesOf(creerMarche, lireMarche, modifierMarche, listerMarchesStructure));
