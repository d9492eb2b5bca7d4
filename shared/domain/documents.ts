import { DomainError, type Validation } from './errors';
import { excerpt } from './excerpt';

/** 10 MB per file (Chorus Pro "Pièces jointes"; docs/rules/documents.md#sizes). Shared with storage: the POST policy uses it. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** 120 MB per piece with its attachments (Chorus Pro; docs/rules/documents.md#sizes). Reserved atomically on the piece. */
export const MAX_PIECE_BYTES = 120 * 1024 * 1024;
/** File name length, extension included (Chorus Pro "Pièces jointes"). */
export const MAX_FILE_NAME_LENGTH = 50;

/** Accepted extensions, case-insensitive (Chorus Pro "Pièces jointes"; docs/rules/documents.md#files). */
export const ALLOWED_EXTENSIONS = [
  'bmp',
  'bz2',
  'csv',
  'doc',
  'docx',
  'fax',
  'gif',
  'gz',
  'gzip',
  'htm',
  'html',
  'jpeg',
  'jpg',
  'odp',
  'ods',
  'odt',
  'p7s',
  'pdf',
  'png',
  'pps',
  'ppt',
  'pptx',
  'rtf',
  'svg',
  'tgz',
  'tif',
  'tiff',
  'txt',
  'xhtml',
  'xlc',
  'xlm',
  'xls',
  'xlsx',
  'xml',
  'zip',
] as const;
export type AllowedExtension = (typeof ALLOWED_EXTENSIONS)[number];

export interface FileName {
  readonly name: string;
  readonly extension: AllowedExtension;
}

/** C0 and C1 control characters, and the Unicode bidirectional marks, embeddings, overrides and isolates. */
const CONTROL_OR_BIDI = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
/** Device names Windows reserves, with or without an extension (`CON.pdf` cannot be saved there). */
const RESERVED_DEVICE_NAMES = /^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])$/;

/** Validates a file name: ≤ 50 characters, mandatory extension from the list (docs/rules/documents.md#files). */
export function validateFileName(name: string): Validation<FileName> {
  const fail = (code: string, message: string): Validation<FileName> => ({
    ok: false,
    error: new DomainError(code, message, 'INVALID', [{ path: 'nomFichier', message }]),
  });
  if (name.trim().length === 0)
    return fail('NOM_FICHIER_VIDE', 'Le nom du fichier est vide : indiquez un nom avec son extension.');
  if (/[\\/]/.test(name))
    return fail(
      'NOM_FICHIER_INVALIDE',
      `Le nom « ${excerpt(name)} » contient un chemin (/ ou \\) : indiquez le nom du fichier seul.`,
    );
  // Control characters (NUL…) and bidirectional overrides, which make `facture\u202Egnp.pdf` read « facturepdf.png »
  const hidden = [...name].find((c) => CONTROL_OR_BIDI.test(c));
  if (hidden !== undefined) {
    const code = `U+${(hidden.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    return fail(
      'NOM_FICHIER_CARACTERE_INTERDIT',
      `Le nom du fichier contient un caractère invisible ou de contrôle (${code}) : renommez le fichier avec des lettres, chiffres, espaces et ponctuation ordinaires.`,
    );
  }
  const base = name.split('.')[0]?.trim().toUpperCase() ?? '';
  if (RESERVED_DEVICE_NAMES.test(base)) {
    return fail(
      'NOM_FICHIER_RESERVE',
      `Le nom « ${excerpt(name)} » est un nom réservé par Windows (${base}) : le fichier ne pourrait pas être enregistré ; renommez-le.`,
    );
  }
  // Characters, not UTF-16 units: a decomposed "é" (macOS file names are NFD) counts as one
  const length = [...name.normalize('NFC')].length;
  if (length > MAX_FILE_NAME_LENGTH) {
    return fail(
      'NOM_FICHIER_TROP_LONG',
      `Le nom « ${excerpt(name)} » fait ${length} caractères ; ${MAX_FILE_NAME_LENGTH} au plus, extension comprise : raccourcissez-le.`,
    );
  }
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) {
    return fail(
      'EXTENSION_MANQUANTE',
      `Le nom « ${excerpt(name)} » n'a pas d'extension : ajoutez-en une (par exemple .pdf).`,
    );
  }
  const extension = name.slice(dot + 1).toLowerCase();
  if (!(ALLOWED_EXTENSIONS as readonly string[]).includes(extension)) {
    return fail(
      'EXTENSION_NON_ACCEPTEE',
      `L'extension .${extension} n'est pas acceptée ; extensions acceptées : ${ALLOWED_EXTENSIONS.join(', ')}.`,
    );
  }
  return { ok: true, value: { name, extension: extension as AllowedExtension } };
}

/** Characters Chorus Pro refuses in a piece number, named in the message (docs/rules/documents.md#piece-numbers). */
export const REFUSED_PIECE_NUMBER_CHARACTERS = ['\\', '/', ':', '*', '?', '«', '»', '<', '>', '|', '"', "'"] as const;
export const MAX_PIECE_NUMBER_LENGTH = 35;
const PIECE_NUMBER_ALLOWED = /^[A-Za-z0-9+\-_.]+$/;

/** Validates a piece number: 1–35 characters among letters, digits and `+ - _ .` (docs/rules/documents.md#piece-numbers). */
export function validatePieceNumber(numero: string): Validation<string> {
  const fail = (code: string, message: string): Validation<string> => ({
    ok: false,
    error: new DomainError(code, message, 'INVALID', [{ path: 'numero', message }]),
  });
  if (numero.length === 0)
    return fail('NUMERO_PIECE_VIDE', 'Le numéro de pièce est vide : indiquez-le (1 à 35 caractères).');
  if (numero.length > MAX_PIECE_NUMBER_LENGTH) {
    return fail(
      'NUMERO_PIECE_TROP_LONG',
      `Le numéro de pièce fait ${numero.length} caractères ; ${MAX_PIECE_NUMBER_LENGTH} au plus.`,
    );
  }
  const refused = [
    ...new Set([...numero].filter((c) => (REFUSED_PIECE_NUMBER_CHARACTERS as readonly string[]).includes(c))),
  ];
  if (refused.length > 0) {
    return fail(
      'NUMERO_PIECE_CARACTERE_INTERDIT',
      `Le numéro de pièce contient des caractères interdits : ${refused.join(' ')}. Utilisez des lettres, des chiffres et + - _ . uniquement.`,
    );
  }
  if (!PIECE_NUMBER_ALLOWED.test(numero)) {
    const others = [...new Set([...numero].filter((c) => !/[A-Za-z0-9+\-_.]/.test(c)))];
    return fail(
      'NUMERO_PIECE_CARACTERE_INTERDIT',
      `Le numéro de pièce contient des caractères non autorisés : ${others.map((c) => (c === ' ' ? 'espace' : c)).join(' ')}. Utilisez des lettres, des chiffres et + - _ . uniquement.`,
    );
  }
  return { ok: true, value: numero };
}
