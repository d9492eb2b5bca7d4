import { createHash } from 'node:crypto';
import { MAX_FILE_BYTES, validateFileName } from '../domain/documents';
import { DomainError } from '../domain/errors';
import { pagesToRead, prefillFromPages, type Suggestions } from '../domain/prefill';
import { inspectPdf, PDF_NUMERISE_MESSAGE } from './pdf-text';
import { sniffType } from './sniff';

/**
 * Verification of an uploaded file, called on S3 ObjectCreated (docs/rules/documents.md#sizes): size, name, content against
 * extension, SHA-256 (for the audit trail), and for the main file of a décompte / invoice a native text PDF, whose
 * first, penultimate and last pages pre-fill the deposit (suggestions the depositor confirms).
 */

export type DocumentRole = 'MAIN' | 'ATTACHMENT';

export interface VerifyDocumentInput {
  readonly bytes: Uint8Array;
  readonly fileName: string;
  readonly role: DocumentRole;
  /** The cadre de facturation requires a native text PDF as main file (décomptes and invoices). */
  readonly cadreRequiresTextPdf: boolean;
}

export interface VerifiedDocument {
  readonly ok: true;
  /** SHA-256 of the bytes, lowercase hex. */
  readonly sha256: string;
  readonly size: number;
  /** Content-Type to store, from the (verified) extension. */
  readonly mime: string;
  /** Main PDF files only. */
  readonly pageCount?: number;
  /** Main PDF files with text only: pre-fill suggestions, to be confirmed by the depositor. */
  readonly suggestions?: Suggestions;
}

export interface RefusedDocument {
  readonly ok: false;
  readonly code: string;
  readonly message: string;
}

export type VerifyDocumentResult = VerifiedDocument | RefusedDocument;

function refused(code: string, message: string): RefusedDocument {
  return { ok: false, code, message };
}

function fromError(error: DomainError): RefusedDocument {
  return refused(error.code, error.message);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function tooLarge(fileName: string, size: number): RefusedDocument {
  const mb = (n: number) => (n / (1024 * 1024)).toFixed(1).replace('.', ',');
  return refused(
    'FICHIER_TROP_VOLUMINEUX',
    `Le fichier ${fileName} pèse ${mb(size)} Mo ; ${mb(MAX_FILE_BYTES)} Mo au plus par fichier : réduisez-le ou scindez-le.`,
  );
}

/**
 * Verifies one uploaded file. Content problems come back as `{ ok: false, code, message }` (French message naming
 * the file); nothing the bytes contain makes it throw. Codes: FICHIER_VIDE, FICHIER_TROP_VOLUMINEUX, the codes of
 * `validateFileName` (NOM_FICHIER_TROP_LONG, EXTENSION_NON_ACCEPTEE…), FICHIER_EXECUTABLE, CONTENU_NON_CONFORME,
 * FICHIER_PRINCIPAL_NON_PDF, PDF_ILLISIBLE, PDF_PROTEGE, PDF_NUMERISE.
 */
export async function verifyDocument(input: VerifyDocumentInput): Promise<VerifyDocumentResult> {
  const { bytes, fileName, role, cadreRequiresTextPdf } = input;
  // docs/rules/documents.md#files: file name ≤ 50 characters with an accepted extension
  const name = validateFileName(fileName);
  if (!name.ok) return fromError(name.error);
  // docs/rules/documents.md#sizes: empty files are refused; 10 MB per file (storage enforces it too: defence in depth)
  if (bytes.length === 0)
    return refused('FICHIER_VIDE', `Le fichier ${fileName} est vide : déposez un fichier non vide.`);
  if (bytes.length > MAX_FILE_BYTES) return tooLarge(fileName, bytes.length);
  // docs/rules/documents.md#formats: the content must match the extension
  const sniff = await sniffType(bytes, name.value.extension, fileName);
  if (!sniff.ok) return refused(sniff.code, sniff.message);
  const base = { ok: true as const, sha256: sha256Hex(bytes), size: bytes.length, mime: sniff.mime };

  if (role !== 'MAIN') return base;
  const isPdf = name.value.extension === 'pdf';
  // docs/rules/documents.md#text-pdf: one main file, a native text PDF for décomptes and invoices
  if (cadreRequiresTextPdf && !isPdf) {
    return refused(
      'FICHIER_PRINCIPAL_NON_PDF',
      `Le fichier principal ${fileName} doit être un PDF texte (exporté depuis votre logiciel), pas un fichier .${name.value.extension}.`,
    );
  }
  if (!isPdf) return base;
  try {
    const pdf = await inspectPdf(bytes, pagesToRead, { fileName });
    // docs/rules/documents.md#text-pdf: a scanned (image-only) PDF main file is refused with a message that says to export a text PDF
    if (!pdf.hasText) {
      if (cadreRequiresTextPdf) return refused('PDF_NUMERISE', PDF_NUMERISE_MESSAGE);
      return { ...base, pageCount: pdf.pageCount };
    }
    // docs/rules/documents.md#pre-fill: pre-fill from the first, penultimate and last pages; the depositor confirms
    return { ...base, pageCount: pdf.pageCount, suggestions: prefillFromPages(pdf.pages) };
  } catch (e) {
    if (e instanceof DomainError) return fromError(e);
    throw e;
  }
}

/** Anything a body can be read from: a Node `Readable`, a web `ReadableStream`, an S3 `GetObject` body. */
export type ByteSource = AsyncIterable<Uint8Array | string>;

/**
 * SHA-256 and size of a large body, read chunk by chunk (never whole in memory). With `maxBytes`, stops reading and
 * throws `DomainError` FICHIER_TROP_VOLUMINEUX as soon as the body is longer.
 */
export async function sha256OfStream(
  source: ByteSource,
  options: { maxBytes?: number } = {},
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    size += bytes.length;
    if (options.maxBytes !== undefined && size > options.maxBytes) {
      const message = `Le fichier dépasse ${options.maxBytes} octets : il est refusé.`;
      throw new DomainError('FICHIER_TROP_VOLUMINEUX', message, 'INVALID', [{ path: 'fichier', message }]);
    }
    hash.update(bytes);
  }
  return { sha256: hash.digest('hex'), size };
}
