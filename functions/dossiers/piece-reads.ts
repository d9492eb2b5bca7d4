import * as z from 'zod/mini';
import { daysBetween, parisDateOf } from '../../shared/domain/calendar';
import { httpHandler } from '../../shared/http/handler';
import { ok } from '../../shared/http/results';
import { siretParams } from '../../shared/schemas/identity';
import {
  actingHeaders,
  brouillonOutput,
  brouillonsOutput,
  fichierId,
  lienTelechargementOutput,
  STRUCTURE_HEADER,
} from '../../shared/schemas/pieces';
import { assertMemberOf } from '../../shared/services/structure-readers';
import { identityStore } from '../../shared/services/wiring';
import { pieceParams, readablePiece, TAGS } from './piece-access';
import { brouillonJson } from './piece-views';
import { readServices } from './support';
import { montantsJson } from './views';

/**
 * Reads of a piece and its files (docs/rules/documents.md#drafts-and-sending). A sent piece is read by every actor of the marché; a draft only by
 * its depositor structure (it is nobody else's business until sent): to others it does not exist.
 */

export const lireBrouillon = httpHandler({
  operationId: 'lirePiece',
  summary: 'Lire une pièce (brouillon ou envoyée)',
  description:
    'La pièce avec ses fichiers, le résultat de leur vérification et les valeurs lues dans le PDF principal (suggestions à confirmer, jamais appliquées d’office). Un brouillon n’est visible que de la structure qui le dépose.',
  tags: TAGS,
  method: 'GET',
  path: '/v1/dossiers/{dossierId}/pieces/{pieceId}',
  auth: 'user',
  params: pieceParams,
  headers: actingHeaders,
  responses: {
    200: { description: 'La pièce', schema: brouillonOutput, headers: { ETag: 'Version du brouillon (If-Match).' } },
  },
  handler: async (ctx) => {
    const svc = readServices();
    const who = { userId: ctx.identity.userId, actingSiret: ctx.headers[STRUCTURE_HEADER] };
    const { draft } = await readablePiece(svc, who, ctx.params);
    return ok(brouillonJson(draft), { etag: draft.version });
  },
});

export const lienTelechargement = httpHandler({
  operationId: 'lienTelechargementFichier',
  summary: 'Lien de téléchargement d’un fichier',
  description: 'Un lien GET présigné, de courte durée, vers un fichier vérifié (pour qui peut lire la pièce).',
  tags: TAGS,
  method: 'GET',
  path: '/v1/dossiers/{dossierId}/pieces/{pieceId}/fichiers/{fichierId}/telechargement',
  auth: 'user',
  params: z.extend(pieceParams, { fichierId }),
  headers: actingHeaders,
  responses: { 200: { description: 'Le lien', schema: lienTelechargementOutput } },
  handler: async (ctx) => {
    const svc = readServices();
    const who = { userId: ctx.identity.userId, actingSiret: ctx.headers[STRUCTURE_HEADER] };
    await readablePiece(svc, who, ctx.params);
    const link = await svc.pieces.downloadUrl({
      dossierId: ctx.params.dossierId,
      pieceId: ctx.params.pieceId,
      fileId: ctx.params.fichierId,
    });
    return ok({ url: link.url, expireLe: link.expiresAt });
  },
});

export const listerBrouillons = httpHandler({
  operationId: 'listerBrouillons',
  summary: 'Brouillons : les pièces non envoyées de la structure',
  description:
    'Les pièces que la structure a commencé à déposer sans les envoyer, la plus récente d’abord, avec leur âge : le destinataire ne les voit pas tant qu’elles ne sont pas envoyées. Réservé aux membres de la structure.',
  tags: TAGS,
  method: 'GET',
  path: '/v1/structures/{siret}/brouillons',
  auth: 'user',
  params: siretParams,
  query: z.object({ limite: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(200)), 50) }),
  responses: { 200: { description: 'Les brouillons', schema: brouillonsOutput } },
  handler: async (ctx) => {
    await assertMemberOf(identityStore(), ctx.identity.userId, ctx.params.siret);
    const today = parisDateOf(ctx.now);
    const drafts = await readServices().pieces.listDrafts(ctx.params.siret, ctx.query.limite);
    return ok({
      siret: ctx.params.siret,
      brouillons: drafts.map((d) => ({
        id: d.pieceId,
        dossierId: d.dossierId,
        marcheId: d.marcheId,
        cadre: d.cadre,
        numero: d.numero,
        nouveauDossier: d.newDossier,
        ...(d.montants ? { montants: montantsJson(d.montants) } : {}),
        ...(d.datePiece ? { datePiece: d.datePiece } : {}),
        octetsReserves: d.reservedBytes,
        creeLe: d.createdAt,
        ageJours: daysBetween(parisDateOf(new Date(d.createdAt)), today),
        version: d.version,
      })),
    });
  },
});
