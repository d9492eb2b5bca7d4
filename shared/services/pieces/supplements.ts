import { filesAmong } from '../../adapters/dynamo/piece-items';
import type { TransactItem } from '../../adapters/dynamo/transactions';
import { DomainError } from '../../domain/errors';
import type { FileRole, PieceActor, PieceFile, PieceRecord } from '../../domain/pieces';
import type { ActResult } from '../decisions';
import type { PieceDeps } from './types';

/**
 * Answering a suspension with documents (CCP R2192-28: the suspension lists every missing document; the complete
 * answer restarts the DGP, R2192-29). While its dossier waits for them (`COMPLEMENT_FOURNISSEUR`), the suspended
 * piece — the dossier's current one, already sent — takes attachments from the fournisseur, within the same
 * 10 MB per file and 120 MB per piece as a draft; « Compléter » then names them, and their SHA-256 go into the
 * audit trail with the answer.
 */

/** The sent piece that may take `role` from `actor` now, or the refusal that says why not. */
export async function supplementTarget(
  deps: PieceDeps,
  actor: PieceActor,
  piece: PieceRecord,
  role: FileRole,
): Promise<PieceRecord> {
  const record = await deps.dossiers.find(piece.dossierId);
  const d = record?.state;
  if (d?.state !== 'COMPLEMENT_FOURNISSEUR' || d.currentPieceId !== piece.pieceId) {
    const message = `La pièce n° ${piece.numero} est envoyée et n'est pas suspendue : on ne peut plus lui ajouter de fichier. Seule une pièce suspendue reçoit les documents demandés.`;
    throw new DomainError('PIECE_NON_SUSPENDUE', message, 'CONFLICT');
  }
  if (d.parties.fournisseur.siret !== actor.siret) {
    const message = `Seul le fournisseur du dossier (SIRET ${d.parties.fournisseur.siret}) envoie les documents demandés par la suspension.`;
    throw new DomainError('COMPLEMENT_RESERVE_AU_FOURNISSEUR', message, 'FORBIDDEN');
  }
  if (role !== 'ATTACHMENT') {
    const message = `La pièce n° ${piece.numero} a déjà son fichier principal : déposez les documents demandés en pièces jointes (ANNEXE).`;
    throw new DomainError('COMPLEMENT_EN_PIECE_JOINTE', message, 'INVALID', [{ path: 'role', message }]);
  }
  return piece;
}

export interface CompleteInput {
  readonly userId: string;
  readonly actingSiret?: string;
  readonly dossierId: string;
  readonly expectedVersion?: number;
  /** The documents as the fournisseur names them; by default the names of the files. */
  readonly documents: readonly string[];
  /** Files added to the suspended piece (verified), answering the suspension. */
  readonly fileIds: readonly string[];
  /** The request's completed idempotency record, written in the decision's transaction. */
  readonly completion?: (result: ActResult) => Promise<TransactItem>;
}

/** « Compléter » with the files added to the suspended piece: authorized and applied by `DossierService.decide`. */
export async function completeWithFiles(deps: PieceDeps, input: CompleteInput): Promise<ActResult> {
  const record = await deps.dossiers.load(input.dossierId);
  const pieceId = record.state.currentPieceId;
  return deps.dossiers.decide({
    dossierId: input.dossierId,
    // The dossier read here, with its files: the decision does not read it again (a retry does)
    record,
    ...(input.completion ? { completion: input.completion } : {}),
    userId: input.userId,
    ...(input.actingSiret ? { actingSiret: input.actingSiret } : {}),
    expectedVersion: input.expectedVersion,
    action: { type: 'COMPLETER', documents: [...input.documents] },
    // Once the user is authorized: the files named must be this piece's supplements, verified
    prepare: async (_actor, read) => {
      const files = filesAmong((read ?? record).files, pieceId);
      const named = input.fileIds.map((id, i) =>
        checkNamed(
          files.find((f) => f.fileId === id),
          id,
          i,
        ),
      );
      const fichiers = named.map((f) => ({ id: f.fileId, nom: f.fileName, sha256: f.sha256 as string }));
      const documents = input.documents.length > 0 ? [...input.documents] : named.map((f) => f.fileName);
      return {
        action: { type: 'COMPLETER', documents, fichiers },
        fileHashes: fichiers.map((f) => f.sha256),
      };
    },
  });
}

function checkNamed(file: PieceFile | undefined, id: string, index: number): PieceFile {
  const path = `fichiers.${index}`;
  if (!file?.supplement) {
    const message = `Le fichier ${id} n'est pas un document ajouté à la pièce suspendue : déposez-le d'abord sur cette pièce.`;
    throw new DomainError('FICHIER_COMPLEMENT_INCONNU', message, 'INVALID', [{ path, message }]);
  }
  if (file.status === 'ATTENDU') {
    const message = `Vérification en cours de ${file.fileName} : patientez quelques secondes puis complétez à nouveau.`;
    throw new DomainError('FICHIERS_EN_COURS_DE_VERIFICATION', message, 'CONFLICT', [{ path, message }]);
  }
  if (file.status !== 'VERIFIE') {
    const message = `Le fichier ${file.fileName} n'a pas été accepté (${file.refusal?.message ?? 'dépôt abandonné'}) : déposez-le à nouveau.`;
    throw new DomainError('FICHIER_COMPLEMENT_REFUSE', message, 'INVALID', [{ path, message }]);
  }
  return file;
}
