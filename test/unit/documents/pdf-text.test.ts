import { describe, expect, it } from 'vitest';
import {
  assertTextPdf,
  extractPdfPages,
  inspectPdf,
  isTextPdf,
  itemsToText,
  PDF_NUMERISE_MESSAGE,
} from '../../../shared/documents/pdf-text';
import { DomainError } from '../../../shared/domain/errors';
import { bytesOf, imageOnlyPdf, pngBytes, textPdf } from '../../fixtures/documents/generate';

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('expected a rejection');
}

describe('extractPdfPages', () => {
  it('returns the page count and the text of the requested pages, line by line', async () => {
    const pdf = await textPdf([['Page un', 'Deuxième ligne'], ['Page deux'], ['Page trois']]);
    const all = await extractPdfPages(pdf);
    expect(all.pageCount).toBe(3);
    expect(all.pages.map((p) => p.number)).toEqual([1, 2, 3]);
    expect(all.pages[0]!.text.split('\n').map((l) => l.trim())).toEqual(['Page un', 'Deuxième ligne']);
    const some = await extractPdfPages(pdf, { pages: [3, 1, 3, 9, 0] });
    expect(some.pageCount).toBe(3);
    expect(some.pages.map((p) => [p.number, p.text.trim()])).toEqual([
      [3, 'Page trois'],
      [1, 'Page un\nDeuxième ligne'],
    ]);
  });

  it('keeps € and accented letters', async () => {
    const { pages } = await extractPdfPages(await textPdf([['Total TTC : 114 000,00 € — Ministère']]));
    expect(pages[0]!.text).toContain('114 000,00 €');
    expect(pages[0]!.text).toContain('Ministère');
  });

  it('does not detach or alter the caller’s bytes', async () => {
    const pdf = await textPdf([['Bonjour']]);
    const copy = pdf.slice();
    await extractPdfPages(pdf);
    expect(pdf).toEqual(copy);
  });

  it('a corrupted or truncated PDF is a DomainError PDF_ILLISIBLE, not a crash', async () => {
    const pdf = await textPdf([['Bonjour']]);
    expect((await rejection(extractPdfPages(bytesOf('%PDF-1.7\nn’importe quoi')))).code).toBe('PDF_ILLISIBLE');
    expect((await rejection(extractPdfPages(pdf.slice(0, 200), { fileName: 'f.pdf' }))).message).toContain('f.pdf');
    expect((await rejection(extractPdfPages(pngBytes()))).code).toBe('PDF_ILLISIBLE');
    expect((await rejection(extractPdfPages(new Uint8Array(0)))).code).toBe('PDF_ILLISIBLE');
  });
});

describe('isTextPdf / assertTextPdf (docs/rules/documents.md#text-pdf: scanned PDFs are refused)', () => {
  it('an image-only PDF has no text and is refused with the exact message', async () => {
    const scan = await imageOnlyPdf(3);
    expect(await isTextPdf(scan)).toBe(false);
    const e = await rejection(assertTextPdf(scan));
    expect(e.code).toBe('PDF_NUMERISE');
    expect(e.message).toBe('PDF numérisé : exportez un PDF texte depuis votre logiciel');
    expect(PDF_NUMERISE_MESSAGE).toBe(e.message);
  });

  it('a JPEG scan is refused as well', async () => {
    expect(await isTextPdf(await imageOnlyPdf(1, 'jpg'))).toBe(false);
  });

  it('a text PDF passes, even when its only text is on a middle page', async () => {
    const pdf = await textPdf([[], [], ['Seule page écrite'], [], []]);
    expect(await isTextPdf(pdf)).toBe(true);
    await expect(assertTextPdf(pdf)).resolves.toBeUndefined();
  });
});

describe('inspectPdf', () => {
  it('reads the chosen pages only, and looks further only to decide whether there is text', async () => {
    const pdf = await textPdf([[], [], ['Texte au milieu'], [], []]);
    const r = await inspectPdf(pdf, (n) => [1, n - 1, n]);
    expect(r.pageCount).toBe(5);
    expect(r.pages.map((p) => p.number)).toEqual([1, 4, 5]);
    expect(r.pages.every((p) => p.text.trim() === '')).toBe(true);
    expect(r.hasText).toBe(true);
    expect((await inspectPdf(await imageOnlyPdf(2), (n) => [n])).hasText).toBe(false);
  });
});

describe('itemsToText', () => {
  it('breaks lines on end-of-line marks and baseline changes, and spaces visible gaps', () => {
    const item = (str: string, x: number, y: number, width: number, hasEOL = false) => ({
      str,
      transform: [10, 0, 0, 10, x, y],
      width,
      height: 10,
      hasEOL,
    });
    expect(
      itemsToText([
        item('Total', 50, 700, 25),
        item('TTC', 80, 700, 20),
        item(':', 100, 700, 3),
        { type: 'beginMarkedContent' },
        item('114 000,00 €', 110, 700, 60, true),
        item('Page 2', 50, 680, 30),
        item('suite', 50, 660, 30),
      ]),
    ).toBe('Total TTC: 114 000,00 €\nPage 2\nsuite');
  });
});
