import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALLOWED_EXTENSIONS,
  MAX_FILE_BYTES,
  MAX_PIECE_BYTES,
  validateFileName,
  validatePieceNumber,
} from '../../../../shared/domain/documents';
import { DomainError, type Validation } from '../../../../shared/domain/errors';

function codeOf<T>(v: Validation<T>): string | undefined {
  return v.ok ? undefined : v.error.code;
}

/** docs/rules/documents.md, copied from the rule book (not from the code). */
const SPEC_EXTENSIONS =
  'bmp bz2 csv doc docx fax gif gz gzip htm html jpeg jpg odp ods odt p7s pdf png pps ppt pptx rtf svg tgz tif tiff txt xhtml xlc xlm xls xlsx xml zip'.split(
    ' ',
  );

describe('file names (Chorus Pro « Pièces jointes »; docs/rules/documents.md#files)', () => {
  it('the accepted extensions are exactly those of docs/rules/documents.md#files', () => {
    expect([...ALLOWED_EXTENSIONS].sort()).toEqual([...SPEC_EXTENSIONS].sort());
  });

  it.each(SPEC_EXTENSIONS)('accepts the extension .%s', (ext) => {
    expect(validateFileName(`piece.${ext}`)).toEqual({ ok: true, value: { name: `piece.${ext}`, extension: ext } });
  });

  it.each([
    ['DECOMPTE.PDF', 'pdf'],
    ['Décompte mai.Pdf', 'pdf'],
    ['archive.tar.GZ', 'gz'],
    ['Situation n°3 (lot 2).XlSx', 'xlsx'],
  ])('accepts %j, extension case-insensitive (→ .%s)', (name, extension) => {
    expect(validateFileName(name)).toEqual({ ok: true, value: { name, extension } });
  });

  const fifty = `${'a'.repeat(46)}.pdf`;
  it.each([
    [fifty, undefined, '50 characters, extension included: accepted'],
    [`a${fifty}`, 'NOM_FICHIER_TROP_LONG', '51 characters: refused'],
    [`${'é'.normalize('NFD').repeat(46)}.pdf`, undefined, '46 decomposed « é » count as 46 characters'],
    ['rapport', 'EXTENSION_MANQUANTE', 'no extension'],
    ['rapport.', 'EXTENSION_MANQUANTE', 'trailing dot'],
    ['.pdf', 'EXTENSION_MANQUANTE', 'nothing before the extension'],
    ['rapport.exe', 'EXTENSION_NON_ACCEPTEE', 'extension not in the list'],
    ['rapport.pdf.exe', 'EXTENSION_NON_ACCEPTEE', 'only the last extension counts'],
    ['', 'NOM_FICHIER_VIDE', 'empty'],
    ['   ', 'NOM_FICHIER_VIDE', 'blank'],
    ['dossier/rapport.pdf', 'NOM_FICHIER_INVALIDE', 'a path with /'],
    ['C:\\dossier\\rapport.pdf', 'NOM_FICHIER_INVALIDE', 'a path with \\'],
  ])('%j → %s (%s)', (name, code, _why) => {
    expect(codeOf(validateFileName(name))).toBe(code);
  });

  it('refusals are DomainErrors carrying the field nomFichier and a French message', () => {
    const v = validateFileName('rapport.exe');
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.error).toBeInstanceOf(DomainError);
    expect(v.error.kind).toBe('INVALID');
    expect(v.error.fields.map((f) => f.path)).toEqual(['nomFichier']);
    expect(v.error.message).toContain('.exe');
  });
});

describe('piece numbers (Chorus Pro; docs/rules/documents.md#piece-numbers)', () => {
  it.each([['F2025-0001'], ['A'], ['PDM+03_lot.2'], ['x'.repeat(35)]])('accepts %j', (n) => {
    expect(validatePieceNumber(n)).toEqual({ ok: true, value: n });
  });

  it.each([...'\\/:*?«»<>|"\''])('refuses the character %s and names it in the message', (c) => {
    const v = validatePieceNumber(`F2025${c}01`);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.error.code).toBe('NUMERO_PIECE_CARACTERE_INTERDIT');
    expect(v.error.message).toContain(c);
    expect(v.error.fields.map((f) => f.path)).toEqual(['numero']);
  });

  it('names every refused character once', () => {
    const v = validatePieceNumber('a/b/c:d');
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.error.message).toContain('/ :');
    expect(v.error.message.split('/').length - 1).toBe(1);
  });

  it.each([
    ['F 2025', 'espace'],
    ['Fé2025', 'é'],
    ['F#1', '#'],
  ])('refuses %j, naming %s', (n, shown) => {
    const v = validatePieceNumber(n);
    expect(codeOf(v)).toBe('NUMERO_PIECE_CARACTERE_INTERDIT');
    expect(v.ok ? '' : v.error.message).toContain(shown);
  });

  it.each([
    ['', 'NUMERO_PIECE_VIDE'],
    ['x'.repeat(36), 'NUMERO_PIECE_TROP_LONG'],
  ])('%j → %s (1 to 35 characters)', (n, code) => {
    expect(codeOf(validatePieceNumber(n))).toBe(code);
  });
});

describe('size limits (docs/rules/documents.md#sizes)', () => {
  it('10 MB per file and 120 MB per piece (binary megabytes)', () => {
    expect(MAX_FILE_BYTES).toBe(10_485_760);
    expect(MAX_PIECE_BYTES).toBe(125_829_120);
  });
});

describe('fuzz: random input never throws, always a Validation', () => {
  const anyString = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'grapheme' }));

  it('validateFileName', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const v = validateFileName(s);
        if (v.ok) expect(SPEC_EXTENSIONS).toContain(v.value.extension);
        else expect(v.error).toBeInstanceOf(DomainError);
      }),
      { numRuns: 2000 },
    );
  });

  it('validatePieceNumber', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const v = validatePieceNumber(s);
        if (v.ok) expect(v.value).toMatch(/^[A-Za-z0-9+\-_.]{1,35}$/);
        else expect(v.error).toBeInstanceOf(DomainError);
      }),
      { numRuns: 2000 },
    );
  });
});
