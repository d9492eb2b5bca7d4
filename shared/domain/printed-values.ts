import { type CalendarDate, isCalendarDate } from './calendar';
import type { Cents } from './money';

/**
 * Amounts and dates as a document prints them, read exactly (docs/rules/documents.md#pre-fill): French and English
 * amount notations into integer cents, French and ISO dates into calendar dates. Used by the pre-fill (prefill.ts).
 */

// Amounts -------------------------------------------------------------------------------------------------------

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/**
 * An amount as printed: groups of three digits after a first group of one to three ("114 000,00", "114.000,00",
 * "114,000.00", "1'000"), or one run of digits ("114000.00"); then at most one decimal mark and one or two decimals.
 * A number ends at its decimals, so that columns "95 000,00 19 000,00" read as two numbers.
 */
export const NUMBER_TOKEN =
  /(?<![\p{L}\d.,])([-−]?)(\d{1,3}(?:[ .,']\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)(?!\d)/gu;
const CURRENCY_AFTER = /^ ?(?:€|eur(?![\p{L}])|euros?(?![\p{L}]))/iu;

/**
 * Reads an amount written the French way (or the English way) into integer cents, exactly (no floating point):
 * a final "," or "." followed by one or two digits is the decimal mark; the thousands groups all use one separator
 * (space, dot, comma or apostrophe), never the decimal mark. Undefined when the text is not such an amount.
 */
export function parseFrenchAmount(text: string): { cents: Cents; hasDecimals: boolean } | undefined {
  const m = /^([-−]?)(\d{1,3}(?:([ .,'])\d{3})(?:\3\d{3})*|\d+)(?:([.,])(\d{1,2}))?$/.exec(text);
  if (!m) return undefined;
  const [, sign, integerPart, thousands, decimalMark, decimals = ''] = m;
  if (thousands !== undefined && thousands === decimalMark) return undefined;
  const magnitude = BigInt(integerPart!.replace(/[ .,']/g, '')) * 100n + BigInt(decimals.padEnd(2, '0'));
  if (magnitude > MAX_SAFE) return undefined;
  const cents = Number(magnitude);
  return { cents: sign !== '' && cents !== 0 ? -cents : cents, hasDecimals: decimals.length > 0 };
}

/** An amount is a number with decimals ("19 000,00") or followed by a currency ("95 000 €"); never a rate ("20 %"). */
export function amountOf(m: RegExpMatchArray, after: string): Cents | undefined {
  const currency = CURRENCY_AFTER.test(after);
  if (!currency && (/^ ?%/.test(after) || /^\p{L}/u.test(after))) return undefined; // a rate, or part of a word
  const parsed = parseFrenchAmount(`${m[1]}${m[2]}`);
  if (parsed === undefined || !(parsed.hasDecimals || currency)) return undefined;
  return parsed.cents;
}

export function firstAmount(s: string): Cents | undefined {
  for (const m of s.matchAll(NUMBER_TOKEN)) {
    const value = amountOf(m, s.slice((m.index ?? 0) + m[0].length));
    if (value !== undefined) return value;
  }
  return undefined;
}

// Dates ---------------------------------------------------------------------------------------------------------

const MONTHS: Readonly<Record<string, number>> = {
  janvier: 1,
  janv: 1,
  fevrier: 2,
  fevr: 2,
  fev: 2,
  mars: 3,
  avril: 4,
  avr: 4,
  mai: 5,
  juin: 6,
  juillet: 7,
  juil: 7,
  aout: 8,
  septembre: 9,
  sept: 9,
  octobre: 10,
  oct: 10,
  novembre: 11,
  nov: 11,
  decembre: 12,
  dec: 12,
};

const DATE_PATTERNS: readonly RegExp[] = [
  /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/, // ISO 8601
  /(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?!\d)/, // 14/04/2025, 14.04.2025, 14-04-25
  /(?<![\p{L}\d])(1er|\d{1,2})\s+(\p{L}+)\.?\s+(\d{4})(?!\d)/u, // 14 avril 2025, 1er mars 2025
];

function toCalendarDate(year: number, month: number, day: number): CalendarDate | undefined {
  const iso = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return isCalendarDate(iso) ? iso : undefined;
}

/**
 * The first date in `s`, French formats ("14/04/2025", "14 avril 2025", "1er avril 2025") or ISO ("2025-04-14").
 * *(assumption H21)* a two-digit year is 20yy.
 */
export function firstDate(s: string): CalendarDate | undefined {
  const found: { at: number; date: CalendarDate }[] = [];
  for (const [i, re] of DATE_PATTERNS.entries()) {
    const global = new RegExp(re.source, `${re.flags}g`);
    for (const m of s.matchAll(global)) {
      let date: CalendarDate | undefined;
      if (i === 0) date = toCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
      else if (i === 1) {
        const y = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
        date = toCalendarDate(y, Number(m[2]), Number(m[1]));
      } else {
        const month = MONTHS[m[2]!.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()];
        if (month !== undefined) date = toCalendarDate(Number(m[3]), month, m[1] === '1er' ? 1 : Number(m[1]));
      }
      if (date !== undefined) {
        found.push({ at: m.index ?? 0, date });
        break;
      }
    }
  }
  found.sort((a, b) => a.at - b.at);
  return found[0]?.date;
}
