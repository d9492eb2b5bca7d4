import { randomBytes } from 'node:crypto';
import { newId } from '../../adapters/ids';
import { MIME_BY_EXTENSION } from '../../documents/sniff';
import { MAX_PIECE_BYTES, validateFileName } from '../../domain/documents';
import { DomainError } from '../../domain/errors';
import {
  assertDraftOf,
  checkDeclaredSize,
  checkSha256,
  mainFileMustBeTextPdf,
  type PieceFile,
  reservationRefusal,
} from '../../domain/pieces';
import { supplementTarget } from './supplements';
import {
  type PieceDeps,
  RESERVATION_GRACE_SECONDS,
  UPLOAD_FORM_TTL_SECONDS,
  type UploadFormInput,
  type UploadFormResult,
} from './types';

/**
 * Upload reservation: one presigned POST form per file of a draft. The declared size is reserved on the piece
 * first, by a conditional write that keeps the piece with its attachments at 120 MB at most whatever the
 * concurrency; the form then accepts 1 byte up to that size, so storage itself enforces both limits.
 */
export async function requestUploadForm(deps: PieceDeps, input: UploadFormInput): Promise<UploadFormResult> {
  const now = deps.clock.now();
  // File name ≤ 50 characters with an accepted extension (Chorus Pro « Pièces jointes »)
  const name = validateFileName(input.fileName);
  if (!name.ok) throw name.error;
  checkDeclaredSize(input.fileName, input.size);
  if (input.role !== 'MAIN' && input.role !== 'ATTACHMENT') {
    const message = 'Rôle du fichier attendu : MAIN (fichier principal) ou ATTACHMENT (pièce jointe).';
    throw new DomainError('ROLE_FICHIER_INVALIDE', message, 'INVALID', [{ path: 'role', message }]);
  }
  const sha256 = input.sha256 === undefined ? undefined : checkSha256(input.sha256);
  const stored = await deps.store.piece(input.dossierId, input.pieceId);
  // A sent piece takes only the documents its suspension asks for (supplements.ts)
  const supplement = stored?.status === 'ENVOYEE';
  const piece = supplement
    ? await supplementTarget(deps, input.actor, stored, input.role)
    : assertDraftOf(stored, input.pieceId, input.actor.siret);
  // The main file of a décompte or an invoice is a native text PDF
  if (input.role === 'MAIN' && mainFileMustBeTextPdf(piece.cadre) && name.value.extension !== 'pdf') {
    const message = `Le fichier principal ${input.fileName} doit être un PDF texte (exporté depuis votre logiciel), pas un fichier .${name.value.extension}.`;
    throw new DomainError('FICHIER_PRINCIPAL_NON_PDF', message, 'INVALID', [{ path: 'nomFichier', message }]);
  }
  await releaseExpiredReservations(deps, input.dossierId, input.pieceId);
  // A dropped upload is retried with a fresh form: it replaces the one nothing reached storage under, room given back
  await releaseRetriedForms(deps, input, sha256, supplement);

  const fileId = `FIC-${newId(now)}`;
  // Random key, no user input (the name travels in the table and in the download's Content-Disposition)
  const objectKey = `${deps.uploadPrefix}${randomBytes(20).toString('hex')}`;
  const contentType = MIME_BY_EXTENSION[name.value.extension];
  const expiresAt = new Date(now.getTime() + UPLOAD_FORM_TTL_SECONDS * 1000);
  const declaredContentType = input.contentType?.slice(0, 200) || undefined;
  const file: PieceFile = {
    fileId,
    dossierId: input.dossierId,
    pieceId: input.pieceId,
    role: input.role,
    fileName: input.fileName,
    status: 'ATTENDU',
    declaredSize: input.size,
    contentType,
    ...(declaredContentType ? { declaredContentType } : {}),
    ...(sha256 ? { declaredSha256: sha256 } : {}),
    objectKey,
    ...(supplement ? { supplement: true } : {}),
    createdAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
  };
  // 120 MB per piece with its attachments
  if (!(await deps.store.reserve(file, input.actor.siret, MAX_PIECE_BYTES, now))) {
    throw reservationRefusal(await deps.store.piece(file.dossierId, file.pieceId), file, input.actor.siret);
  }
  try {
    const form = await deps.documents.uploadForm({
      key: objectKey,
      contentType,
      minBytes: 1,
      maxBytes: input.size,
      sha256,
      expiresInSeconds: UPLOAD_FORM_TTL_SECONDS,
    });
    return { fileId, url: form.url, fields: form.fields, expiresAt: expiresAt.toISOString(), maxBytes: input.size };
  } catch (e) {
    await deps.store.releaseReservation(file, 'ANNULE', deps.clock.now()).catch(() => undefined);
    throw e;
  }
}

/**
 * Releases the reservations whose form expired unused (after a grace for uploads begun just before the expiry).
 * Called before every new reservation of the piece; returns the files released.
 */
export async function releaseExpiredReservations(
  deps: PieceDeps,
  dossierId: string,
  pieceId: string,
): Promise<string[]> {
  const now = deps.clock.now();
  const released: string[] = [];
  for (const f of await deps.store.files(dossierId, pieceId)) {
    if (f.status !== 'ATTENDU') continue;
    if (Date.parse(f.expiresAt) + RESERVATION_GRACE_SECONDS * 1000 > now.getTime()) continue;
    if (await deps.store.releaseReservation(f, 'EXPIRE', now)) released.push(f.fileId);
  }
  return released;
}

/**
 * Releases the unused forms that a new one replaces (a retry after a dropped upload): the draft's main file, or an
 * earlier form for the same attachment (same name, same declared SHA-256). Their room comes back at once instead of
 * when they expire (docs/rules/documents.md#sizes). A form whose object arrived is left to its verification; bytes an
 * in-flight upload posts later under a released form are hidden on arrival.
 */
async function releaseRetriedForms(
  deps: PieceDeps,
  input: UploadFormInput,
  sha256: string | undefined,
  supplement: boolean,
): Promise<void> {
  const sameFile = (f: PieceFile) =>
    input.role === 'MAIN'
      ? !supplement
      : sha256 !== undefined && f.declaredSha256 === sha256 && f.fileName === input.fileName;
  const now = deps.clock.now();
  for (const f of await deps.store.files(input.dossierId, input.pieceId)) {
    if (f.status !== 'ATTENDU' || f.role !== input.role || !sameFile(f)) continue;
    if (await deps.documents.head(f.objectKey)) continue;
    await deps.store.releaseReservation(f, 'ANNULE', now);
  }
}
