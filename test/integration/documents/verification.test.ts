import { beforeAll, describe, expect, it } from 'vitest';
import type { DraftPiece, FileRole } from '../../../shared/services/pieces';
import {
  elfBytes,
  imageOnlyPdf,
  peBytes,
  pngBytes,
  textPdf,
  textPdfWithLinesOnPage,
} from '../../fixtures/documents/generate';
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
 * Verification of every uploaded object on the embedded platform (docs/rules/documents.md; docs/DESIGN.md#how-a-dossier-flows
 * step 2): the S3 notification runs the registry's `s3` function, which records the file with its hash and the
 * pre-fill suggestions, or deletes it and records the reason in French.
 */
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
    numero: `VER-${n}`,
  });
}

/** Asks a form, posts the bytes, lets the verification run; returns the file as the draft now shows it. */
async function upload(d: DraftPiece, fileName: string, bytes: Uint8Array, role: FileRole, declaredSha256?: string) {
  const f = await w.pieces.requestUploadForm({
    actor: w.actor('mandataire'),
    dossierId: d.dossierId,
    pieceId: d.pieceId,
    fileName,
    size: bytes.length,
    role,
    sha256: declaredSha256,
  });
  const res = await postFile(f, bytes);
  expect(res.status).toBe(204);
  await getPlatform().settle();
  const after = await w.pieces.getDraft(d.dossierId, d.pieceId);
  const file = after.files.find((x) => x.fileId === f.fileId);
  if (!file) throw new Error('file not listed');
  const key = await objectKeyOf(getPlatform(), d.dossierId, d.pieceId, f.fileId);
  return { file, draft: after, key, stored: await objectExists(getPlatform(), key) };
}

const FIVE_PAGES_LAST = ['SIRET client : 21300202500012', 'Engagement : 1300012345'];

describe('refused objects are deleted and the reason recorded in French', () => {
  it('refuses an executable renamed .pdf (ELF as main file, PE as attachment)', async () => {
    const d = await draft();
    const elf = await upload(d, 'plan.pdf', elfBytes(), 'MAIN');
    expect(elf.file).toMatchObject({ status: 'REFUSE', refusal: { code: 'FICHIER_EXECUTABLE' } });
    expect(elf.file.refusal?.message).toContain('plan.pdf');
    expect(elf.stored).toBe(false);
    expect(elf.draft.lastRefusal).toMatchObject({ fileId: elf.file.fileId, code: 'FICHIER_EXECUTABLE' });
    const pe = await upload(d, 'devis.pdf', peBytes(), 'ATTACHMENT');
    expect(pe.file).toMatchObject({ status: 'REFUSE', refusal: { code: 'FICHIER_EXECUTABLE' } });
    expect(pe.stored).toBe(false);
    // Their reservations are given back, and the main-file slot is free again
    expect(pe.draft.reservedBytes).toBe(0);
    const again = await upload(d, 'pdm.pdf', await textPdf([['Projet de décompte mensuel']]), 'MAIN');
    expect(again.file.status).toBe('VERIFIE');
  });

  it('says "le fichier plan.pdf n\'est pas un PDF" for an image named .pdf', async () => {
    const d = await draft();
    const png = await upload(d, 'plan.pdf', pngBytes(), 'ATTACHMENT');
    expect(png.file).toMatchObject({ status: 'REFUSE', refusal: { code: 'CONTENU_NON_CONFORME' } });
    expect(png.file.refusal?.message.toLowerCase()).toContain("le fichier plan.pdf n'est pas un pdf");
    expect(png.stored).toBe(false);
  });

  it('refuses an image-only (scanned) PDF main file with the message to export a text PDF', async () => {
    const d = await draft();
    const scan = await upload(d, 'scan.pdf', await imageOnlyPdf(3), 'MAIN');
    expect(scan.file.status).toBe('REFUSE');
    expect(scan.file.refusal).toEqual({
      code: 'PDF_NUMERISE',
      message: 'PDF numérisé : exportez un PDF texte depuis votre logiciel',
    });
    expect(scan.stored).toBe(false);
  });

  it('refuses bytes other than the SHA-256 the browser declared: the storage answers BadDigest, as S3 does', async () => {
    const d = await draft();
    const bytes = await textPdf([['Annexe']]);
    const other = sha256(new Uint8Array([1, 2, 3]));
    const f = await w.pieces.requestUploadForm({
      actor: w.actor('mandataire'),
      dossierId: d.dossierId,
      pieceId: d.pieceId,
      fileName: 'annexe.pdf',
      size: bytes.length,
      role: 'ATTACHMENT',
      sha256: other,
    });
    const res = await postFile(f, bytes);
    expect(res.status).toBe(400);
    expect(s3ErrorCode(res.text)).toBe('BadDigest');
    await getPlatform().settle();
    const file = (await w.pieces.getDraft(d.dossierId, d.pieceId)).files.find((x) => x.fileId === f.fileId);
    expect(file?.status).toBe('ATTENDU');
    const key = await objectKeyOf(getPlatform(), d.dossierId, d.pieceId, f.fileId);
    expect(await objectExists(getPlatform(), key)).toBe(false);
  });

  it('deletes an object that no form announced', async () => {
    const p = getPlatform();
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    const key = 'uploads/0000000000000000000000000000000000000000';
    await p.clients.s3.send(new PutObjectCommand({ Bucket: p.bucketName, Key: key, Body: 'intrus' }));
    await p.settle();
    expect(await objectExists(p, key)).toBe(false);
  });
});

describe('names and numbers are refused with a message naming the fault', () => {
  it('refuses a 51-character file name before any upload; 50 characters are fine', async () => {
    const d = await draft();
    const name50 = `${'n'.repeat(46)}.pdf`;
    const ask = (fileName: string) =>
      w.pieces.requestUploadForm({
        actor: w.actor('mandataire'),
        dossierId: d.dossierId,
        pieceId: d.pieceId,
        fileName,
        size: 10,
        role: 'ATTACHMENT',
      });
    const long = await refusalOf(ask(`n${name50}`));
    expect(long.code).toBe('NOM_FICHIER_TROP_LONG');
    expect(long.message).toContain('51 caractères');
    expect(long.message).toContain('50 au plus');
    await expect(ask(name50)).resolves.toMatchObject({ maxBytes: 10 });
  });

  it('refuses a piece number with / or « and names the character', async () => {
    for (const [numero, char] of [
      ['PDM/2025/03', '/'],
      ['PDM «mars»', '«'],
    ] as const) {
      const e = await refusalOf(
        w.pieces.createDraft({ actor: w.actor('mandataire'), userId: 'u', marche: w.marche, cadre: 'A4', numero }),
      );
      expect(e.code).toBe('NUMERO_PIECE_CARACTERE_INTERDIT');
      expect(e.message).toContain(char);
    }
  });

  it('refuses a main file that is not a PDF before any upload', async () => {
    const d = await draft();
    const e = await refusalOf(
      w.pieces.requestUploadForm({
        actor: w.actor('mandataire'),
        dossierId: d.dossierId,
        pieceId: d.pieceId,
        fileName: 'pdm.docx',
        size: 10,
        role: 'MAIN',
      }),
    );
    expect(e.code).toBe('FICHIER_PRINCIPAL_NON_PDF');
  });
});

describe('pre-fill from a text PDF: suggestions the depositor confirms', () => {
  it('reads the SIRET and the engagement on the last page of five', async () => {
    const d = await draft();
    const pdf = await textPdfWithLinesOnPage(5, 5, FIVE_PAGES_LAST);
    const up = await upload(d, 'pdm-mars.pdf', pdf, 'MAIN', sha256(pdf));
    expect(up.file).toMatchObject({ status: 'VERIFIE', sha256: sha256(pdf), size: pdf.length, pageCount: 5 });
    expect(up.draft.suggestions).toMatchObject({
      siretDestinataire: { value: '21300202500012', page: 5 },
      engagementJuridique: { value: '1300012345', page: 5 },
    });
    expect(up.file.suggestions).toEqual(up.draft.suggestions);
    // Never applied silently: the draft's own fields are untouched
    expect(up.draft.montants).toBeUndefined();
    expect(up.stored).toBe(true);
  });

  it('does not read the same words on page 2 of five', async () => {
    const d = await draft();
    const up = await upload(d, 'pdm-avril.pdf', await textPdfWithLinesOnPage(5, 2, FIVE_PAGES_LAST), 'MAIN');
    expect(up.file.status).toBe('VERIFIE');
    expect(up.draft.suggestions?.siretDestinataire).toBeUndefined();
    expect(up.draft.suggestions?.engagementJuridique).toBeUndefined();
  });

  it('lets the depositor confirm amounts and date on the draft', async () => {
    const d = await draft();
    const updated = await w.pieces.updateDraft({
      actor: w.actor('mandataire'),
      dossierId: d.dossierId,
      pieceId: d.pieceId,
      montants: { htCents: 1_000_000, tvaCents: 200_000, ttcCents: 1_200_000 },
      datePiece: '2025-03-31',
    });
    expect(updated).toMatchObject({ montants: { ttcCents: 1_200_000 }, datePiece: '2025-03-31' });
    const wrong = await refusalOf(
      w.pieces.updateDraft({
        actor: w.actor('mandataire'),
        dossierId: d.dossierId,
        pieceId: d.pieceId,
        montants: { htCents: 100, tvaCents: 20, ttcCents: 121 },
      }),
    );
    expect(wrong.code).toBe('MONTANTS_INCOHERENTS');
  });
});

describe('downloads', () => {
  it('gives a short-lived link to the verified bytes, under the original name', async () => {
    const d = await draft();
    const pdf = await textPdf([['Décompte']]);
    const up = await upload(d, 'Décompte n°3.pdf', pdf, 'MAIN');
    const link = await w.pieces.downloadUrl({ dossierId: d.dossierId, pieceId: d.pieceId, fileId: up.file.fileId });
    const now = getPlatform().clock.now().getTime();
    expect(Date.parse(link.expiresAt) - now).toBeLessThanOrEqual(300_000);
    const res = await fetch(link.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''D%C3%A9compte%20n%C2%B03.pdf");
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(pdf));
  });

  it('gives no link to a refused file', async () => {
    const d = await draft();
    const up = await upload(d, 'plan.pdf', elfBytes(), 'ATTACHMENT');
    const e = await refusalOf(
      w.pieces.downloadUrl({ dossierId: d.dossierId, pieceId: d.pieceId, fileId: up.file.fileId }),
    );
    expect(e.code).toBe('FICHIER_INDISPONIBLE');
  });
});
