import { createHash } from 'node:crypto';
import type { PieceDeps } from './types';

/** A stored file checked again against the hash recorded when it was verified. */
export interface StoredFileCheck {
  readonly pieceId: string;
  readonly fileId: string;
  readonly fileName: string;
  readonly versionId?: string;
  readonly recordedSha256: string;
  /** What the stored bytes hash to now; absent when the object is gone. */
  readonly storedSha256?: string;
  readonly ok: boolean;
  /** Why it does not match, in French. */
  readonly reason?: string;
}

/**
 * Reads every verified file of the given pieces again, at the version that was verified, and compares its SHA-256
 * with the one recorded (the history's `?fichiers=1`). A stored object replaced or altered in the storage itself,
 * bypassing every form, shows here as a mismatch naming the file and both hashes.
 */
export async function checkStoredFiles(
  deps: Pick<PieceDeps, 'store' | 'documents'>,
  dossierId: string,
  pieceIds: readonly string[],
): Promise<StoredFileCheck[]> {
  const out: StoredFileCheck[] = [];
  for (const pieceId of pieceIds) {
    for (const file of await deps.store.files(dossierId, pieceId)) {
      if (file.status !== 'VERIFIE' || !file.sha256) continue;
      const base = {
        pieceId,
        fileId: file.fileId,
        fileName: file.fileName,
        ...(file.versionId ? { versionId: file.versionId } : {}),
        recordedSha256: file.sha256,
      };
      const head = await deps.documents.head(file.objectKey, file.versionId);
      if (!head) {
        out.push({ ...base, ok: false, reason: 'objet absent du stockage' });
        continue;
      }
      const stored = createHash('sha256')
        .update(await deps.documents.bytes(file.objectKey, file.versionId))
        .digest('hex');
      out.push(
        stored === file.sha256
          ? { ...base, storedSha256: stored, ok: true }
          : {
              ...base,
              storedSha256: stored,
              ok: false,
              reason: 'contenu stocké différent de l’empreinte enregistrée à la vérification',
            },
      );
    }
  }
  return out;
}
