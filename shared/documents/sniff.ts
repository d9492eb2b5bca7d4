import { fileTypeFromBuffer } from 'file-type';
import type { AllowedExtension } from '../domain/documents';

/**
 * Content sniffing: the bytes of an uploaded file must be what its extension says (docs/rules/documents.md#formats). Binary formats are
 * recognised by their signature (`file-type`, plus a few checks of our own for what it does not know: PKCS#7,
 * Excel 4 BIFF, text). An executable is refused whatever its extension.
 */

export type SniffResult = { ok: true; mime: string } | { ok: false; code: SniffRefusalCode; message: string };
export type SniffRefusalCode = 'FICHIER_VIDE' | 'FICHIER_EXECUTABLE' | 'CONTENU_NON_CONFORME';

/** The MIME type stored with an accepted file (its Content-Type on download), by extension. */
export const MIME_BY_EXTENSION: Readonly<Record<AllowedExtension, string>> = {
  bmp: 'image/bmp',
  bz2: 'application/x-bzip2',
  csv: 'text/csv',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  fax: 'image/tiff',
  gif: 'image/gif',
  gz: 'application/gzip',
  gzip: 'application/gzip',
  htm: 'text/html',
  html: 'text/html',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  odp: 'application/vnd.oasis.opendocument.presentation',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odt: 'application/vnd.oasis.opendocument.text',
  p7s: 'application/pkcs7-signature',
  pdf: 'application/pdf',
  png: 'image/png',
  pps: 'application/vnd.ms-powerpoint',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  rtf: 'application/rtf',
  svg: 'image/svg+xml',
  tgz: 'application/gzip',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  txt: 'text/plain',
  xhtml: 'application/xhtml+xml',
  xlc: 'application/vnd.ms-excel',
  xlm: 'application/vnd.ms-excel',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xml: 'application/xml',
  zip: 'application/zip',
};

/** How the refusal names what the extension promised: "le fichier plan.pdf n'est pas {un PDF}". */
const WHAT: Readonly<Record<AllowedExtension, string>> = {
  bmp: 'une image BMP',
  bz2: 'une archive BZIP2',
  csv: 'un fichier texte CSV',
  doc: 'un document Word (.doc)',
  docx: 'un document Word (.docx)',
  fax: 'une télécopie (image TIFF ou texte)',
  gif: 'une image GIF',
  gz: 'une archive GZIP',
  gzip: 'une archive GZIP',
  htm: 'une page HTML (texte)',
  html: 'une page HTML (texte)',
  jpeg: 'une image JPEG',
  jpg: 'une image JPEG',
  odp: 'une présentation OpenDocument (.odp)',
  ods: 'un classeur OpenDocument (.ods)',
  odt: 'un texte OpenDocument (.odt)',
  p7s: 'une signature PKCS#7 (.p7s)',
  pdf: 'un PDF',
  png: 'une image PNG',
  pps: 'un diaporama PowerPoint (.pps)',
  ppt: 'une présentation PowerPoint (.ppt)',
  pptx: 'une présentation PowerPoint (.pptx)',
  rtf: 'un document RTF',
  svg: 'une image SVG',
  tgz: 'une archive TAR compressée (GZIP)',
  tif: 'une image TIFF',
  tiff: 'une image TIFF',
  txt: 'un fichier texte',
  xhtml: 'une page XHTML',
  xlc: 'un fichier Excel (.xlc)',
  xlm: 'un fichier Excel (.xlm)',
  xls: 'un classeur Excel (.xls)',
  xlsx: 'un classeur Excel (.xlsx)',
  xml: 'un document XML',
  zip: 'une archive ZIP',
};

/**
 * Every document container `file-type` reports for a ZIP archive: a `.zip` may hold any of them, it is still a ZIP.
 * Executable packages (JAR, APK) are refused as executables instead (see `EXECUTABLE_DETECTIONS`).
 */
const ZIP_FAMILY = [
  'zip',
  'docx',
  'xlsx',
  'pptx',
  'docm',
  'xlsm',
  'pptm',
  'dotx',
  'dotm',
  'xltx',
  'xltm',
  'potx',
  'potm',
  'ppsx',
  'ppsm',
  'odt',
  'ods',
  'odp',
  'odg',
  'ott',
  'ots',
  'otp',
  'otg',
  'epub',
  'vsdx',
  '3mf',
];

/**
 * Binary extensions → the `file-type` detections that match them. Office files must be of the declared kind;
 * macro-enabled variants (docm, xlsm, pptm) are refused under a macro-free extension, as Office itself does.
 */
const DETECTED_FOR: Partial<Record<AllowedExtension, readonly string[]>> = {
  pdf: ['pdf'],
  png: ['png', 'apng'],
  jpg: ['jpg'],
  jpeg: ['jpg'],
  gif: ['gif'],
  bmp: ['bmp'],
  tif: ['tif'],
  tiff: ['tif'],
  zip: ZIP_FAMILY,
  docx: ['docx', 'dotx'],
  xlsx: ['xlsx', 'xltx'],
  pptx: ['pptx', 'ppsx', 'potx'],
  odt: ['odt', 'ott'],
  ods: ['ods', 'ots'],
  odp: ['odp', 'otp'],
  gz: ['gz', 'tar.gz'],
  gzip: ['gz', 'tar.gz'],
  tgz: ['gz', 'tar.gz'],
  bz2: ['bz2'],
  doc: ['cfb'],
  xls: ['cfb'],
  ppt: ['cfb'],
  pps: ['cfb'],
  xlc: ['cfb'],
  xlm: ['cfb'],
  rtf: ['rtf'],
};

/** Excel 2–4 files (.xls/.xlc/.xlm written before Excel 5) are a bare BIFF stream, not a CFB: BOF record 0x0009/0x0209/0x0409. */
const BIFF_EXTENSIONS: readonly AllowedExtension[] = ['xls', 'xlc', 'xlm'];

/** Text formats: UTF-8 or Latin-1 text (see `isPlainText`). `fax` also accepts a TIFF (TIFF-F, the fax image format). */
const TEXT_EXTENSIONS: readonly AllowedExtension[] = ['svg', 'xml', 'xhtml', 'htm', 'html', 'txt', 'csv', 'fax'];
/** What `file-type` may recognise inside a text file without it being anything but text. */
const TEXTUAL_DETECTIONS = new Set(['xml', 'ics', 'vcf', 'vtt', 'reg']);

/** Executable packages `file-type` recognises inside a ZIP: refused like any executable. */
const EXECUTABLE_DETECTIONS: Readonly<Record<string, string>> = {
  jar: 'archive Java JAR',
  apk: 'application Android APK',
};

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0): boolean =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);

/**
 * Executables refused under any extension (docs/rules/documents.md#formats: the content must match the extension): ELF, Mach-O (thin and
 * fat/universal — 0xCAFEBABE, which Java classes share), a Windows PE ("MZ" stub whose e_lfanew points to "PE\0\0"),
 * a DOS MZ program (an "MZ" file that is not plain text), a WebAssembly module, and a script with a shebang ("#!").
 */
export function executableKind(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) return 'ELF';
  for (const magic of [
    [0xfe, 0xed, 0xfa, 0xce],
    [0xfe, 0xed, 0xfa, 0xcf],
    [0xce, 0xfa, 0xed, 0xfe],
    [0xcf, 0xfa, 0xed, 0xfe],
    [0xca, 0xfe, 0xba, 0xbe],
    [0xbe, 0xba, 0xfe, 0xca],
  ]) {
    if (startsWith(bytes, magic)) return 'Mach-O';
  }
  if (startsWith(bytes, [0x00, 0x61, 0x73, 0x6d])) return 'WebAssembly';
  if (startsWith(bytes, [0x23, 0x21])) return 'script';
  if (startsWith(bytes, [0x4d, 0x5a])) {
    if (bytes.length >= 0x40) {
      const peOffset = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0x3c, true);
      if (startsWith(bytes, [0x50, 0x45, 0, 0], peOffset)) return 'PE';
    }
    if (!isPlainText(bytes)) return 'MZ';
  }
  return undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Text rule (assumption, documented): no NUL byte and no C0 control character other than TAB, LF, VT, FF, CR
 * (and SUB 0x1A, the DOS end-of-file mark); then the bytes are valid UTF-8 (a BOM is allowed), or else read as
 * Latin-1 / Windows-1252 (every remaining byte is a character there). UTF-16 text (NUL bytes) is refused: export it
 * in UTF-8.
 */
export function isPlainText(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0b && b !== 0x0c && b !== 0x0d && b !== 0x1a) return false;
    if (b === 0x7f) return false;
  }
  return true;
}

/** Decodes text that passed `isPlainText`: UTF-8 when valid, Latin-1 otherwise. */
export function decodeText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

/** The first characters of a text document, BOM and leading whitespace removed. */
function textStart(bytes: Uint8Array, max = 4096): string {
  return decodeText(bytes.subarray(0, max))
    .replace(/^\uFEFF/, '')
    .trimStart();
}

/**
 * XML-like rule: the document starts (after a BOM and whitespace) with "<" — an XML declaration, a comment, a
 * DOCTYPE or the root element; an SVG also has an `<svg` element and an XHTML an `<html` element in its first 64 KiB.
 */
function looksLikeXml(bytes: Uint8Array, extension: AllowedExtension): boolean {
  if (!textStart(bytes).startsWith('<')) return false;
  const head = decodeText(bytes.subarray(0, 65_536));
  if (extension === 'svg') return /<(?:[A-Za-z_][\w.-]*:)?svg[\s>/]/.test(head);
  if (extension === 'xhtml') return /<(?:[A-Za-z_][\w.-]*:)?html[\s>/]/i.test(head);
  return true;
}

const PKCS7_SIGNED_DATA_OID = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];

/**
 * PKCS#7 / CMS detached signature (.p7s), assumption documented: either DER/BER — a SEQUENCE (0x30, definite or
 * indefinite length) whose first element is the OID signedData 1.2.840.113549.1.7.2 (RFC 5652 §3 ContentInfo) — or
 * PEM text beginning with "-----BEGIN PKCS7-----", "-----BEGIN CMS-----" or "-----BEGIN PKCS #7 SIGNED DATA-----".
 */
export function isPkcs7(bytes: Uint8Array): boolean {
  if (bytes[0] === 0x30 && bytes.length > 2) {
    const first = bytes[1]!;
    let at: number;
    if (first < 0x80) at = 2;
    else if (first === 0x80) at = 2;
    else {
      const lengthBytes = first & 0x7f;
      if (lengthBytes > 4) return false;
      at = 2 + lengthBytes;
    }
    return startsWith(bytes, PKCS7_SIGNED_DATA_OID, at);
  }
  if (!isPlainText(bytes.subarray(0, 256))) return false;
  return /^-----BEGIN (?:PKCS7|CMS|PKCS #7 SIGNED DATA)-----/.test(textStart(bytes, 256));
}

function isBiff(bytes: Uint8Array): boolean {
  // BOF record: type 0x0009 (BIFF2), 0x0209 (BIFF3), 0x0409 (BIFF4), little-endian; record length 4 or 6
  return (
    bytes.length >= 8 &&
    bytes[0] === 0x09 &&
    [0x00, 0x02, 0x04].includes(bytes[1]!) &&
    [4, 6].includes(bytes[2]!) &&
    bytes[3] === 0
  );
}

function refuse(code: SniffRefusalCode, message: string): SniffResult {
  return { ok: false, code, message };
}

/**
 * Checks that `bytes` are what `extension` says (docs/rules/documents.md#formats: "the content must match the extension; empty files are
 * refused"). `fileName` only serves the messages ("le fichier plan.pdf n'est pas un PDF").
 */
export async function sniffType(
  bytes: Uint8Array,
  extension: AllowedExtension,
  fileName = `fichier.${extension}`,
): Promise<SniffResult> {
  // docs/rules/documents.md#formats: empty files are refused
  if (bytes.length === 0)
    return refuse('FICHIER_VIDE', `Le fichier ${fileName} est vide : déposez un fichier non vide.`);
  const executableRefusal = (kind: string) =>
    refuse(
      'FICHIER_EXECUTABLE',
      `Le fichier ${fileName} est un programme exécutable (${kind}) et non ${WHAT[extension]} : les exécutables sont refusés.`,
    );
  const executable = executableKind(bytes);
  if (executable !== undefined) return executableRefusal(executable);
  const mismatch = () =>
    refuse(
      'CONTENU_NON_CONFORME',
      `Le fichier ${fileName} n'est pas ${WHAT[extension]} : son contenu ne correspond pas à l'extension .${extension}.`,
    );
  let detected: string | undefined;
  try {
    detected = (await fileTypeFromBuffer(bytes))?.ext;
  } catch {
    detected = undefined; // a truncated container: judged below as "not recognised"
  }
  const executablePackage = detected === undefined ? undefined : EXECUTABLE_DETECTIONS[detected];
  if (executablePackage !== undefined) return executableRefusal(executablePackage);
  const mime = MIME_BY_EXTENSION[extension];

  if (extension === 'p7s') return isPkcs7(bytes) ? { ok: true, mime } : mismatch();
  if (TEXT_EXTENSIONS.includes(extension)) {
    if (extension === 'fax' && detected === 'tif') return { ok: true, mime: 'image/tiff' };
    // file-type says "exe" for any "MZ" start; a real MZ program was refused above, what remains is text ("MZ;nom;…")
    if (detected !== undefined && detected !== 'exe' && !TEXTUAL_DETECTIONS.has(detected)) return mismatch();
    if (!isPlainText(bytes)) return mismatch();
    if ((extension === 'svg' || extension === 'xml' || extension === 'xhtml') && !looksLikeXml(bytes, extension)) {
      return mismatch();
    }
    return { ok: true, mime: extension === 'fax' ? 'text/plain' : mime };
  }
  const accepted = DETECTED_FOR[extension] ?? [];
  if (detected !== undefined && accepted.includes(detected)) return { ok: true, mime };
  if (detected === undefined && BIFF_EXTENSIONS.includes(extension) && isBiff(bytes)) return { ok: true, mime };
  return mismatch();
}
