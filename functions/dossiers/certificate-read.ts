import { httpHandler } from '../../shared/http/handler';
import { binary } from '../../shared/http/results';
import { actingHeaders, STRUCTURE_HEADER } from '../../shared/schemas/pieces';
import { evidenceBuilder } from '../../shared/services/evidence/builder';
import { pieceParams, readablePiece, TAGS } from './piece-access';
import { readServices } from './support';

/**
 * The deposit certificate of a sent piece, as a PDF. Served by the evidence function (functions/dossiers/
 * evidence.ts), which authorizes the caller and has the PDF made by the evidence worker (evidence-build.ts, which
 * holds the PDF library): the API functions stay small.
 */
export const lireCertificatDepot = httpHandler({
  operationId: 'lireCertificatDepot',
  summary: 'Certificat de dépôt d’une pièce envoyée (PDF)',
  description:
    'Le certificat de dépôt en PDF : son numéro, la phrase « La pièce n° X est validée… », la pièce (cadre, numéro, marché, dossier, déposant, montants) et chaque fichier avec son empreinte SHA-256. Pour qui peut lire la pièce.',
  tags: TAGS,
  method: 'GET',
  path: '/v1/dossiers/{dossierId}/pieces/{pieceId}/certificat',
  auth: 'user',
  params: pieceParams,
  headers: actingHeaders,
  responses: {
    200: { description: 'Le certificat (PDF)', contentType: 'application/pdf' },
    409: { description: 'La pièce n’est pas encore envoyée (PIECE_NON_ENVOYEE).' },
  },
  handler: async (ctx) => {
    const svc = readServices();
    const who = { userId: ctx.identity.userId, actingSiret: ctx.headers[STRUCTURE_HEADER] };
    await readablePiece(svc, who, ctx.params);
    const { pdfBase64, fileName } = await evidenceBuilder().certificate(ctx.params.dossierId, ctx.params.pieceId);
    return binary(Buffer.from(pdfBase64, 'base64'), { contentType: 'application/pdf', fileName });
  },
});
