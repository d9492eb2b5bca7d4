import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, MAX_PIECE_BYTES } from '../../../shared/domain/documents';
import type { DraftPiece } from '../../../shared/services/pieces';
import { usePlatform } from '../../setup/platform';
import {
  type DocumentsWorld,
  documentsWorld,
  objectExists,
  objectKeyOf,
  postFile,
  refusalOf,
  s3ErrorCode,
  sha256,
} from './helpers';

/**
 * Upload forms on the embedded platform (docs/rules/documents.md#sizes): storage itself enforces 1 byte to 10 MB per file and the
 * 120 MB per piece, the latter reserved on the piece before any form is issued, whatever the concurrency.
 */
const MB10 = 10 * 1024 * 1024;
const getPlatform = usePlatform();
let w: DocumentsWorld;
let n = 0;

beforeAll(async () => {
  w = await documentsWorld(getPlatform());
});

async function draft(): Promise<DraftPiece> {
  n += 1;
  return w.pieces.createDraft({
    actor: w.actor('mandataire'),
    userId: 'u-titulaire',
    marche: w.marche,
    cadre: 'A4',
    numero: `UP-${n}`,
  });
}

function form(d: DraftPiece, fileName: string, size: number, extra: { sha256?: string; role?: 'MAIN' } = {}) {
  return w.pieces.requestUploadForm({
    actor: w.actor('mandataire'),
    dossierId: d.dossierId,
    pieceId: d.pieceId,
    fileName,
    size,
    contentType: 'text/plain',
    role: extra.role ?? 'ATTACHMENT',
    sha256: extra.sha256,
  });
}

describe('storage enforces the size of each file', () => {
  it('stores a file of exactly 10 MB, verified with its real size and hash', async () => {
    expect(MAX_FILE_BYTES).toBe(MB10);
    const d = await draft();
    const bytes = new Uint8Array(MB10).fill(0x61); // text: "aaaa…"
    const f = await form(d, 'releve.txt', MB10);
    expect(f.maxBytes).toBe(MB10);
    const res = await postFile(f, bytes);
    expect(res.status).toBe(204);
    await getPlatform().settle();
    const after = await w.pieces.getDraft(d.dossierId, d.pieceId);
    expect(after.files).toEqual([
      expect.objectContaining({ fileId: f.fileId, status: 'VERIFIE', size: MB10, sha256: sha256(bytes) }),
    ]);
    expect(after.reservedBytes).toBe(MB10);
  });

  it('refuses 10 MB + 1 byte in storage: nothing is stored', async () => {
    const d = await draft();
    const f = await form(d, 'trop-gros.txt', MB10);
    const res = await postFile(f, new Uint8Array(MB10 + 1).fill(0x61));
    expect(res.status).toBe(400);
    expect(s3ErrorCode(res.text)).toBe('EntityTooLarge');
    const key = await objectKeyOf(getPlatform(), d.dossierId, d.pieceId, f.fileId);
    expect(await objectExists(getPlatform(), key)).toBe(false);
    // A form for more than 10 MB is not even issued
    expect((await refusalOf(form(d, 'x.txt', MB10 + 1))).code).toBe('FICHIER_TROP_VOLUMINEUX');
  });

  it('refuses an empty file: no form for 0 bytes, and storage refuses 0 bytes on a form', async () => {
    const d = await draft();
    expect((await refusalOf(form(d, 'vide.txt', 0))).code).toBe('FICHIER_VIDE');
    const f = await form(d, 'vide.txt', 10);
    const res = await postFile(f, new Uint8Array(0));
    expect(res.status).toBe(400);
    expect(s3ErrorCode(res.text)).toBe('EntityTooSmall');
  });

  it('holds each upload to its declared size, so that the piece total is enforced by storage too', async () => {
    const d = await draft();
    const f = await form(d, 'annexe.txt', 1000);
    const res = await postFile(f, new Uint8Array(1001).fill(0x61));
    expect(res.status).toBe(400);
    expect(s3ErrorCode(res.text)).toBe('EntityTooLarge');
  });

  it('refuses a content type other than the one the form fixes', async () => {
    const d = await draft();
    const f = await form(d, 'annexe.txt', 10);
    const res = await postFile(f, new Uint8Array(10).fill(0x61), { extraFields: { 'Content-Type': 'text/html' } });
    expect(res.status).toBe(403);
  });

  it('uses random object keys that carry nothing the depositor typed', async () => {
    const d = await draft();
    const f = await form(d, 'Relevé «mars».txt', 10);
    expect(f.fields.key).toMatch(/^uploads\/[0-9a-f]{40}$/);
    const other = await form(d, 'Relevé «mars».txt', 10);
    expect(other.fields.key).not.toBe(f.fields.key);
  });
});

describe('120 MB per piece, reserved before any upload', () => {
  it('fits twelve 10 MB files; the thirteenth form is refused before any upload', async () => {
    const d = await draft();
    for (let i = 1; i <= 12; i++) await form(d, `annexe-${i}.txt`, MB10);
    const full = await w.pieces.getDraft(d.dossierId, d.pieceId);
    expect(full.reservedBytes).toBe(MAX_PIECE_BYTES);
    expect(full.files).toHaveLength(12);
    const thirteenth = await refusalOf(form(d, 'annexe-13.txt', MB10));
    expect(thirteenth.code).toBe('PIECE_TROP_VOLUMINEUSE');
    expect(thirteenth.message).toContain('annexe-13.txt');
    // exact sizes: 10 MB = 10 × 1,048,576 = 10,485,760 bytes, and 12 × 10 MB = 120 MB leave 0
    expect(thirteenth.message).toContain('(10 485 760 octets (10,00 Mo))');
    expect(thirteenth.message).toContain('il reste 0 octets (0,00 Mo)');
    // Even one byte no longer fits
    expect((await refusalOf(form(d, 'petit.txt', 1))).code).toBe('PIECE_TROP_VOLUMINEUSE');
  });

  it('never reserves more than 120 MB when 20 forms are asked for at once', async () => {
    const d = await draft();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => form(d, `lot-${String(i + 1).padStart(2, '0')}.txt`, MB10)),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(ok).toHaveLength(12);
    for (const r of refused) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'PIECE_TROP_VOLUMINEUSE' });
    }
    const after = await w.pieces.getDraft(d.dossierId, d.pieceId);
    expect(after.reservedBytes).toBe(MAX_PIECE_BYTES);
    expect(after.files.filter((f) => f.status === 'ATTENDU')).toHaveLength(12);
  });

  it('never reserves more than 120 MB with mixed sizes at once', async () => {
    const d = await draft();
    const sizes = Array.from({ length: 20 }, (_, i) => MB10 - i * 97_531);
    const results = await Promise.allSettled(sizes.map((s, i) => form(d, `mix-${i}.txt`, s)));
    const granted = sizes.filter((_, i) => results[i]?.status === 'fulfilled');
    const total = granted.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(MAX_PIECE_BYTES);
    const after = await w.pieces.getDraft(d.dossierId, d.pieceId);
    expect(after.reservedBytes).toBe(total);
    // Every refusal was for want of room: the smallest refused size did not fit next to what was granted
    const refusedSizes = sizes.filter((_, i) => results[i]?.status === 'rejected');
    for (const s of refusedSizes) expect(total + s).toBeGreaterThan(MAX_PIECE_BYTES);
  });

  it('releases a reservation whose form expired unused; the expired form no longer uploads', async () => {
    const p = getPlatform();
    const d = await draft();
    const forms = [];
    for (let i = 1; i <= 12; i++) forms.push(await form(d, `annexe-${i}.txt`, MB10));
    expect((await refusalOf(form(d, 'annexe-13.txt', MB10))).code).toBe('PIECE_TROP_VOLUMINEUSE');
    // Forms expire after 5 minutes; the reservation is released 15 minutes later
    await p.advanceClock({ minutes: 10 });
    const late = await postFile(forms[0]!, new Uint8Array(10).fill(0x61));
    expect(late.status).toBe(403);
    expect(late.text).toContain('Policy expired');
    expect((await refusalOf(form(d, 'annexe-13.txt', MB10))).code).toBe('PIECE_TROP_VOLUMINEUSE');
    await p.advanceClock({ minutes: 11 });
    const fresh = await form(d, 'annexe-13.txt', MB10);
    const after = await w.pieces.getDraft(d.dossierId, d.pieceId);
    expect(after.reservedBytes).toBe(MB10);
    expect(after.files.filter((f) => f.status === 'EXPIRE')).toHaveLength(12);
    expect(after.files.find((f) => f.fileId === fresh.fileId)?.status).toBe('ATTENDU');
  });

  it('accepts an upload begun before expiry but landing after the release while there is room; refuses it otherwise', async () => {
    const p = getPlatform();
    const d = await draft();
    const early = await form(d, 'tardif.txt', 100);
    const crowded = await draft();
    const late = await form(crowded, 'tardif.txt', 100);
    await p.advanceClock({ minutes: 21 });
    await w.pieces.releaseExpiredReservations(d.dossierId, d.pieceId);
    await w.pieces.releaseExpiredReservations(crowded.dossierId, crowded.pieceId);
    for (let i = 1; i <= 12; i++) await form(crowded, `annexe-${i}.txt`, MB10);
    // As if each POST had started before its form expired (the policy is checked when the POST starts)
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    for (const [piece, f] of [
      [d, early],
      [crowded, late],
    ] as const) {
      const key = await objectKeyOf(p, piece.dossierId, piece.pieceId, f.fileId);
      await p.clients.s3.send(new PutObjectCommand({ Bucket: p.bucketName, Key: key, Body: 'arrivé tard' }));
    }
    await p.settle();
    const ok = await w.pieces.getDraft(d.dossierId, d.pieceId);
    expect(ok.files.find((f) => f.fileId === early.fileId)?.status).toBe('VERIFIE');
    expect(ok.reservedBytes).toBe(Buffer.byteLength('arrivé tard'));
    const full = await w.pieces.getDraft(crowded.dossierId, crowded.pieceId);
    expect(full.files.find((f) => f.fileId === late.fileId)).toMatchObject({
      status: 'REFUSE',
      refusal: { code: 'DEPOT_HORS_DELAI' },
    });
    expect(full.reservedBytes).toBe(MAX_PIECE_BYTES);
  });

  it('gives back the difference when the file is smaller than declared', async () => {
    const d = await draft();
    const f = await form(d, 'annexe.txt', 5000);
    expect((await postFile(f, new Uint8Array(1200).fill(0x62))).status).toBe(204);
    await getPlatform().settle();
    const after = await w.pieces.getDraft(d.dossierId, d.pieceId);
    expect(after.reservedBytes).toBe(1200);
  });
});
