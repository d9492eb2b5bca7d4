import { type CalendarDate, calendarDate } from '../calendar';
import { DomainError } from '../errors';
import { pure } from '../pure';

/**
 * ECB main refinancing operations (MRO) rate in force on the first day of a calendar half-year, in basis points
 * (1 % = 100). Used for intérêts moratoires: CCP R2192-31; décret 2013-269 art. 8 (docs/rules/interest.md).
 */
export interface EcbRate {
  /** `YYYY-01-01` or `YYYY-07-01`. */
  readonly halfYearStart: CalendarDate;
  readonly rateBp: number;
}
export type EcbRateTable = readonly EcbRate[];

/**
 * The rates known when this code was written: the SEED of the rate table (shared/seed/ecb-rates.ts writes them once
 * into the database, source `AMORCE`). Interest is always computed from the table held in the database
 * (docs/ecb-rates.md), which the scheduled fetch, the CSV import and the operator API keep current; nothing reads
 * this list at run time. 2015–2022: MRO 0.05 % from 2014-09-10, 0.00 % from 2016-03-16 until 2022-07-27.
 * 2023–2025: the ECB's published key rates. 2026-H1: see the row.
 * Built in `pure`, so that a bundle which does not seed the table leaves it out (`calendarDate` checks each date
 * when called; docs/DESIGN.md#what-a-cold-start-pays).
 */
export const ECB_MAIN_REFINANCING_RATES: EcbRateTable = /* @__PURE__ */ pure(() => [
  { halfYearStart: calendarDate('2015-01-01'), rateBp: 5 },
  { halfYearStart: calendarDate('2015-07-01'), rateBp: 5 },
  { halfYearStart: calendarDate('2016-01-01'), rateBp: 5 },
  { halfYearStart: calendarDate('2016-07-01'), rateBp: 0 },
  { halfYearStart: calendarDate('2017-01-01'), rateBp: 0 },
  { halfYearStart: calendarDate('2017-07-01'), rateBp: 0 },
  { halfYearStart: calendarDate('2018-01-01'), rateBp: 0 },
  { halfYearStart: calendarDate('2018-07-01'), rateBp: 0 },
  { halfYearStart: calendarDate('2019-01-01'), rateBp: 0 },
  { halfYearStart: calendarDate('2019-07-01'), rateBp: 0 },
  { halfYearStart: calendarDate('2020-01-01'), rateBp: 0 },
  { halfYearStart: calendarDate('2020-07-01'), rateBp: 0 },
  { halfYearStart: calendarDate('2021-01-01'), rateBp: 0 },
  { halfYearStart: calendarDate('2021-07-01'), rateBp: 0 },
  { halfYearStart: calendarDate('2022-01-01'), rateBp: 0 },
  { halfYearStart: calendarDate('2022-07-01'), rateBp: 0 },
  { halfYearStart: calendarDate('2023-01-01'), rateBp: 250 },
  { halfYearStart: calendarDate('2023-07-01'), rateBp: 400 },
  { halfYearStart: calendarDate('2024-01-01'), rateBp: 450 },
  { halfYearStart: calendarDate('2024-07-01'), rateBp: 425 },
  { halfYearStart: calendarDate('2025-01-01'), rateBp: 315 },
  { halfYearStart: calendarDate('2025-07-01'), rateBp: 215 },
  // MRO 2.15 % since 2025-06-11, unchanged by the decisions of 24 July, 11 September, 30 October and 18 December
  // 2025. To verify against the ECB's published key rates, like every row.
  { halfYearStart: calendarDate('2026-01-01'), rateBp: 215 },
]);

/** First day of the calendar half-year containing `date` (1 January or 1 July). */
export function halfYearStartOf(date: CalendarDate): CalendarDate {
  const month = Number(date.slice(5, 7));
  return calendarDate(`${date.slice(0, 4)}-${month <= 6 ? '01' : '07'}-01`);
}

/** French name of a half-year, for messages: "1er semestre 2027". */
export function halfYearLabel(date: CalendarDate): string {
  const start = halfYearStartOf(date);
  return `${start.slice(5, 7) === '01' ? '1er' : '2e'} semestre ${start.slice(0, 4)}`;
}

/**
 * ECB MRO rate (basis points) in force on the first day of the half-year containing `date`
 * (CCP R2192-31; décret 2013-269 art. 8). Unknown half-year → DomainError TAUX_BCE_INCONNU.
 */
export function ecbRateForHalfYear(date: CalendarDate, table: EcbRateTable): number {
  const start = halfYearStartOf(date);
  const entry = table.find((r) => r.halfYearStart === start);
  if (!entry) {
    throw new DomainError(
      'TAUX_BCE_INCONNU',
      `Le taux de refinancement de la BCE au ${start} (${halfYearLabel(date)}) n'est pas encore enregistré : ` +
        "les intérêts moratoires seront calculés dès qu'un opérateur de la plateforme l'aura enregistré " +
        '(relevé automatique auprès de la BCE, import du fichier CSV de la BCE ou saisie).',
      'CONFLICT',
      [{ path: 'halfYearStart', message: start }],
    );
  }
  return entry.rateBp;
}
