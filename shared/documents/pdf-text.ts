import { DomainError } from '../domain/errors';

/**
 * Text of a PDF, page by page, through pdfjs-dist (legacy build, for Node). The parser runs on the calling thread
 * (pdfjs "main-thread worker": the worker module is imported and registered as `globalThis.pdfjsWorker`), so that
 * bundling a Lambda needs no separate worker file. Fonts are never loaded or evaluated, nothing is fetched.
 * Any failure of the parser becomes a `DomainError` (PDF_ILLISIBLE, PDF_PROTEGE): a broken upload never crashes.
 */

export interface PdfPageText {
  readonly number: number;
  readonly text: string;
}

export interface PdfText {
  readonly pageCount: number;
  readonly pages: readonly PdfPageText[];
}

/** docs/rules/documents.md#text-pdf: a scanned (image-only) main file is refused with a message that says to export a text PDF. */
export const PDF_NUMERISE_MESSAGE = 'PDF numérisé : exportez un PDF texte depuis votre logiciel';

/**
 * *(assumption)* A PDF is a "text PDF" when at least this many non-blank characters can be extracted from one of its
 * pages; a scan (pages that are only images) yields none.
 */
export const MIN_TEXT_CHARACTERS = 1;

type Pdfjs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type PdfDocument = Awaited<ReturnType<Pdfjs['getDocument']>['promise']>;

let pdfjsLoading: Promise<Pdfjs> | undefined;

/**
 * pdfjs evaluates `new DOMMatrix()` when its module loads; in Node it borrows DOMMatrix from the native
 * `@napi-rs/canvas` when that package can be required — not in a bundled Lambda. Text extraction never renders, so a
 * small 2-D affine matrix is enough: it is installed only when no DOMMatrix exists yet.
 */
class AffineMatrix {
  a = 1;
  b = 0;
  c = 0;
  d = 1;
  e = 0;
  f = 0;
  constructor(init?: readonly number[]) {
    if (init && init.length >= 6)
      [this.a, this.b, this.c, this.d, this.e, this.f] = init as [number, number, number, number, number, number];
  }
  multiplySelf(m: AffineMatrix): this {
    const { a, b, c, d, e, f } = this;
    this.a = a * m.a + c * m.b;
    this.b = b * m.a + d * m.b;
    this.c = a * m.c + c * m.d;
    this.d = b * m.c + d * m.d;
    this.e = a * m.e + c * m.f + e;
    this.f = b * m.e + d * m.f + f;
    return this;
  }
  preMultiplySelf(m: AffineMatrix): this {
    const copy = new AffineMatrix([m.a, m.b, m.c, m.d, m.e, m.f]).multiplySelf(this);
    [this.a, this.b, this.c, this.d, this.e, this.f] = [copy.a, copy.b, copy.c, copy.d, copy.e, copy.f];
    return this;
  }
  translateSelf(x = 0, y = 0): this {
    return this.multiplySelf(new AffineMatrix([1, 0, 0, 1, x, y]));
  }
  scaleSelf(x = 1, y = x): this {
    return this.multiplySelf(new AffineMatrix([x, 0, 0, y, 0, 0]));
  }
  invertSelf(): this {
    const { a, b, c, d, e, f } = this;
    const det = a * d - b * c;
    [this.a, this.b, this.c, this.d] = [d / det, -b / det, -c / det, a / det];
    [this.e, this.f] = [(c * f - d * e) / det, (b * e - a * f) / det];
    return this;
  }
  translate(x = 0, y = 0): AffineMatrix {
    return new AffineMatrix([this.a, this.b, this.c, this.d, this.e, this.f]).translateSelf(x, y);
  }
  scale(x = 1, y = x): AffineMatrix {
    return new AffineMatrix([this.a, this.b, this.c, this.d, this.e, this.f]).scaleSelf(x, y);
  }
}

function loadPdfjs(): Promise<Pdfjs> {
  pdfjsLoading ??= (async () => {
    const global = globalThis as { DOMMatrix?: unknown; pdfjsWorker?: unknown };
    if (global.DOMMatrix === undefined) {
      try {
        const { createRequire } = await import('node:module');
        global.DOMMatrix = (createRequire(import.meta.url)('@napi-rs/canvas') as { DOMMatrix: unknown }).DOMMatrix;
      } catch {
        global.DOMMatrix = AffineMatrix;
      }
    }
    const worker = await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
    global.pdfjsWorker ??= worker;
    return import('pdfjs-dist/legacy/build/pdf.mjs');
  })();
  return pdfjsLoading;
}

/** Options common to the readers: `fileName` only serves the messages ("Le PDF facture.pdf ne peut pas être lu"). */
export interface PdfReadOptions {
  readonly fileName?: string;
}

const thePdf = (fileName?: string) => (fileName ? `Le PDF ${fileName}` : 'Le PDF');

export function pdfIllisible(fileName?: string, detail?: string): DomainError {
  const message = `${thePdf(fileName)} ne peut pas être lu${detail ? ` (${detail})` : ''} : il est endommagé ou incomplet ; exportez-le à nouveau depuis votre logiciel.`;
  return new DomainError('PDF_ILLISIBLE', message, 'INVALID', [{ path: 'fichier', message }]);
}

export function pdfNumerise(): DomainError {
  return new DomainError('PDF_NUMERISE', PDF_NUMERISE_MESSAGE, 'INVALID', [
    { path: 'fichier', message: PDF_NUMERISE_MESSAGE },
  ]);
}

function translate(error: unknown, fileName?: string): DomainError {
  if (error instanceof DomainError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'PasswordException') {
    const message = `${thePdf(fileName)} est protégé par un mot de passe : déposez une version sans mot de passe à l'ouverture.`;
    return new DomainError('PDF_PROTEGE', message, 'INVALID', [{ path: 'fichier', message }]);
  }
  if (name === 'InvalidPDFException') return pdfIllisible(fileName, 'structure PDF invalide');
  return pdfIllisible(fileName);
}

/** Opens a PDF, runs `use`, always releases the parser; every parser failure becomes a `DomainError`. */
async function withPdf<T>(
  bytes: Uint8Array,
  options: PdfReadOptions,
  use: (doc: PdfDocument) => Promise<T>,
): Promise<T> {
  let pdfjs: Pdfjs;
  try {
    pdfjs = await loadPdfjs();
  } catch (e) {
    throw new Error(`pdfjs-dist could not be loaded: ${String(e)}`); // an installation fault, not a user's
  }
  const task = pdfjs.getDocument({
    data: bytes.slice(), // pdfjs may take ownership of (detach) the buffer it is given
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    isOffscreenCanvasSupported: false,
    stopAtErrors: false,
    disableAutoFetch: true,
    disableStream: true,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  try {
    const doc = await task.promise;
    return await use(doc);
  } catch (e) {
    throw translate(e, options.fileName);
  } finally {
    await task.destroy().catch(() => undefined);
  }
}

interface PositionedItem {
  readonly str: string;
  readonly hasEOL?: boolean;
  readonly transform?: readonly number[];
  readonly width?: number;
  readonly height?: number;
}

/**
 * Joins pdfjs text items into lines: a new line at each end-of-line mark or change of baseline, a space where two
 * pieces on one line are separated by a visible gap. Prefill reads keywords and values line by line.
 */
export function itemsToText(items: readonly unknown[]): string {
  let text = '';
  let lastY: number | undefined;
  let lastEndX: number | undefined;
  for (const raw of items) {
    const item = raw as PositionedItem;
    if (typeof item.str !== 'string') continue; // marked-content delimiters
    const x = Number(item.transform?.[4]);
    const y = Number(item.transform?.[5]);
    const size = Math.abs(Number(item.height)) || Math.abs(Number(item.transform?.[3])) || 10;
    if (item.str.length > 0) {
      if (lastY !== undefined && Number.isFinite(y) && Math.abs(y - lastY) > size / 2 && !text.endsWith('\n')) {
        text += '\n';
      } else if (
        lastEndX !== undefined &&
        Number.isFinite(x) &&
        x - lastEndX > size * 0.15 &&
        !/\s$/.test(text) &&
        !/^\s/.test(item.str)
      ) {
        text += ' ';
      }
      text += item.str;
      if (Number.isFinite(y)) lastY = y;
      lastEndX = Number.isFinite(x) ? x + (Number(item.width) || 0) : undefined;
    }
    if (item.hasEOL && !text.endsWith('\n')) {
      text += '\n';
      lastEndX = undefined;
    }
  }
  return text;
}

async function pageText(doc: PdfDocument, number: number): Promise<string> {
  const page = await doc.getPage(number);
  try {
    const content = await page.getTextContent();
    return itemsToText(content.items);
  } finally {
    page.cleanup();
  }
}

function hasText(text: string): boolean {
  return text.replace(/\s+/g, '').length >= MIN_TEXT_CHARACTERS;
}

/** The wanted page numbers that exist, deduplicated, in the order given (all pages when none is given). */
function selectPages(pageCount: number, wanted?: readonly number[]): number[] {
  if (wanted === undefined) return Array.from({ length: pageCount }, (_, i) => i + 1);
  return [...new Set(wanted)].filter((n) => Number.isInteger(n) && n >= 1 && n <= pageCount);
}

/**
 * Text of the given pages (1-based; absent ones ignored; all pages by default).
 * Throws `DomainError` PDF_ILLISIBLE (corrupted, not a PDF) or PDF_PROTEGE (password to open).
 */
export async function extractPdfPages(
  bytes: Uint8Array,
  options: PdfReadOptions & { pages?: readonly number[] } = {},
): Promise<PdfText> {
  return withPdf(bytes, options, async (doc) => {
    const pages: PdfPageText[] = [];
    for (const number of selectPages(doc.numPages, options.pages)) {
      pages.push({ number, text: await pageText(doc, number) });
    }
    return { pageCount: doc.numPages, pages };
  });
}

/** Whether some page has extractable text (false for a scan). Throws PDF_ILLISIBLE / PDF_PROTEGE like `extractPdfPages`. */
export async function isTextPdf(bytes: Uint8Array, options: PdfReadOptions = {}): Promise<boolean> {
  return withPdf(bytes, options, async (doc) => {
    for (let n = 1; n <= doc.numPages; n++) if (hasText(await pageText(doc, n))) return true;
    return false;
  });
}

/** Throws `DomainError` PDF_NUMERISE with {@link PDF_NUMERISE_MESSAGE} when no page has text (docs/rules/documents.md). */
export async function assertTextPdf(bytes: Uint8Array, options: PdfReadOptions = {}): Promise<void> {
  if (!(await isTextPdf(bytes, options))) throw pdfNumerise();
}

export interface PdfInspection extends PdfText {
  /** Whether some page of the whole document has extractable text. */
  readonly hasText: boolean;
}

/**
 * One pass for a main file: the text of the pages `choosePages(pageCount)` names (for prefill) and whether the
 * document has text at all — the other pages are read only when the chosen ones have none, until one has.
 */
export async function inspectPdf(
  bytes: Uint8Array,
  choosePages: (pageCount: number) => readonly number[],
  options: PdfReadOptions = {},
): Promise<PdfInspection> {
  return withPdf(bytes, options, async (doc) => {
    const chosen = selectPages(doc.numPages, choosePages(doc.numPages));
    const pages: PdfPageText[] = [];
    for (const number of chosen) pages.push({ number, text: await pageText(doc, number) });
    let found = pages.some((p) => hasText(p.text));
    for (let n = 1; !found && n <= doc.numPages; n++) {
      if (!chosen.includes(n)) found = hasText(await pageText(doc, n));
    }
    return { pageCount: doc.numPages, pages, hasText: found };
  });
}
