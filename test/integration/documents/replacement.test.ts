import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { textPdf } from '../../fixtures/documents/generate';
import { usePlatform } from '../../setup/platform';
import { type DocumentsWorld, documentsWorld, postFile, s3ErrorCode } from './helpers';

/**
 * Stored bytes never change under a verified record. A presigned form stays usable until it expires, so the
 * probe posted other bytes with the form of a file already verified: the local storage accepted them, the
 * verifier ignored them ("déjà vérifié") and downloads served the new bytes under the old hash. Now the local
 * storage does what S3 does: it checks the form's SHA-256 (BadDigest) and keeps versions, and downloads are pinned
 * to the verified version.
 */
const getPlatform = usePlatform();
let w: DocumentsWorld;

beforeAll(async () => {
  w = await documentsWorld(getPlatform());
});

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function verifiedFile(numero: string, bytes: Uint8Array, declareSha: boolean) {
  const d = await w.pieces.createDraft({
    actor: w.actor('mandataire'),
    userId: 'u-titulaire',
    marche: w.marche,
    cadre: 'A4',
    numero,
  });
  const form = await w.pieces.requestUploadForm({
    actor: w.actor('mandataire'),
    dossierId: d.dossierId,
    pieceId: d.pieceId,
    fileName: 'situation.pdf',
    size: bytes.length,
    role: 'MAIN',
    ...(declareSha ? { sha256: sha256(bytes) } : {}),
  });
  expect((await postFile(form, bytes)).status).toBe(204);
  await getPlatform().settle();
  const file = (await w.pieces.getDraft(d.dossierId, d.pieceId)).files.find((f) => f.fileId === form.fileId);
  expect(file?.status).toBe('VERIFIE');
  return { d, form };
}

/** Other bytes of the same size (the form's content-length-range is the declared size). */
function sameSizeOther(bytes: Uint8Array): Buffer {
  const other = Buffer.from(bytes);
  other[other.length - 20] = (other[other.length - 20] as number) ^ 0x01;
  return other;
}

async function downloaded(d: { dossierId: string; pieceId: string }, fileId: string): Promise<Buffer> {
  const link = await w.pieces.downloadUrl({ dossierId: d.dossierId, pieceId: d.pieceId, fileId });
  const res = await fetch(link.url);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe('a verified file cannot be replaced', () => {
  it('refuses other bytes posted with a form that pinned the SHA-256 (BadDigest), as S3 does', async () => {
    const original = await textPdf([['Situation n° 1', 'Montant : 1 000,00 €']]);
    const { d, form } = await verifiedFile('REMPL-1', original, true);
    const other = sameSizeOther(original);
    const res = await postFile(form, other);
    expect(res.status).toBe(400);
    expect(s3ErrorCode(res.text)).toBe('BadDigest');
    expect(sha256(await downloaded(d, form.fileId))).toBe(sha256(original));
  });

  it('keeps serving the verified version when other bytes land under the key of a form without a pinned hash', async () => {
    const original = await textPdf([['Situation n° 2', 'Montant : 2 000,00 €']]);
    const { d, form } = await verifiedFile('REMPL-2', original, false);
    const other = sameSizeOther(original);
    // S3 accepts it too (the form is still valid): it becomes a newer version of the object
    expect((await postFile(form, other)).status).toBe(204);
    await getPlatform().settle();
    const file = (await w.pieces.getDraft(d.dossierId, d.pieceId)).files.find((f) => f.fileId === form.fileId);
    expect(file?.status).toBe('VERIFIE');
    expect(file?.sha256).toBe(sha256(original));
    expect(sha256(await downloaded(d, form.fileId))).toBe(sha256(original));
  });
});
