import { DomainError } from '../../domain/errors';
import type { PieceActor } from '../../domain/pieces';
import { requireDraftOf } from './drafts';
import type { PieceDeps } from './types';

export interface RemoveFileInput {
  readonly actor: PieceActor;
  readonly userId: string;
  readonly dossierId: string;
  readonly pieceId: string;
  readonly fileId: string;
  /** The draft's version read (If-Match at the API). */
  readonly expectedVersion: number;
}

/**
 * The depositor removes one file from its draft (a wrong attachment, a main PDF to replace): the room it held on
 * the piece is given back (10 MB / 120 MB, docs/rules/documents.md#sizes), its object is hidden, and its record
 * stays with who removed it and when (status RETIRE), out of the draft's list. Only the draft's depositor, at the
 * draft's version: a removal never races an edit it did not see. A form still unused for that file is cancelled
 * with it (what it uploads later is hidden on arrival).
 */
export async function removeFile(deps: PieceDeps, input: RemoveFileInput): Promise<void> {
  const piece = await requireDraftOf(deps, input.actor, input.dossierId, input.pieceId);
  for (let attempt = 0; attempt < 3; attempt++) {
    const file = await deps.store.file(input.dossierId, input.pieceId, input.fileId);
    if (!file || file.status === 'RETIRE') throw unknownFile(input.fileId, piece.numero);
    const outcome = await deps.store.removeFile(
      file,
      { depositorSiret: input.actor.siret, userId: input.userId },
      input.expectedVersion,
      deps.clock.now(),
    );
    if (outcome === 'REMOVED') {
      if (file.status === 'VERIFIE' || (file.status === 'ATTENDU' && (await deps.documents.head(file.objectKey)))) {
        await deps.documents.hide(file.objectKey);
      }
      return;
    }
    if (outcome === 'PIECE_REFUSED') {
      const now = await requireDraftOf(deps, input.actor, input.dossierId, input.pieceId);
      const version = now.version ?? 1;
      const message = `Le brouillon n° ${now.numero} est à la version ${version}, pas ${input.expectedVersion} : rechargez-le, puis retirez le fichier s'il y est encore.`;
      throw new DomainError('VERSION_PERIMEE', message, 'STALE');
    }
    // FILE_MOVED: verified or refused meanwhile; read it again and remove it as it is now
  }
  const message =
    'Le fichier change en ce moment (vérification en cours) : patientez quelques secondes et recommencez.';
  throw new DomainError('MODIFICATION_CONCURRENTE', message, 'CONFLICT');
}

function unknownFile(fileId: string, numero: string): DomainError {
  return new DomainError(
    'FICHIER_INCONNU',
    `Le fichier ${fileId} ne fait pas (ou plus) partie du brouillon n° ${numero} : rechargez la pièce.`,
    'NOT_FOUND',
  );
}
