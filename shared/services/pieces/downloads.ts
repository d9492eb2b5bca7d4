import { DomainError } from '../../domain/errors';
import { DOWNLOAD_URL_TTL_SECONDS, type PieceDeps } from './types';

/** A short-lived link to a verified file (the caller checked that the user may read the dossier). */
export async function downloadUrl(
  deps: Pick<PieceDeps, 'store' | 'documents'>,
  input: { readonly dossierId: string; readonly pieceId: string; readonly fileId: string },
): Promise<{ url: string; expiresAt: string }> {
  const file = await deps.store.file(input.dossierId, input.pieceId, input.fileId);
  // A file the depositor removed from its draft is no longer part of the piece
  if (!file || file.status === 'RETIRE') {
    throw new DomainError('FICHIER_INCONNU', `Le fichier ${input.fileId} n'existe pas dans cette pièce.`, 'NOT_FOUND');
  }
  if (file.status !== 'VERIFIE') {
    const message =
      file.status === 'ATTENDU'
        ? `Le fichier ${file.fileName} n'a pas encore été reçu et vérifié.`
        : `Le fichier ${file.fileName} n'est pas disponible (${file.refusal?.message ?? 'dépôt non abouti'}).`;
    throw new DomainError('FICHIER_INDISPONIBLE', message, 'CONFLICT');
  }
  const link = await deps.documents.downloadLink({
    key: file.objectKey,
    versionId: file.versionId,
    fileName: file.fileName,
    contentType: file.contentType,
    expiresInSeconds: DOWNLOAD_URL_TTL_SECONDS,
  });
  return { url: link.url, expiresAt: link.expiresAt.toISOString() };
}
