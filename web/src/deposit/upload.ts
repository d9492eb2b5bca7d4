import { api, type components } from '../api/client';
import { unwrap } from '../api/problem';

/**
 * Sending one file of a piece straight to storage: the SHA-256 computed in the browser (Web Crypto) and declared
 * when asking for the presigned POST form (storage then refuses any other bytes), the size checked against the
 * room left before anything is reserved, and the upload's progress read from XMLHttpRequest's upload events
 * (fetch reports none). A dropped upload is retried with a fresh form for that file.
 */

export type Brouillon = components['schemas']['PieceBrouillon'];
export type RoleFichier = 'PRINCIPAL' | 'ANNEXE';

/** SHA-256 of the file's bytes, as 64 hexadecimal characters. */
export async function sha256Hex(file: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A fresh presigned POST form for this file (each attempt asks its own). */
export async function requestForm(
  draft: Pick<Brouillon, 'dossierId' | 'id'>,
  file: File,
  role: RoleFichier,
  sha256: string,
): Promise<components['schemas']['FormulaireDepot']> {
  return unwrap(
    await api.POST('/v1/dossiers/{dossierId}/pieces/{pieceId}/fichiers', {
      params: {
        path: { dossierId: draft.dossierId, pieceId: draft.id },
        header: { 'Idempotency-Key': crypto.randomUUID() },
      },
      body: { nom: file.name, taille: file.size, type: file.type || 'application/octet-stream', role, sha256 },
    }),
  );
}

/** Removes one file from the draft, at the draft's version: its room is given back, the file leaves the piece. */
export async function removeFromDraft(draft: Pick<Brouillon, 'dossierId' | 'id' | 'version'>, fichierId: string) {
  unwrap(
    await api.DELETE('/v1/dossiers/{dossierId}/pieces/{pieceId}/fichiers/{fichierId}', {
      params: {
        path: { dossierId: draft.dossierId, pieceId: draft.id, fichierId },
        header: { 'If-Match': `"${draft.version}"`, 'Idempotency-Key': crypto.randomUUID() },
      },
    }),
  );
}

export class UploadInterrupted extends Error {
  override readonly name = 'UploadInterrupted';
}

/** Storage's XML error, read for its code (EntityTooLarge, AccessDenied…) as a French sentence. */
function storageRefusal(status: number, body: string): string {
  const code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
  if (code === 'EntityTooLarge') return 'Le stockage a refusé le fichier : il est plus gros que la taille annoncée.';
  if (code === 'AccessDenied' || code === 'ExpiredToken' || status === 403) {
    return 'Le formulaire de dépôt a expiré ou ne correspond plus au fichier : réessayez.';
  }
  if (code === 'BadDigest' || code === 'XAmzContentChecksumMismatch') {
    return 'Le fichier reçu ne correspond pas à son empreinte : il a changé pendant l’envoi. Réessayez.';
  }
  return `Le stockage a refusé le fichier (erreur ${status}${code ? ` ${code}` : ''}) : réessayez.`;
}

/**
 * Posts the file to the form (fields first, then `file`), reporting progress in percent. Rejects with
 * UploadInterrupted when the connection drops (the caller offers a retry with a fresh form).
 */
export function postToStorage(
  form: { url: string; champs: Record<string, string> },
  file: File,
  onProgress: (percent: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = new FormData();
    for (const [k, v] of Object.entries(form.champs)) body.append(k, v);
    body.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.url);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(Math.min(100, Math.floor((e.loaded / e.total) * 100)));
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(100);
        resolve();
      } else reject(new Error(storageRefusal(xhr.status, xhr.responseText)));
    };
    const interrupted = () =>
      reject(new UploadInterrupted(`L’envoi de ${file.name} a été interrompu (connexion perdue) : réessayez.`));
    xhr.onerror = interrupted;
    xhr.onabort = interrupted;
    xhr.ontimeout = interrupted;
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(body);
  });
}
