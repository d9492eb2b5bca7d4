import * as z from 'zod/mini';
import { PIECE_STATUSES, spaceOfAction } from '../../shared/domain/circuits';
import { canAct } from '../../shared/domain/structures';
import { httpHandler } from '../../shared/http/handler';
import { ok } from '../../shared/http/results';
import { route, routesOf } from '../../shared/http/router';
import { id } from '../../shared/schemas/common';
import { delaiOutput, dossierOutput, listeDossiersOutput } from '../../shared/schemas/dossier';
import { actingHeaders, dossierId, STRUCTURE_HEADER } from '../../shared/schemas/pieces';
import { dossierListStore } from '../../shared/services/wiring';
import { lireCadresDeposables } from './cadres-read';
import { lienTelechargement, lireBrouillon, listerBrouillons } from './piece-reads';
import { actorToRead, asUnknownDossier, readServices } from './support';
import { delaiJson, dossierJson, dossierResumeJson } from './views';

/**
 * Reads of a dossier (docs/rules/circuits.md, docs/rules/dgp.md, docs/rules/documents.md): any actor of the marché reads its dossiers, in either space.
 * Function `dossiersRead` (functions/dossiers/lambdas.ts); writes nothing. It hands out download links, signed without
 * the S3 client; the audit trail, which reads stored files again, is in `history.ts` (function `dossiersAudit`).
 */

const TAGS = ['Dossiers'];
const params = z.object({ dossierId });

export const lireDossier = httpHandler({
  operationId: 'lireDossier',
  summary: 'Lire un dossier de facturation',
  description:
    'Le dossier avec ses pièces, sa chronologie, l’action attendue (qui, quoi, jusqu’à quand) et le délai global de paiement. ETag = version, à renvoyer dans If-Match pour agir.',
  tags: TAGS,
  method: 'GET',
  path: '/v1/dossiers/{dossierId}',
  auth: 'user',
  params,
  headers: actingHeaders,
  responses: { 200: { description: 'Le dossier', schema: dossierOutput, headers: { ETag: 'Version du dossier.' } } },
  handler: async (ctx) => {
    const svc = readServices();
    const service = svc.dossiers;
    const record = await service.load(ctx.params.dossierId);
    const { marche, actor, membership } = await svc.marcheAndReader(record.marcheId, {
      userId: ctx.identity.userId,
      actingSiret: ctx.headers[STRUCTURE_HEADER],
      hidden: asUnknownDossier(ctx.params.dossierId),
    });
    const pending = service.pendingOf(record, marche);
    const clock = await service.currentClockView(record);
    const view = dossierJson(record, pending, clock, actor.siret);
    // docs/rules/structures.md#spaces: the structure's actions are offered to a user only in MODIFICATION of their space
    const mesActions = view.mesActions.filter((a) => membership && canAct(membership, spaceOfAction(a.type)));
    return ok({ ...view, mesActions }, { etag: record.version });
  },
});

export const lireDelai = httpHandler({
  operationId: 'lireDelaiDossier',
  summary: 'Délai global de paiement du dossier',
  description:
    'Début, suspension, échéance, jours utilisés par acteur (maître d’œuvre, maître d’ouvrage, service financier), jours restants ou de retard, intérêts moratoires et indemnité forfaitaire.',
  tags: TAGS,
  method: 'GET',
  path: '/v1/dossiers/{dossierId}/delai',
  auth: 'user',
  params,
  headers: actingHeaders,
  responses: {
    200: {
      description: 'Le délai global de paiement (statut NON_DEMARRE tant qu’il ne court pas)',
      schema: z.nullable(delaiOutput),
      headers: { ETag: 'Version du dossier.' },
    },
  },
  handler: async (ctx) => {
    const svc = readServices();
    const service = svc.dossiers;
    const record = await service.load(ctx.params.dossierId);
    await svc.marcheAndReader(record.marcheId, {
      userId: ctx.identity.userId,
      actingSiret: ctx.headers[STRUCTURE_HEADER],
      hidden: asUnknownDossier(ctx.params.dossierId),
    });
    return ok(delaiJson(await service.currentClockView(record), record.state), { etag: record.version });
  },
});

const booleanQuery = z.pipe(
  z.enum(['true', 'false']),
  z.transform((v) => v === 'true'),
);

export const listerDossiers = httpHandler({
  operationId: 'listerDossiersMarche',
  summary: 'Dossiers d’un marché',
  description: 'Les dossiers de facturation du marché, du plus récent au plus ancien, filtrables par statut.',
  tags: TAGS,
  method: 'GET',
  path: '/v1/marches/{marcheId}/dossiers',
  auth: 'user',
  params: z.object({ marcheId: id }),
  query: z.object({
    statut: z.optional(z.enum(PIECE_STATUSES)),
    ouvert: z.optional(booleanQuery),
    limite: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50),
    suivant: z.optional(z.string().check(z.maxLength(2000))),
  }),
  headers: actingHeaders,
  responses: { 200: { description: 'Une page de dossiers', schema: listeDossiersOutput } },
  handler: async (ctx) => {
    const marche = await readServices().marche(ctx.params.marcheId);
    await actorToRead({ userId: ctx.identity.userId, actingSiret: ctx.headers[STRUCTURE_HEADER] }, marche);
    const page = await dossierListStore().ofMarche(marche.id, {
      status: ctx.query.statut,
      open: ctx.query.ouvert,
      limit: ctx.query.limite,
      cursor: ctx.query.suivant,
    });
    return ok({ dossiers: page.items.map(dossierResumeJson), ...(page.next ? { suivant: page.next } : {}) });
  },
});

export const handler = route(
  routesOf(
    lireDossier,
    lireDelai,
    listerDossiers,
    lireBrouillon,
    lienTelechargement,
    listerBrouillons,
    lireCadresDeposables,
  ),
);
