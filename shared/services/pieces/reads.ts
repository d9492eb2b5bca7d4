import type { DraftPiece } from '../../domain/pieces';
import { downloadUrl } from './downloads';
import { getDraft, listDrafts } from './drafts';
import { checkStoredFiles, type StoredFileCheck } from './stored-files';
import type { PieceDeps } from './types';

/** What reading pieces takes: the piece store and the bucket that signs download links. */
export type PieceReadDeps = Pick<PieceDeps, 'store' | 'documents'>;

/**
 * Pieces as they are read: a draft or sent piece with its files, a structure's drafts, a download link, the stored
 * files read again against their recorded hashes. What the read functions need of the pieces, without drafting,
 * uploading and sending (`PieceService`, which extends it), so that their bundles leave those out (issue 16).
 */
export class PieceReads<D extends PieceReadDeps = PieceReadDeps> {
  constructor(protected readonly deps: D) {}

  getDraft(dossierId: string, pieceId: string): Promise<DraftPiece> {
    return getDraft(this.deps, dossierId, pieceId);
  }

  listDrafts(siret: string, limit?: number): Promise<DraftPiece[]> {
    return listDrafts(this.deps, siret, limit);
  }

  downloadUrl(input: { readonly dossierId: string; readonly pieceId: string; readonly fileId: string }) {
    return downloadUrl(this.deps, input);
  }

  /** Verified files of these pieces read again and hashed (history `?fichiers=1`). */
  checkStoredFiles(dossierId: string, pieceIds: readonly string[]): Promise<StoredFileCheck[]> {
    return checkStoredFiles(this.deps, dossierId, pieceIds);
  }
}
