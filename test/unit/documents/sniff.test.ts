import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPkcs7, isPlainText, sniffType } from '../../../shared/documents/sniff';
import { ALLOWED_EXTENSIONS } from '../../../shared/domain/documents';
import {
  bytesOf,
  cfbBytes,
  elfBytes,
  gzipBytes,
  jpegBytes,
  machoBytes,
  odfBytes,
  ooxmlBytes,
  p7sDerBytes,
  peBytes,
  pngBytes,
  shebangBytes,
  textPdf,
  zipBytes,
} from '../../fixtures/documents/generate';

describe('sniffType: executables are refused under any extension', () => {
  it.each([
    ['ELF', elfBytes()],
    ['PE (MZ + PE header)', peBytes()],
    ['Mach-O', machoBytes()],
    ['shebang script', shebangBytes()],
  ])('%s renamed .pdf → FICHIER_EXECUTABLE', async (_, bytes) => {
    const r = await sniffType(bytes, 'pdf', 'plan.pdf');
    expect(r).toMatchObject({ ok: false, code: 'FICHIER_EXECUTABLE' });
    expect(!r.ok && r.message).toContain('plan.pdf');
  });

  it.each(['txt', 'png', 'zip', 'doc', 'csv'] as const)('an ELF named .%s is refused as an executable', async (ext) => {
    expect(await sniffType(elfBytes(), ext)).toMatchObject({ ok: false, code: 'FICHIER_EXECUTABLE' });
  });

  it('a DOS program (MZ, binary, no PE header) is refused; a CSV that happens to start with "MZ" is text', async () => {
    const dos = bytesOf('MZ', new Uint8Array(62), [0xb4, 0x4c, 0xcd, 0x21]);
    expect(await sniffType(dos, 'txt')).toMatchObject({ ok: false, code: 'FICHIER_EXECUTABLE' });
    expect(await sniffType(bytesOf('MZ;nom;prénom\r\n1;Dupont;Jean\r\n'), 'csv')).toEqual({
      ok: true,
      mime: 'text/csv',
    });
  });

  it('a JAR (executable Java package) named .zip is refused as an executable', async () => {
    const jar = zipBytes([
      { name: 'META-INF/MANIFEST.MF', content: 'Manifest-Version: 1.0\nMain-Class: A\n' },
      { name: 'A.class', content: bytesOf([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]) },
    ]);
    expect(await sniffType(jar, 'zip')).toMatchObject({ ok: false, code: 'FICHIER_EXECUTABLE' });
  });
});

describe('sniffType: the content must match the extension (docs/rules/documents.md#formats)', () => {
  it('an empty file is refused', async () => {
    expect(await sniffType(new Uint8Array(0), 'pdf')).toMatchObject({ ok: false, code: 'FICHIER_VIDE' });
  });

  it('a PNG named .jpg is refused with a message naming the file; a real PNG named .png is accepted', async () => {
    const r = await sniffType(pngBytes(), 'jpg', 'photo.jpg');
    expect(r).toMatchObject({ ok: false, code: 'CONTENU_NON_CONFORME' });
    expect(!r.ok && r.message).toContain('photo.jpg');
    expect(await sniffType(pngBytes(), 'png')).toEqual({ ok: true, mime: 'image/png' });
  });

  it('a JPEG is accepted as .jpg and .jpeg, refused as .png', async () => {
    expect(await sniffType(jpegBytes(), 'jpg')).toEqual({ ok: true, mime: 'image/jpeg' });
    expect(await sniffType(jpegBytes(), 'jpeg')).toEqual({ ok: true, mime: 'image/jpeg' });
    expect(await sniffType(jpegBytes(), 'png')).toMatchObject({ ok: false, code: 'CONTENU_NON_CONFORME' });
  });

  it('a PDF is accepted as .pdf; the refusal of a non-PDF says "n\'est pas un PDF"', async () => {
    expect(await sniffType(await textPdf([['Bonjour']]), 'pdf')).toEqual({ ok: true, mime: 'application/pdf' });
    const r = await sniffType(pngBytes(), 'pdf', 'plan.pdf');
    expect(r).toMatchObject({ ok: false, code: 'CONTENU_NON_CONFORME' });
    expect(!r.ok && r.message).toContain("Le fichier plan.pdf n'est pas un PDF");
  });

  it('a docx (zip with [Content_Types].xml) is accepted as .docx and as .zip, refused as .pdf and .xlsx', async () => {
    const docx = ooxmlBytes('docx');
    expect(await sniffType(docx, 'docx')).toEqual({
      ok: true,
      mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    });
    expect(await sniffType(docx, 'zip')).toMatchObject({ ok: true });
    expect(await sniffType(docx, 'pdf')).toMatchObject({ ok: false, code: 'CONTENU_NON_CONFORME' });
    expect(await sniffType(docx, 'xlsx')).toMatchObject({ ok: false, code: 'CONTENU_NON_CONFORME' });
  });

  it('xlsx, pptx, odt, ods, odp are recognised by their package', async () => {
    expect(await sniffType(ooxmlBytes('xlsx'), 'xlsx')).toMatchObject({ ok: true });
    expect(await sniffType(ooxmlBytes('pptx'), 'pptx')).toMatchObject({ ok: true });
    expect(await sniffType(ooxmlBytes('pptx'), 'docx')).toMatchObject({ ok: false });
    for (const kind of ['odt', 'ods', 'odp'] as const) {
      expect(await sniffType(odfBytes(kind), kind)).toMatchObject({ ok: true });
    }
    expect(await sniffType(odfBytes('ods'), 'odt')).toMatchObject({ ok: false, code: 'CONTENU_NON_CONFORME' });
  });

  it('a plain zip is a .zip but not a .docx', async () => {
    const zip = zipBytes([{ name: 'a.txt', content: 'bonjour' }]);
    expect(await sniffType(zip, 'zip')).toEqual({ ok: true, mime: 'application/zip' });
    expect(await sniffType(zip, 'docx')).toMatchObject({ ok: false, code: 'CONTENU_NON_CONFORME' });
  });

  it('legacy Office (CFB) files are accepted as doc, xls, ppt, pps, xlc, xlm, not as docx', async () => {
    for (const ext of ['doc', 'xls', 'ppt', 'pps', 'xlc', 'xlm'] as const) {
      expect(await sniffType(cfbBytes(), ext)).toMatchObject({ ok: true });
    }
    expect(await sniffType(cfbBytes(), 'docx')).toMatchObject({ ok: false, code: 'CONTENU_NON_CONFORME' });
  });

  it('an Excel 4 BIFF stream (BOF record 0x0409) is an .xls / .xlm, not a .doc', async () => {
    const biff4 = bytesOf([0x09, 0x04, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00], new Uint8Array(32));
    expect(await sniffType(biff4, 'xlm')).toMatchObject({ ok: true });
    expect(await sniffType(biff4, 'doc')).toMatchObject({ ok: false });
  });

  it('gzip archives are accepted as gz, gzip and tgz', async () => {
    for (const ext of ['gz', 'gzip', 'tgz'] as const)
      expect(await sniffType(gzipBytes(), ext)).toMatchObject({ ok: true });
    expect(await sniffType(gzipBytes(), 'bz2')).toMatchObject({ ok: false });
  });

  it('images: gif, bmp, tif/tiff', async () => {
    expect(await sniffType(bytesOf('GIF89a', new Uint8Array(20)), 'gif')).toMatchObject({ ok: true });
    expect(await sniffType(bytesOf('BM', new Uint8Array(60)), 'bmp')).toMatchObject({ ok: true });
    const tiff = bytesOf([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0], new Uint8Array(100));
    expect(await sniffType(tiff, 'tif')).toMatchObject({ ok: true });
    expect(await sniffType(tiff, 'tiff')).toMatchObject({ ok: true });
    expect(await sniffType(tiff, 'fax')).toEqual({ ok: true, mime: 'image/tiff' });
  });

  it('rtf needs the {\\rtf signature', async () => {
    expect(await sniffType(bytesOf('{\\rtf1\\ansi Bonjour}'), 'rtf')).toMatchObject({ ok: true });
    expect(await sniffType(bytesOf('Bonjour'), 'rtf')).toMatchObject({ ok: false });
  });
});

describe('sniffType: p7s (PKCS#7 / CMS signedData)', () => {
  it('accepts DER with the signedData OID and PEM armour; refuses anything else', async () => {
    expect(await sniffType(p7sDerBytes(), 'p7s')).toEqual({ ok: true, mime: 'application/pkcs7-signature' });
    expect(await sniffType(bytesOf('-----BEGIN PKCS7-----\nMIIB\n-----END PKCS7-----\n'), 'p7s')).toMatchObject({
      ok: true,
    });
    // a SEQUENCE whose first element is another OID (1.2.840.113549.1.7.1, data) is not a signature
    const data = p7sDerBytes();
    data[14] = 0x01;
    expect(isPkcs7(data)).toBe(false);
    expect(await sniffType(pngBytes(), 'p7s')).toMatchObject({ ok: false, code: 'CONTENU_NON_CONFORME' });
  });
});

describe('sniffType: text formats', () => {
  const latin1 = Uint8Array.from([
    0x6e, 0x6f, 0x6d, 0x3b, 0x76, 0x69, 0x6c, 0x6c, 0x65, 0x0a, 0x44, 0x75, 0x70, 0x6f, 0x6e, 0x74, 0x3b, 0x4e, 0xee,
    0x6d, 0x65, 0x73,
  ]); // "Nîmes" in Latin-1

  it('UTF-8 and Latin-1 text are accepted as txt / csv; a NUL byte or a control character is refused', async () => {
    expect(await sniffType(bytesOf('Montant;Date\n114 000,00 €;14/04/2025\n'), 'csv')).toEqual({
      ok: true,
      mime: 'text/csv',
    });
    expect(await sniffType(latin1, 'csv')).toMatchObject({ ok: true });
    expect(await sniffType(bytesOf('abc', [0], 'def'), 'txt')).toMatchObject({
      ok: false,
      code: 'CONTENU_NON_CONFORME',
    });
    expect(await sniffType(bytesOf('abc', [0x01], 'def'), 'txt')).toMatchObject({ ok: false });
    expect(isPlainText(bytesOf('a\tb\r\nc\f'))).toBe(true);
  });

  it('a PNG or a PDF named .txt is refused', async () => {
    expect(await sniffType(pngBytes(), 'txt')).toMatchObject({ ok: false, code: 'CONTENU_NON_CONFORME' });
    expect(await sniffType(bytesOf('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n'), 'txt')).toMatchObject({ ok: false });
  });

  it('svg must start like XML and hold an <svg> element; xml must start with "<"; xhtml needs <html>', async () => {
    const svg = bytesOf('\uFEFF<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="1"/>');
    expect(await sniffType(svg, 'svg')).toEqual({ ok: true, mime: 'image/svg+xml' });
    expect(await sniffType(bytesOf('<?xml version="1.0"?><root/>'), 'svg')).toMatchObject({ ok: false });
    expect(await sniffType(bytesOf('<?xml version="1.0"?><root/>'), 'xml')).toMatchObject({ ok: true });
    expect(await sniffType(bytesOf('Bonjour <root/>'), 'xml')).toMatchObject({ ok: false });
    expect(
      await sniffType(bytesOf('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>'), 'xhtml'),
    ).toMatchObject({ ok: true });
    expect(await sniffType(bytesOf('<?xml version="1.0"?><root/>'), 'xhtml')).toMatchObject({ ok: false });
  });

  it('html is any text', async () => {
    expect(await sniffType(bytesOf('<!DOCTYPE html><html><body>é</body></html>'), 'html')).toEqual({
      ok: true,
      mime: 'text/html',
    });
    expect(await sniffType(bytesOf('<p>fragment</p>'), 'htm')).toMatchObject({ ok: true });
  });
});

describe('sniffType: fuzz', () => {
  it('never throws on random bytes, whatever the extension', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        fc.constantFrom(...ALLOWED_EXTENSIONS),
        async (bytes, ext) => {
          const r = await sniffType(bytes, ext, `f.${ext}`);
          expect(typeof r.ok).toBe('boolean');
          if (!r.ok) expect(['FICHIER_VIDE', 'FICHIER_EXECUTABLE', 'CONTENU_NON_CONFORME']).toContain(r.code);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on random bytes behind a real signature (truncated containers)', async () => {
    const heads = [pngBytes(), ooxmlBytes('docx'), cfbBytes(), gzipBytes(), p7sDerBytes()].map((b) =>
      b.subarray(0, 40),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...heads),
        fc.uint8Array({ maxLength: 512 }),
        fc.constantFrom(...ALLOWED_EXTENSIONS),
        async (head, tail, ext) => {
          const r = await sniffType(bytesOf(head, tail), ext);
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      { numRuns: 200 },
    );
  });
});
