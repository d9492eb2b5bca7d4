import { type CalendarDate, isCalendarDate } from '../calendar';
import { halfYearLabel, halfYearStartOf } from '../dgp/ecb-rates';
import { DomainError, type FieldIssue } from '../errors';

/**
 * One recorded rate of the ECB's main refinancing operations (MRO): the rate in force on the first calendar day of a
 * half-year (1 January or 1 July), which sets the rate of intérêts moratoires for interest starting in that
 * half-year (CCP R2192-31; décret 2013-269 art. 8). The three ways in (scheduled fetch, CSV import, operator API)
 * all go through `checkEcbRate`, so that a rate is never guessed nor carried over from a previous half-year.
 */
export const ECB_RATE_SOURCES = ['API_BCE', 'CSV_BCE', 'OPERATEUR', 'AMORCE'] as const;
export type EcbRateSource = (typeof ECB_RATE_SOURCES)[number];

export const ECB_RATE_SOURCE_LABELS: Readonly<Record<EcbRateSource, string>> = {
  API_BCE: 'relevé automatique (API du portail de données de la BCE)',
  CSV_BCE: 'import du fichier CSV du portail de données de la BCE',
  OPERATEUR: "saisie d'un opérateur de la plateforme",
  AMORCE: 'valeur connue à la mise en service',
};

/** Bounds of a plausible MRO rate, in basis points: −10 % … 25 % (it has ranged 0 % … 4,75 % since 1999). */
export const ECB_RATE_MIN_BP = -1000;
export const ECB_RATE_MAX_BP = 2500;

export interface EcbRateEntry {
  /** `YYYY-01-01` or `YYYY-07-01`. */
  readonly halfYearStart: CalendarDate;
  readonly rateBp: number;
  readonly source: EcbRateSource;
  /** Day the ECB's rate took effect (the "date of change" of the series), on or before `halfYearStart`. */
  readonly effectiveSince?: CalendarDate;
  /** Where it was read: the series key and endpoint, the file name, the operator's reference. */
  readonly reference?: string;
}

export interface RecordedEcbRate extends EcbRateEntry {
  /** ISO instant. */
  readonly recordedAt: string;
  /** User id, or `SYSTEME` for the scheduled fetch, `CLI:<who>` for the command line. */
  readonly recordedBy: string;
}

export interface EcbRateInput {
  readonly halfYearStart: string;
  readonly rateBp: number;
  readonly source: EcbRateSource;
  readonly effectiveSince?: string;
  readonly reference?: string;
}

const REFERENCE_MAX = 300;

/**
 * Validates a rate before it is recorded; every fault is reported (DomainError TAUX_BCE_INVALIDE, fields named).
 * `today` (Paris) bounds the half-year: the rate in force on a day that has not come yet is not known.
 */
export function checkEcbRate(input: EcbRateInput, today: CalendarDate): EcbRateEntry {
  const issues: FieldIssue[] = [];
  const { halfYearStart, rateBp, effectiveSince, reference } = input;
  if (!isCalendarDate(halfYearStart) || halfYearStartOf(halfYearStart) !== halfYearStart) {
    issues.push({
      path: 'semestre',
      message: `« ${halfYearStart} » n'est pas le premier jour d'un semestre : indiquez AAAA-01-01 ou AAAA-07-01.`,
    });
  } else if (halfYearStart > today) {
    issues.push({
      path: 'semestre',
      message: `Le ${halfYearLabel(halfYearStart)} n'a pas commencé (${halfYearStart}) : le taux en vigueur ce jour-là n'est pas encore connu.`,
    });
  }
  if (!Number.isSafeInteger(rateBp) || rateBp < ECB_RATE_MIN_BP || rateBp > ECB_RATE_MAX_BP) {
    issues.push({
      path: 'tauxPointsBase',
      message: `Taux « ${rateBp} » invalide : un nombre entier de points de base est attendu (2,15 % = 215), entre ${ECB_RATE_MIN_BP} et ${ECB_RATE_MAX_BP}.`,
    });
  }
  if (effectiveSince !== undefined) {
    if (!isCalendarDate(effectiveSince)) {
      issues.push({ path: 'enVigueurDepuis', message: `« ${effectiveSince} » n'est pas une date AAAA-MM-JJ.` });
    } else if (isCalendarDate(halfYearStart) && effectiveSince > halfYearStart) {
      issues.push({
        path: 'enVigueurDepuis',
        message: `Un taux entré en vigueur le ${effectiveSince} n'était pas celui du ${halfYearStart} : c'est le taux en vigueur le premier jour du semestre qui s'applique.`,
      });
    }
  }
  if (
    reference !== undefined &&
    (reference.length > REFERENCE_MAX || [...reference].some((c) => c.charCodeAt(0) < 32))
  ) {
    issues.push({
      path: 'reference',
      message: `La référence doit tenir sur une ligne de ${REFERENCE_MAX} caractères au plus.`,
    });
  }
  if (issues.length > 0) {
    throw new DomainError('TAUX_BCE_INVALIDE', issues.map((i) => i.message).join(' '), 'INVALID', issues);
  }
  return {
    halfYearStart: halfYearStart as CalendarDate,
    rateBp,
    source: input.source,
    ...(effectiveSince !== undefined ? { effectiveSince: effectiveSince as CalendarDate } : {}),
    ...(reference !== undefined && reference.length > 0 ? { reference } : {}),
  };
}

/**
 * "2.15" (percent, as the ECB publishes it) → 215 basis points, exactly (no floating point). Up to 4 decimals,
 * the ones beyond the second must be zeros ("4.250" is 425; "2.155" is refused: not a whole basis point).
 */
export function percentToBp(text: string): number | undefined {
  const m = /^(-?)(\d{1,3})(?:[.,](\d{1,4}))?$/.exec(text.trim());
  if (!m) return undefined;
  const decimals = (m[3] ?? '').padEnd(4, '0');
  if (decimals.slice(2) !== '00') return undefined;
  const bp = Number(m[2]) * 100 + Number(decimals.slice(0, 2));
  return m[1] === '-' ? -bp : bp;
}

/** The half-year that contains `today`: the one whose rate must be known for interest starting today. */
export function currentHalfYear(today: CalendarDate): CalendarDate {
  return halfYearStartOf(today);
}
