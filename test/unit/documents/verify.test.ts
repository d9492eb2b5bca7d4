import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex, sha256OfStream, verifyDocument } from '../../../shared/documents/verify';
import { ALLOWED_EXTENSIONS, MAX_FILE_BYTES } from '../../../shared/domain/documents';
import { DomainError } from '../../../shared/domain/errors';
import {
  bytesOf,
  elfBytes,
  imageOnlyPdf,
  ooxmlBytes,
  peBytes,
  pngBytes,
  textPdf,
  textPdfWithLinesOnPage,
} from '../../fixtures/documents/generate';

const main = (bytes: Uint8Array, fileName = 'facture.pdf') =>
  verifyDocument({ bytes, fileName, role: 'MAIN', cadreRequiresTextPdf: true });
const attachment = (bytes: Uint8Array, fileName: string) =>
  verifyDocument({ bytes, fileName, role: 'ATTACHMENT', cadreRequiresTextPdf: true });

const SCANNED = 'PDF numérisé : exportez un PDF texte depuis votre logiciel';

describe('verifyDocument: refusals', () => {
  it('an executable renamed .pdf is refused (ELF, PE)', async () => {
    expect(await main(elfBytes(), 'plan.pdf')).toMatchObject({ ok: false, code: 'FICHIER_EXECUTABLE' });
    expect(await attachment(peBytes(), 'plan.pdf')).toMatchObject({ ok: false, code: 'FICHIER_EXECUTABLE' });
  });

  it('an image-only PDF main file is refused with the exact message', async () => {
    expect(await main(await imageOnlyPdf(2))).toEqual({ ok: false, code: 'PDF_NUMERISE', message: SCANNED });
  });

  it('a 51-character name is refused; 50 characters are accepted', async () => {
    const pdf = await textPdf([['Facture']]);
    const name50 = `${'a'.repeat(46)}.pdf`;
    expect(name50).toHaveLength(50);
    expect(await main(pdf, `a${name50}`)).toMatchObject({ ok: false, code: 'NOM_FICHIER_TROP_LONG' });
    expect(await main(pdf, name50)).toMatchObject({ ok: true });
  });

  it('an empty file and a file over 10 MB are refused', async () => {
    expect(await attachment(new Uint8Array(0), 'vide.txt')).toMatchObject({ ok: false, code: 'FICHIER_VIDE' });
    const big = new Uint8Array(MAX_FILE_BYTES + 1).fill(0x61);
    expect(await attachment(big, 'gros.txt')).toMatchObject({ ok: false, code: 'FICHIER_TROP_VOLUMINEUX' });
    expect(await attachment(big.subarray(0, MAX_FILE_BYTES), 'juste.txt')).toMatchObject({ ok: true });
  });

  it('an extension outside the list is refused', async () => {
    expect(await attachment(pngBytes(), 'photo.webp')).toMatchObject({ ok: false, code: 'EXTENSION_NON_ACCEPTEE' });
  });

  it('a PNG named .jpg is refused; a real PNG named .png is accepted', async () => {
    expect(await attachment(pngBytes(), 'photo.jpg')).toMatchObject({ ok: false, code: 'CONTENU_NON_CONFORME' });
    expect(await attachment(pngBytes(), 'photo.png')).toMatchObject({ ok: true, mime: 'image/png' });
  });

  it('a docx named .docx is accepted, named .pdf refused', async () => {
    expect(await attachment(ooxmlBytes('docx'), 'cctp.docx')).toMatchObject({ ok: true });
    expect(await attachment(ooxmlBytes('docx'), 'cctp.pdf')).toMatchObject({ ok: false, code: 'CONTENU_NON_CONFORME' });
  });

  it('a corrupted main PDF is refused as PDF_ILLISIBLE, naming the file', async () => {
    const pdf = await textPdf([['Facture']]);
    const r = await main(pdf.slice(0, 120), 'abime.pdf');
    expect(r).toMatchObject({ ok: false, code: 'PDF_ILLISIBLE' });
    expect(!r.ok && r.message).toContain('abime.pdf');
  });

  it('the main file of a cadre that requires a text PDF must be a PDF', async () => {
    expect(await main(ooxmlBytes('docx'), 'facture.docx')).toMatchObject({
      ok: false,
      code: 'FICHIER_PRINCIPAL_NON_PDF',
    });
    expect(
      await verifyDocument({
        bytes: ooxmlBytes('docx'),
        fileName: 'note.docx',
        role: 'MAIN',
        cadreRequiresTextPdf: false,
      }),
    ).toMatchObject({ ok: true });
  });

  it('a scanned PDF is fine as an attachment, or as the main file of a cadre that does not require text', async () => {
    const scan = await imageOnlyPdf(2);
    const r = await attachment(scan, 'scan.pdf');
    expect(r).toMatchObject({ ok: true, mime: 'application/pdf' });
    expect(r.ok && r.suggestions).toBeUndefined();
    const m = await verifyDocument({ bytes: scan, fileName: 'scan.pdf', role: 'MAIN', cadreRequiresTextPdf: false });
    expect(m).toMatchObject({ ok: true, pageCount: 2 });
    expect(m.ok && m.suggestions).toBeUndefined();
  });
});

describe('verifyDocument: hash and pre-fill', () => {
  it('gives the SHA-256 (hex) and the size', async () => {
    // FIPS 180-2 test vector: SHA-256("abc")
    expect(await attachment(bytesOf('abc'), 'a.txt')).toEqual({
      ok: true,
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      size: 3,
      mime: 'text/plain',
    });
  });

  it('pre-fills SIRET and engagement read on the LAST of five pages', async () => {
    const pdf = await textPdfWithLinesOnPage(5, 5, ['SIRET client : 21300202500012', 'Engagement : 1300012345']);
    const r = await main(pdf);
    expect(r).toMatchObject({
      ok: true,
      pageCount: 5,
      suggestions: {
        siretDestinataire: { value: '21300202500012', page: 5, keyword: 'SIRET client' },
        engagementJuridique: { value: '1300012345', page: 5, keyword: 'Engagement' },
      },
    });
  });

  it('the same words on page 2 of five are NOT read (first, penultimate and last pages only)', async () => {
    const pdf = await textPdfWithLinesOnPage(5, 2, ['SIRET client : 21300202500012', 'Engagement : 1300012345']);
    const r = await main(pdf);
    expect(r).toMatchObject({ ok: true, pageCount: 5 });
    expect(r.ok && r.suggestions).toEqual({});
  });

  it('the penultimate page is read', async () => {
    const pdf = await textPdfWithLinesOnPage(5, 4, ['Engagement : 1300012345']);
    const r = await main(pdf);
    expect(r.ok && r.suggestions?.engagementJuridique).toEqual({ value: '1300012345', page: 4, keyword: 'Engagement' });
  });

  it('amounts HT, TVA, TTC are parsed to exact cents', async () => {
    const pdf = await textPdfWithLinesOnPage(3, 3, [
      'Total HT : 95 000,00 €',
      'TVA 20 % : 19 000,00 €',
      'Total TTC : 114 000,00 €',
    ]);
    const r = await main(pdf);
    expect(r.ok && r.suggestions).toMatchObject({
      montantHtCents: { value: 9_500_000, page: 3 },
      montantTvaCents: { value: 1_900_000, page: 3 },
      montantTtcCents: { value: 11_400_000, page: 3 },
    });
  });

  it('a complete invoice first page: number, date, addressee', async () => {
    const pdf = await textPdf([
      ['Facture n° F-2025-0042', 'Date de facture : 14 avril 2025', 'Ministère de la Culture', 'SIRET 21750001608202'],
    ]);
    const r = await main(pdf);
    expect(r.ok && r.suggestions).toMatchObject({
      numeroPiece: { value: 'F-2025-0042', page: 1 },
      datePiece: { value: '2025-04-14', page: 1 },
      siretDestinataire: { value: '21750001608202', page: 1 },
    });
  });
});

describe('sha256OfStream', () => {
  it('hashes a body chunk by chunk, like the whole', async () => {
    const whole = bytesOf('Le titulaire dépose son projet de décompte final.'.repeat(1000));
    const chunks = Array.from({ length: Math.ceil(whole.length / 777) }, (_, i) =>
      whole.subarray(i * 777, (i + 1) * 777),
    );
    expect(await sha256OfStream(Readable.from(chunks))).toEqual({ sha256: sha256Hex(whole), size: whole.length });
    expect((await sha256OfStream(Readable.from([bytesOf('abc')]))).sha256).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('reads a web ReadableStream too', async () => {
    const stream = new Blob([bytesOf('abc')]).stream();
    expect(await sha256OfStream(stream)).toEqual({
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      size: 3,
    });
  });

  it('stops with FICHIER_TROP_VOLUMINEUX past maxBytes', async () => {
    const p = sha256OfStream(Readable.from([new Uint8Array(10), new Uint8Array(10)]), { maxBytes: 15 });
    await expect(p).rejects.toBeInstanceOf(DomainError);
    await expect(p).rejects.toMatchObject({ code: 'FICHIER_TROP_VOLUMINEUX' });
  });
});

describe('verifyDocument: fuzz (never a crash)', () => {
  const CODES = [
    'FICHIER_VIDE',
    'FICHIER_TROP_VOLUMINEUX',
    'FICHIER_EXECUTABLE',
    'CONTENU_NON_CONFORME',
    'FICHIER_PRINCIPAL_NON_PDF',
    'PDF_ILLISIBLE',
    'PDF_PROTEGE',
    'PDF_NUMERISE',
  ];

  it('random bytes under any accepted extension give a result object', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 4096 }),
        fc.constantFrom(...ALLOWED_EXTENSIONS),
        fc.constantFrom('MAIN' as const, 'ATTACHMENT' as const),
        fc.boolean(),
        async (bytes, ext, role, cadreRequiresTextPdf) => {
          const r = await verifyDocument({ bytes, fileName: `f.${ext}`, role, cadreRequiresTextPdf });
          if (!r.ok) expect(CODES).toContain(r.code);
          else expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('damaged PDFs (flipped bytes, truncation, random body after the header) give a result object', async () => {
    const pdf = await textPdfWithLinesOnPage(3, 3, ['SIRET client : 21300202500012', 'Total TTC : 114 000,00 €']);
    const damaged = fc.oneof(
      fc
        .array(fc.tuple(fc.nat(pdf.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 20 })
        .map((flips) => {
          const copy = pdf.slice();
          for (const [at, value] of flips) copy[at] = value;
          return copy;
        }),
      fc.nat(pdf.length).map((n) => pdf.slice(0, n)),
      fc.uint8Array({ maxLength: 2048 }).map((tail) => bytesOf('%PDF-1.7\n', tail)),
    );
    await fc.assert(
      fc.asyncProperty(damaged, async (bytes) => {
        const r = await main(bytes);
        if (!r.ok) expect(CODES).toContain(r.code);
      }),
      { numRuns: 150 },
    );
  });
});
