import * as z from 'zod/mini';
import { verifyTrail } from '../../shared/adapters/audit';
import { httpHandler } from '../../shared/http/handler';
import { ok } from '../../shared/http/results';
import { route, routesOf } from '../../shared/http/router';
import { historiqueOutput } from '../../shared/schemas/history';
import { withMeta } from '../../shared/schemas/meta';
import { actingHeaders, dossierId, STRUCTURE_HEADER } from '../../shared/schemas/pieces';
import { installDocumentObjects } from '../../shared/services/infrastructure';
import { s3DocumentObjects } from '../../shared/services/pieces/storage';
import { historiqueJson } from './history-view';
import { asUnknownDossier, readServices } from './support';

// `fichiers=1` reads every verified file of the dossier again from storage
installDocumentObjects(s3DocumentObjects);

/**
 * The audit trail of a dossier (docs/rules/documents.md#retention-and-the-audit-trail), readable by any actor of the
 * marché. Function `dossiersAudit` (functions/dossiers/lambdas.ts): the one read that touches stored objects, apart
 * from the other reads (`read.ts`) so that they do not bundle the S3 client.
 */
export const lireHistorique = httpHandler({
  operationId: 'lireHistoriqueDossier',
  summary: 'Piste d’audit du dossier',
  description:
    'Chaque événement (qui, quand, quoi, empreinte des fichiers) chaîné par SHA-256 à son prédécesseur, et le résultat de la vérification de la chaîne. Avec `fichiers=1`, chaque fichier vérifié des pièces est relu dans le stockage et son empreinte comparée à celle enregistrée.',
  tags: ['Dossiers'],
  method: 'GET',
  path: '/v1/dossiers/{dossierId}/historique',
  auth: 'user',
  params: z.object({ dossierId }),
  query: z.object({
    fichiers: withMeta(z.optional(z.enum(['0', '1'])), {
      description: '1 : relire aussi les fichiers stockés et vérifier leur empreinte.',
    }),
  }),
  headers: actingHeaders,
  responses: { 200: { description: 'La piste d’audit et sa vérification', schema: historiqueOutput } },
  handler: async (ctx) => {
    const svc = readServices();
    const service = svc.dossiers;
    const record = await service.load(ctx.params.dossierId);
    await svc.marcheAndReader(record.marcheId, {
      userId: ctx.identity.userId,
      actingSiret: ctx.headers[STRUCTURE_HEADER],
      hidden: asUnknownDossier(ctx.params.dossierId),
    });
    // docs/rules/documents.md#retention-and-the-audit-trail: the trail is append-only and can be verified
    const files =
      ctx.query.fichiers === '1'
        ? await svc.pieces.checkStoredFiles(
            record.dossierId,
            record.state.pieces.map((p) => p.id),
          )
        : undefined;
    return ok(
      historiqueJson(
        record.dossierId,
        record.events,
        verifyTrail(record.events, { seq: record.lastEventSeq, hash: record.lastEventHash }),
        files,
      ),
      {
        etag: record.version,
      },
    );
  },
});

export const handler = route(routesOf(lireHistorique));
