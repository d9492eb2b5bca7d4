import type { CalendarDate } from './calendar';
import { validatePieceNumber } from './documents';
import type { Cents } from './money';
import { amountOf, firstAmount, firstDate, NUMBER_TOKEN } from './printed-values';
import { isValidSiret } from './siret';

/**
 * Pre-fill of a deposit from the text of its main PDF (docs/rules/documents.md#pre-fill): on the first, the penultimate and the last
 * page, the addressee SIRET, the engagement number, the piece number, its date and its amounts. Pure: the text
 * comes from `shared/documents/pdf-text.ts`. The results are suggestions that the depositor confirms, never values
 * applied silently; each one says on which page and after which keyword it was read.
 */

export interface PageText {
  readonly number: number;
  readonly text: string;
}

export interface Suggestion<T> {
  readonly value: T;
  /** Page number (1-based) where the value was read. */
  readonly page: number;
  /** The keyword as printed in the document ("SIRET client", "Total TTC"...). */
  readonly keyword: string;
}

export interface Suggestions {
  siretDestinataire?: Suggestion<string>;
  engagementJuridique?: Suggestion<string>;
  numeroPiece?: Suggestion<string>;
  datePiece?: Suggestion<CalendarDate>;
  montantHtCents?: Suggestion<Cents>;
  montantTvaCents?: Suggestion<Cents>;
  montantTtcCents?: Suggestion<Cents>;
}

/** docs/rules/documents.md#pre-fill: the first, the penultimate and the last page, deduplicated, in increasing order. */
export function pagesToRead(pageCount: number): number[] {
  if (!Number.isSafeInteger(pageCount) || pageCount < 1) return [];
  return [...new Set([1, pageCount - 1, pageCount])].filter((n) => n >= 1);
}

/** *(assumption H21)* Longest engagement number suggested (Chorus Pro "numéro d'engagement" field, alphanumeric). */
export const MAX_ENGAGEMENT_LENGTH = 50;
/** Characters read after a keyword on its line. */
const WINDOW = 200;
/** Characters read after "Ministère" (the SIRET is "near that word": the next lines of an address block). */
const NEAR_WINDOW = 300;

// ---------------------------------------------------------------------------------------------------------------
// Text normalisation and windows

/** NFKC (ligatures, no-break spaces → space), typographic apostrophes → ', ordinal º → °. */
export function normalizeText(text: string): string {
  return text
    .replace(/[º˚]/g, '°')
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u02bc\u00b4`]/g, "'")
    .replace(/[\t\u00a0\u2007\u202f\u2009]/g, ' ')
    .replace(/\r\n?/g, '\n');
}

interface Hit {
  readonly keyword: string;
  /** From the keyword's end to the end of its line (at most WINDOW characters). */
  readonly rest: string;
  /** The next line (at most WINDOW characters), if any. */
  readonly next: string | undefined;
  /** From the start of the keyword's line to the keyword (at most 80 characters). */
  readonly before: string;
  /** NEAR_WINDOW characters after the keyword, across lines. */
  readonly near: string;
}

function hitAt(text: string, start: number, end: number, keyword: string): Hit {
  const ahead = text.slice(end, end + Math.max(WINDOW * 2, NEAR_WINDOW));
  const eol = ahead.indexOf('\n');
  const rest = eol < 0 ? ahead.slice(0, WINDOW) : ahead.slice(0, Math.min(eol, WINDOW));
  let next: string | undefined;
  if (eol >= 0) {
    const after = ahead.slice(eol + 1);
    const eol2 = after.indexOf('\n');
    next = (eol2 < 0 ? after : after.slice(0, eol2)).slice(0, WINDOW);
  }
  const back = text.slice(Math.max(0, start - 80), start);
  const before = back.slice(back.lastIndexOf('\n') + 1);
  return { keyword: keyword.replace(/\s+/g, ' ').trim(), rest, next, before, near: ahead.slice(0, NEAR_WINDOW) };
}

interface Rule<T> {
  readonly keyword: RegExp;
  readonly parse: (hit: Hit) => T | undefined;
}

interface SearchOrder {
  /** Which pages first: identifiers are printed at the top of a document, totals at its end. */
  readonly pages: 'first-to-last' | 'last-to-first';
  /** Within a page: the first occurrence of a keyword, or the last (a grand total follows the sub-totals). */
  readonly occurrence: 'first' | 'last';
}

/** Rules in priority order; for each rule, pages in the given order; the first value read wins. */
function search<T>(
  pages: readonly { number: number; text: string }[],
  rules: readonly Rule<T>[],
  order: SearchOrder,
): Suggestion<T> | undefined {
  const ordered = [...pages].sort((a, b) =>
    order.pages === 'first-to-last' ? a.number - b.number : b.number - a.number,
  );
  for (const rule of rules) {
    const re = new RegExp(
      rule.keyword.source,
      rule.keyword.flags.includes('g') ? rule.keyword.flags : `${rule.keyword.flags}g`,
    );
    for (const page of ordered) {
      const matches = [...page.text.matchAll(re)];
      if (order.occurrence === 'last') matches.reverse();
      for (const m of matches) {
        const start = m.index ?? 0;
        const value = rule.parse(hitAt(page.text, start, start + m[0].length, m[0]));
        if (value !== undefined) return { value, page: page.number, keyword: m[0].replace(/\s+/g, ' ').trim() };
      }
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Values

/** Words between a keyword and its value: "N° d'engagement juridique : 1300012345", "Numéro de facture : F-12". */
const FILLER = /^(?:n°?|no|nr|num|numéro|numero|de|du|des|d'|l'|la|le|réf|ref|référence|reference|[#:–-])$/i;
const ENGAGEMENT_FILLER = /^(?:juridique|ej)$/i;
const PIECE_FILLER = /^(?:facture|pièce|piece)$/i;

const NUMERIC_DATE = /^\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})$|^\d{4}-\d{2}-\d{2}$/;

/**
 * The first token after the keyword that is not a filler word or a date; undefined when that token does not
 * contain a digit (so "Numéro SIRET", "commande publique", "N° de TVA" give no value). When the keyword ends its
 * line, the next line is read.
 */
function firstToken(hit: Hit, filler: RegExp, accept: (token: string) => boolean): string | undefined {
  const skip = (t: string) => FILLER.test(t) || filler.test(t) || NUMERIC_DATE.test(t);
  const tokenize = (s: string) =>
    s
      .split(/[\s:;,()[\]]+/)
      .map((t) => t.replace(/^n°/i, '').replace(/[.]+$/, ''))
      .filter((t) => t.length > 0);
  let tokens = tokenize(hit.rest);
  if (tokens.every(skip) && hit.next !== undefined) {
    tokens = [...tokens, ...tokenize(hit.next)];
  }
  for (const token of tokens) {
    if (skip(token)) continue;
    return /\d/.test(token) && accept(token) ? token : undefined;
  }
  return undefined;
}

const ENGAGEMENT_TOKEN = /^[A-Za-z0-9][A-Za-z0-9\-_./]*$/;

function engagementValue(hit: Hit): string | undefined {
  return firstToken(hit, ENGAGEMENT_FILLER, (t) => t.length <= MAX_ENGAGEMENT_LENGTH && ENGAGEMENT_TOKEN.test(t));
}

function pieceNumberValue(hit: Hit): string | undefined {
  // docs/rules/documents.md#piece-numbers: only a number the deposit would accept is suggested (1–35 characters, letters, digits, + - _ .)
  return firstToken(hit, PIECE_FILLER, (t) => validatePieceNumber(t).ok);
}

const SIRET_CANDIDATE = /(?<!\d)\d(?:[ .]?\d){13}(?!\d)/g;

/** The first 14-digit sequence (spaces or dots allowed between digits) that is a valid SIRET (docs/rules/structures.md#siret). */
function firstSiret(window: string): string | undefined {
  for (const m of window.matchAll(SIRET_CANDIDATE)) {
    const digits = m[0].replace(/[ .]/g, '');
    if (isValidSiret(digits)) return digits;
  }
  return undefined;
}

/**
 * The amount after the keyword on its line; else one that opens the next line (value printed under its label);
 * else one just before the keyword ("95 000,00 € HT").
 */
function amountValue(hit: Hit): Cents | undefined {
  const onLine = firstAmount(hit.rest);
  if (onLine !== undefined) return onLine;
  if (hit.next !== undefined && /^[\s:=€]*[-−]?\d/.test(hit.next)) {
    const next = firstAmount(hit.next);
    if (next !== undefined) return next;
  }
  const last = [...hit.before.matchAll(NUMBER_TOKEN)].at(-1);
  if (last !== undefined) {
    const after = hit.before.slice((last.index ?? 0) + last[0].length);
    if (/^ ?(?:€|eur|euros?)? ?:? *$/i.test(after)) return amountOf(last, after);
  }
  return undefined;
}

function dateValue(hit: Hit): CalendarDate | undefined {
  const onLine = firstDate(hit.rest.slice(0, 80));
  if (onLine !== undefined) return onLine;
  if (hit.rest.trim().replace(/[:\s]/g, '').length === 0 && hit.next !== undefined)
    return firstDate(hit.next.slice(0, 80));
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Keywords (docs/rules/documents.md#pre-fill), strongest first

const L = String.raw`(?<![\p{L}\d])`; // starts a word
const R = String.raw`(?![\p{L}\d])`; // ends a word
const rx = (source: string, flags = 'iu') => new RegExp(source, flags);

const SIRET_RULES: readonly Rule<string>[] = [
  { keyword: rx(`${L}SIRET\\s+(?:du\\s+)?client${R}`), parse: (h) => firstSiret(`${h.rest}\n${h.next ?? ''}`) },
  { keyword: rx(`${L}SIRET\\s+(?:du\\s+)?dest[\\p{L}.]*`), parse: (h) => firstSiret(`${h.rest}\n${h.next ?? ''}`) },
  { keyword: rx(`${L}minist[eèé]re${R}`), parse: (h) => firstSiret(h.near) },
];

const ENGAGEMENT_RULES: readonly Rule<string>[] = [
  { keyword: rx(`${L}engagement(?:\\s+juridique)?${R}`), parse: engagementValue },
  { keyword: rx(`${L}EJ${R}`, 'u'), parse: engagementValue },
  { keyword: rx(`${L}(?:bon\\s+de\\s+)?commande${R}`), parse: engagementValue },
];

const NUMBER_WORD = String.raw`(?:n°|no\.?|num[ée]ro)`;
const PIECE_RULES: readonly Rule<string>[] = [
  { keyword: rx(`${L}facture\\s*${NUMBER_WORD}`), parse: pieceNumberValue },
  { keyword: rx(`${L}${NUMBER_WORD}\\s*(?:de\\s+(?:la\\s+)?)?(?:facture|pi[èe]ce)${R}`), parse: pieceNumberValue },
  {
    keyword: rx(`${L}(?:d[ée]compte|situation|[ée]tat\\s+d'acompte|avoir|m[ée]moire)\\s*${NUMBER_WORD}`),
    parse: pieceNumberValue,
  },
  { keyword: rx(`${L}num[ée]ro${R}`), parse: pieceNumberValue },
  { keyword: rx(`${L}n°`), parse: pieceNumberValue },
];

const DATE_RULES: readonly Rule<CalendarDate>[] = [
  {
    keyword: rx(
      `${L}date\\s+(?:de\\s+(?:la\\s+)?|d')?(?:facture|facturation|pi[èe]ce|[ée]mission|[ée]tablissement)${R}`,
    ),
    parse: dateValue,
  },
  { keyword: rx(`${L}(?:factur[ée]e?|[ée]mise?|[ée]tablie?|arr[êe]t[ée]e?)\\s+le${R}`), parse: dateValue },
  { keyword: rx(`${L}(?:facture|d[ée]compte|situation)\\s*${NUMBER_WORD}\\s*\\S+\\s+du${R}`), parse: dateValue },
  { keyword: rx(`${L}fait\\s+[àa]\\s+[^,\\n]{1,40},?\\s+le${R}`), parse: dateValue },
  { keyword: rx(`${L}date\\s*:`), parse: dateValue },
];

const HT = String.raw`(?:H\.?\s?T\.?|hors[- ]taxes?)`;
const TTC = String.raw`(?:T\.?\s?T\.?\s?C\.?|toutes\s+taxes\s+comprises)`;
const AMOUNT_ORDER: SearchOrder = { pages: 'last-to-first', occurrence: 'last' };
const IDENTIFIER_ORDER: SearchOrder = { pages: 'first-to-last', occurrence: 'first' };

const HT_RULES: readonly Rule<Cents>[] = [
  { keyword: rx(`${L}total\\s+${HT}(?![\\p{L}])`), parse: amountValue },
  { keyword: rx(`${L}(?:montant|net|sous-total|prix)\\s+(?:total\\s+)?${HT}(?![\\p{L}])`), parse: amountValue },
  { keyword: rx(`${L}(?:HT|H\\.T\\.?)${R}`, 'u'), parse: amountValue },
];

const TVA_RULES: readonly Rule<Cents>[] = [
  { keyword: rx(`${L}(?:total|montant)\\s+(?:de\\s+(?:la\\s+)?)?T\\.?V\\.?A\\.?${R}`), parse: amountValue },
  { keyword: rx(`${L}T\\.?V\\.?A\\.?${R}`, 'u'), parse: amountValue },
];

const TTC_RULES: readonly Rule<Cents>[] = [
  { keyword: rx(`${L}total\\s+${TTC}(?![\\p{L}])`), parse: amountValue },
  { keyword: rx(`${L}(?:montant|net|prix)\\s+(?:total\\s+)?${TTC}(?![\\p{L}])`), parse: amountValue },
  { keyword: rx(`${L}(?:TTC|T\\.T\\.C\\.?)${R}`, 'u'), parse: amountValue },
];

/**
 * Suggestions read from the text of the pages `pagesToRead` chose (docs/rules/documents.md#pre-fill). Identifiers (SIRET, engagement,
 * piece number, date) are taken from the first page first; amounts from the last page first, last occurrence
 * first (totals close a document). Absent keys: nothing reliable was found.
 */
export function prefillFromPages(pages: readonly PageText[]): Suggestions {
  const normalized = pages
    .filter((p) => typeof p?.text === 'string' && Number.isInteger(p.number))
    .map((p) => ({ number: p.number, text: normalizeText(p.text) }));
  const out: Suggestions = {};
  const set = <K extends keyof Suggestions>(key: K, value: Suggestions[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('siretDestinataire', search(normalized, SIRET_RULES, IDENTIFIER_ORDER));
  set('engagementJuridique', search(normalized, ENGAGEMENT_RULES, IDENTIFIER_ORDER));
  set('numeroPiece', search(normalized, PIECE_RULES, IDENTIFIER_ORDER));
  set('datePiece', search(normalized, DATE_RULES, IDENTIFIER_ORDER));
  set('montantHtCents', search(normalized, HT_RULES, AMOUNT_ORDER));
  set('montantTvaCents', search(normalized, TVA_RULES, AMOUNT_ORDER));
  set('montantTtcCents', search(normalized, TTC_RULES, AMOUNT_ORDER));
  return out;
}
