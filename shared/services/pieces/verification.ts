import type { ObjectHead } from '../../adapters/document-bucket';
import type { RefusedDocument, VerifyDocumentInput, VerifyDocumentResult } from '../../documents/verify';
import { MAX_FILE_BYTES, MAX_PIECE_BYTES } from '../../domain/documents';
import { lateUpload, mainFileMustBeTextPdf, type PieceFile } from '../../domain/pieces';
import { refuseReplacement } from './replacement';
import type { PieceDeps, VerificationOutcome } from './types';

/**
 * Verifies an uploaded object (S3 ObjectCreated): real size, type read from the content against the extension,
 * SHA-256, and for the main file a native text PDF with its pre-fill suggestions. An accepted file is recorded with
 * its hash; a refused one is hidden and the reason, in French, recorded on the file and the piece. Idempotent: S3
 * may deliver an event twice.
 */
/**
 * Reads a document's bytes: `verifyDocument` of shared/documents/verify.ts. Passed in by the object-created handler,
 * the only function that reads PDFs, so that the PDF library is bundled into that Lambda alone.
 */
export type DocumentVerifier = (input: VerifyDocumentInput) => Promise<VerifyDocumentResult>;

export async function verifyUpload(
  deps: PieceDeps,
  object: { readonly key: string; readonly versionId?: string },
  verifyDocument: DocumentVerifier,
): Promise<VerificationOutcome> {
  if (!object.key.startsWith(deps.uploadPrefix)) return { outcome: 'IGNORE', reason: 'hors du préfixe de dépôt' };
  for (let attempt = 0; attempt < 5; attempt++) {
    const file = await deps.store.fileOfObject(object.key);
    if (!file) {
      // Not from one of our forms, or its draft was deleted: nothing may stay
      await deps.documents.hide(object.key);
      return { outcome: 'IGNORE', reason: 'objet sans formulaire de dépôt' };
    }
    if (file.status === 'VERIFIE') {
      // Another version under a verified file's key: recorded as a refused replacement, never served
      if (object.versionId && file.versionId && object.versionId !== file.versionId) {
        return refuseReplacement(deps, file, { key: object.key, versionId: object.versionId });
      }
      return { outcome: 'IGNORE', reason: 'déjà vérifié' };
    }
    if (file.status === 'REFUSE' || file.status === 'ANNULE' || file.status === 'RETIRE') {
      // Refused, cancelled, or removed from its draft by the depositor: whatever lands under its key is hidden
      await deps.documents.hide(object.key);
      const why = { REFUSE: 'refusé', ANNULE: 'annulé', RETIRE: 'retiré par le déposant' } as const;
      return { outcome: 'IGNORE', reason: `fichier ${why[file.status]}` };
    }
    const head = await deps.documents.head(object.key, object.versionId);
    if (!head) return { outcome: 'IGNORE', reason: 'objet absent' };
    const result = await inspect(deps, file, object, head, verifyDocument);
    const now = deps.clock.now();
    const recorded = result.ok
      ? await deps.store.recordVerified(
          file,
          { ...result, versionId: object.versionId ?? head.versionId },
          MAX_PIECE_BYTES,
          now,
        )
      : await deps.store.recordRefused(file, result, now);
    if (recorded === 'RECORDED') {
      if (result.ok) return { outcome: 'VERIFIE', fileId: file.fileId, sha256: result.sha256 };
      await deps.documents.hide(object.key);
      return { outcome: 'REFUSE', fileId: file.fileId, refusal: { code: result.code, message: result.message } };
    }
    // The file changed in between (expired, cancelled by a send): read it again and decide anew
    if (recorded === 'FILE_MOVED') continue;
    const piece = await deps.store.piece(file.dossierId, file.pieceId);
    if (piece?.status !== (file.supplement ? 'ENVOYEE' : 'BROUILLON')) {
      await deps.documents.hide(object.key);
      return { outcome: 'IGNORE', reason: piece ? 'pièce déjà envoyée' : 'pièce supprimée' };
    }
    if (result.ok && file.status === 'EXPIRE') {
      // Landed after its reservation was released, and the piece has no room left for it
      await deps.store.recordRefused(file, lateUpload(file), deps.clock.now());
      await deps.documents.hide(object.key);
      return { outcome: 'REFUSE', fileId: file.fileId, refusal: lateUpload(file) };
    }
  }
  throw new Error(`verification of ${object.key} did not settle`);
}

async function inspect(
  deps: PieceDeps,
  file: PieceFile,
  object: { key: string; versionId?: string },
  head: ObjectHead,
  verifyDocument: DocumentVerifier,
): Promise<VerifyDocumentResult> {
  const refuse = (code: string, message: string): RefusedDocument => ({ ok: false, code, message });
  // Empty files are refused; 10 MB per file (the form's range already enforces both)
  if (head.size === 0)
    return refuse('FICHIER_VIDE', `Le fichier ${file.fileName} est vide : déposez un fichier non vide.`);
  if (head.size > file.declaredSize || head.size > MAX_FILE_BYTES) {
    return refuse(
      'FICHIER_PLUS_GROS_QUE_DECLARE',
      `Le fichier ${file.fileName} pèse ${head.size} octets, plus que les ${file.declaredSize} octets annoncés : redéposez-le.`,
    );
  }
  const bytes = await deps.documents.bytes(object.key, object.versionId);
  const result = await verifyDocument({
    bytes,
    fileName: file.fileName,
    role: file.role,
    cadreRequiresTextPdf: mainFileMustBeTextPdf(),
  });
  if (!result.ok) return result;
  const integrity = (expected: string | undefined) => expected !== undefined && expected !== result.sha256;
  if (integrity(file.declaredSha256) || integrity(head.sha256) || bytes.length !== head.size) {
    return refuse(
      'EMPREINTE_DIFFERENTE',
      `Le fichier ${file.fileName} reçu ne correspond pas à l'empreinte SHA-256 annoncée : redéposez-le.`,
    );
  }
  return result;
}
