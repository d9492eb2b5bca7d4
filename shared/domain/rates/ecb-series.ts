import { addDays, type CalendarDate } from '../calendar';
import { halfYearStartOf } from '../dgp/ecb-rates';
import { DomainError } from '../errors';
import type { EcbRateEntry, EcbRateSource } from './ecb-rate';

/**
 * From the ECB series to half-year rates. The series the ECB Data Portal publishes for the MRO fixed rate,
 * `FM.D.U2.EUR.4F.KR.MRR_FR.LEV`, holds one observation per **change** (the day a new rate takes effect). The rate in
 * force on 1 January / 1 July is therefore the value of the latest change dated on or before that day.
 *
 * Never carried over: a half-year is derived only when the series is known to cover its first day, i.e. when the
 * extract was taken on or after it (`coveredUntil`: the day of the fetch or of the export) and the series starts
 * before it. A half-year after `coveredUntil` is left out, whatever the last value says.
 */
export interface EcbObservation {
  /** The day this value took effect. */
  readonly date: CalendarDate;
  readonly rateBp: number;
}

export interface HalfYearRatesOptions {
  readonly coveredUntil: CalendarDate;
  readonly source: EcbRateSource;
  readonly reference?: string;
  /** Oldest half-year to derive (default: the first one the series covers). */
  readonly from?: CalendarDate;
}

/** Same-day observations must agree; they are deduplicated and sorted by date. */
export function normalizeObservations(observations: readonly EcbObservation[]): EcbObservation[] {
  const byDate = new Map<string, EcbObservation>();
  for (const o of observations) {
    const seen = byDate.get(o.date);
    if (seen && seen.rateBp !== o.rateBp) {
      throw new DomainError(
        'TAUX_BCE_SERIE_INCOHERENTE',
        `La série donne deux taux différents pour le ${o.date} (${seen.rateBp} et ${o.rateBp} points de base) : rien n'a été enregistré.`,
        'INVALID',
        [{ path: o.date, message: `${seen.rateBp} ≠ ${o.rateBp}` }],
      );
    }
    byDate.set(o.date, o);
  }
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

function nextHalfYear(start: CalendarDate): CalendarDate {
  return halfYearStartOf(addDays(start, 190));
}

/** The half-year rates the observations establish (oldest first). Empty series → TAUX_BCE_REPONSE_VIDE. */
export function halfYearRatesFrom(observations: readonly EcbObservation[], opts: HalfYearRatesOptions): EcbRateEntry[] {
  const obs = normalizeObservations(observations);
  const first = obs[0];
  if (!first) {
    throw new DomainError(
      'TAUX_BCE_REPONSE_VIDE',
      "La série de la BCE ne contient aucune observation : rien n'a été enregistré. Vérifiez la clé de série et la période demandées.",
      'INVALID',
    );
  }
  const out: EcbRateEntry[] = [];
  // First half-year whose first day the series covers (a change on that very day counts).
  let h = first.date === halfYearStartOf(first.date) ? first.date : nextHalfYear(halfYearStartOf(first.date));
  if (opts.from !== undefined && opts.from > h) h = halfYearStartOf(opts.from);
  let i = 0;
  while (h <= opts.coveredUntil) {
    while (i + 1 < obs.length && obs[i + 1]!.date <= h) i++;
    const inForce = obs[i]!;
    out.push({
      halfYearStart: h,
      rateBp: inForce.rateBp,
      source: opts.source,
      effectiveSince: inForce.date,
      ...(opts.reference !== undefined ? { reference: opts.reference } : {}),
    });
    h = nextHalfYear(h);
  }
  return out;
}
