import type { AwaitedUploads } from '../../adapters/dynamo/awaited-uploads';
import { type DraftPiece, type PieceActor, type PieceRecord, unknownPiece } from '../../domain/pieces';
import type { ActResult } from '../decisions';
import { createDraft, deleteDraft, updateDraft } from './drafts';
import { type RemoveFileInput, removeFile } from './file-removal';
import { PieceReads } from './reads';
import { draftToSend, send } from './sending';
import { type CompleteInput, completeWithFiles } from './supplements';
import { type SweepReport, sweepUploads } from './sweep';
import type {
  CreateDraftInput,
  DraftEditInput,
  DraftToSend,
  PieceDeps,
  SendInput,
  SendResult,
  UploadFormInput,
  UploadFormResult,
  VerificationOutcome,
} from './types';
import { releaseExpiredReservations, requestUploadForm } from './uploads';
import { type DocumentVerifier, verifyUpload } from './verification';

export type { RemoveFileInput } from './file-removal';
export { PieceReads } from './reads';
export type { StoredFileCheck } from './stored-files';
export type { CompleteInput } from './supplements';
export type { SweepReport } from './sweep';
export * from './types';
export type { DocumentVerifier } from './verification';

/**
 * Pieces before they enter a circuit: drafts (drafts.ts), upload reservation (uploads.ts), verification of each
 * uploaded object (verification.ts), download links (downloads.ts) and « Valider et envoyer » (sending.ts). Storage
 * is the piece store's (shared/adapters/dynamo/piece-store.ts) and the document bucket's; the rules are in
 * shared/domain/pieces.ts and shared/domain/documents.ts.
 */
export class PieceService extends PieceReads<PieceDeps> {
  createDraft(input: CreateDraftInput): Promise<DraftPiece> {
    return createDraft(this.deps, input);
  }

  /** The piece record alone, without its files (one read); PIECE_INCONNUE when absent. */
  async piece(dossierId: string, pieceId: string): Promise<PieceRecord> {
    const piece = await this.deps.store.piece(dossierId, pieceId);
    if (!piece) throw unknownPiece(pieceId);
    return piece;
  }

  /** The draft to send and its dossier, in one read (the piece is undefined when the dossier has none such). */
  draftToSend(dossierId: string, pieceId: string): Promise<DraftToSend> {
    return draftToSend(this.deps, dossierId, pieceId);
  }

  updateDraft(input: DraftEditInput): Promise<DraftPiece> {
    return updateDraft(this.deps, input);
  }

  deleteDraft(input: {
    readonly actor: PieceActor;
    readonly dossierId: string;
    readonly pieceId: string;
    readonly expectedVersion?: number;
  }) {
    return deleteDraft(this.deps, input);
  }

  /** Removes one file from a draft: its room given back, its object hidden, its record kept (RETIRE). */
  removeFile(input: RemoveFileInput): Promise<void> {
    return removeFile(this.deps, input);
  }

  requestUploadForm(input: UploadFormInput): Promise<UploadFormResult> {
    return requestUploadForm(this.deps, input);
  }

  releaseExpiredReservations(dossierId: string, pieceId: string): Promise<string[]> {
    return releaseExpiredReservations(this.deps, dossierId, pieceId);
  }

  verifyUpload(
    object: { readonly key: string; readonly versionId?: string },
    verifyDocument: DocumentVerifier,
  ): Promise<VerificationOutcome> {
    return verifyUpload(this.deps, object, verifyDocument);
  }

  /** Settles the uploads whose S3 event never arrived (sweep.ts). */
  sweepUploads(awaited: AwaitedUploads, verifyDocument: DocumentVerifier): Promise<SweepReport> {
    return sweepUploads(this.deps, awaited, verifyDocument);
  }

  send(input: SendInput): Promise<SendResult> {
    return send(this.deps, input);
  }

  /** « Compléter » a suspended dossier with the files added to its piece. */
  completeWithFiles(input: CompleteInput): Promise<ActResult> {
    return completeWithFiles(this.deps, input);
  }
}
