import * as z from 'zod/mini';
import { DomainError } from '../../shared/domain/errors';
import { dossierId, pieceId } from '../../shared/schemas/pieces';
import type { Actor } from '../../shared/services/authorization';
import type { DraftPiece } from '../../shared/services/pieces';
import { actorToRead, asUnknownPiece, type ReadServices } from './support';

/**
 * Who may read a piece, shared by the piece reads (piece-reads.ts) and the deposit certificate (certificate-read.ts).
 * Apart from piece-reads.ts, whose routes are built when it loads: the evidence function, which serves the
 * certificate, would otherwise build and carry those three routes too (docs/DESIGN.md#what-a-cold-start-pays).
 */

export const TAGS = ['Pièces'];
export const pieceParams = z.object({ dossierId, pieceId });

/** The piece, if `who` may read it (a draft only by its depositor structure); shared with certificate-read.ts. */
export async function readablePiece(
  svc: ReadServices,
  who: { userId: string; actingSiret?: string },
  ids: { dossierId: string; pieceId: string },
): Promise<{ draft: DraftPiece; actor: Actor }> {
  const draft = await svc.pieces.getDraft(ids.dossierId, ids.pieceId);
  const actor = await actorToRead({ ...who, hidden: asUnknownPiece(ids.pieceId) }, await svc.marche(draft.marcheId));
  // docs/rules/documents.md#drafts-and-sending: drafts are the depositor's until sent
  if (draft.status === 'BROUILLON' && draft.depositorSiret !== actor.siret) {
    throw new DomainError('PIECE_INCONNUE', `La pièce ${ids.pieceId} n'existe pas.`, 'NOT_FOUND');
  }
  return { draft, actor };
}
