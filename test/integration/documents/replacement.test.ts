import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { VERSIONS_PREFIX } from '../../../infra/local/s3';
import { verifyTrail } from '../../../shared/adapters/audit';
import { DEMO } from '../../../shared/seed/demo';
import { serviceContext } from '../../../shared/services/context';
import { textPdf } from '../../fixtures/documents/generate';
import { localToken, usePlatform } from '../../setup/platform';
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
    montants: { htCents: 1_000_000, tvaCents: 200_000, ttcCents: 1_200_000 },
    datePiece: '2025-03-31',
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

  it('records other bytes landing under a sent piece’s verified file as a refused replacement in the history', async () => {
    const original = await textPdf([['Situation n° 3', 'Montant : 3 000,00 €']]);
    const { d, form } = await verifiedFile('REMPL-3', original, false);
    await w.pieces.send({ userId: DEMO.users.mandataire.id, dossierId: d.dossierId, pieceId: d.pieceId });
    const other = sameSizeOther(original);
    // The form is still valid (S3 would accept it too): the other bytes become a newer version of the object
    expect((await postFile(form, other)).status).toBe(204);
    await getPlatform().settle();

    expect(sha256(await downloaded(d, form.fileId))).toBe(sha256(original));
    const record = await w.dossiers.load(d.dossierId);
    const refused = record.events.filter((e) => e.type === 'REMPLACEMENT_FICHIER_REFUSE');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.details).toMatchObject({
      pieceId: d.pieceId,
      fichierId: form.fileId,
      empreinteVerifiee: sha256(original),
      empreinteRefusee: sha256(other),
    });
    expect(refused[0]?.details?.versionRefusee).not.toBe(refused[0]?.details?.versionVerifiee);
    expect(refused[0]?.fileHashes).toEqual([sha256(other)]);
    // Chained like every other event: the trail still verifies, one event longer
    expect(verifyTrail(record.events)).toMatchObject({ ok: true, length: record.events.length });
  });

  it('says which stored file no longer matches its recorded hash when the storage itself was altered (?fichiers=1)', async () => {
    const original = await textPdf([['Situation n° 4', 'Montant : 4 000,00 €']]);
    const { d, form } = await verifiedFile('REMPL-4', original, true);
    await w.pieces.send({ userId: DEMO.users.mandataire.id, dossierId: d.dossierId, pieceId: d.pieceId });
    const p = getPlatform();
    const token = await localToken(p.url, DEMO.users.mandataire.login);
    const history = async () => {
      const res = await fetch(`${p.url}/v1/dossiers/${d.dossierId}/historique?fichiers=1`, {
        headers: { authorization: `Bearer ${token}`, 'x-structure-siret': DEMO.sirets.mandataire },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as {
        verification: { integre: boolean; fichiersIntegres?: boolean };
        fichiers?: { fichierId: string; integre: boolean; empreinteStockee?: string; raison?: string }[];
      };
    };
    const before = await history();
    expect(before.verification).toMatchObject({ integre: true, fichiersIntegres: true });
    expect(before.fichiers?.find((f) => f.fichierId === form.fileId)).toMatchObject({
      integre: true,
      empreinteStockee: sha256(original),
    });

    // Someone with access to the storage rewrites the verified version's bytes, bypassing every form
    const file = await serviceContext().stores.pieces.file(d.dossierId, d.pieceId, form.fileId);
    const other = sameSizeOther(original);
    await p.clients.s3.send(
      new PutObjectCommand({
        Bucket: p.bucketName,
        Key: `${VERSIONS_PREFIX}${file?.objectKey}/${file?.versionId}`,
        Body: other,
      }),
    );
    const after = await history();
    expect(after.verification).toMatchObject({ integre: true, fichiersIntegres: false });
    expect(after.fichiers?.find((f) => f.fichierId === form.fileId)).toMatchObject({
      integre: false,
      empreinteStockee: sha256(other),
      raison: 'contenu stocké différent de l’empreinte enregistrée à la vérification',
    });
  });
});
