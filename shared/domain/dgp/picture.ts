import { addDays, type CalendarDate, daysBetween, maxDate, minDate } from '../calendar';
import type { DgpClock } from './clock';
import { CLOCK_HOLDERS, type ClockHolder } from './effects';
import type { LateInterest } from './interest';

/**
 * The DGP as a picture: which holder had the dossier on which counted day, the suspension as a gap, and the days
 * past the échéance. Pure data derived from the clock and its view; the portal draws it, it computes nothing.
 *
 * Counting (CCAG-T 2014 art. 3.2; décret 2013-269 art. 2): the start day is day 0, so the counted days of a span
 * that runs from day `a` to day `b` are a+1 … b. Every period below gives its first and last counted day, both
 * included, and `days = last − first + 1`.
 */

/** Days a holder had the dossier without interruption, on one side of the échéance. */
export interface DgpPeriod {
  readonly holder: ClockHolder;
  /** First counted day, included. */
  readonly from: CalendarDate;
  /** Last counted day, included. */
  readonly to: CalendarDate;
  readonly days: number;
  /** Days after the échéance: late-payment interest runs on them (CCP R2192-31). */
  readonly late: boolean;
}

/** The days the suspension stopped the clock (CCP R2192-27 to R2192-29). */
export interface DgpGap {
  /** Day after the suspension notification (the notification day itself still counts). */
  readonly from: CalendarDate;
  /** Day the complete answer was received (day 0 of the new delay), or the view's day while still suspended. */
  readonly to: CalendarDate;
  readonly days: number;
  /** The suspension is not over. */
  readonly open: boolean;
}

/** Why no interest amount is shown although the payment is late. */
export interface InterestUnavailable {
  readonly code: string;
  readonly message: string;
}

export interface DgpPicture {
  /** In date order; the days of all periods add up to the view's `daysElapsed`. */
  readonly periods: readonly DgpPeriod[];
  readonly suspension?: DgpGap;
  /** First late day (échéance + 1), when the payment is late. */
  readonly lateSince?: CalendarDate;
  /** Late days each holder had the dossier; they add up to the view's `daysLate`. */
  readonly daysLateBy: Readonly<Record<ClockHolder, number>>;
  /** Late but no interest amount: the plain reason (unknown ECB rate, no amount on the dossier…). */
  readonly interestUnavailable?: InterestUnavailable;
}

/** Late with no piece carrying an amount: interest has no base (CCP R2192-31: base = amount due TTC). */
export const INTEREST_WITHOUT_AMOUNT: InterestUnavailable = {
  code: 'MONTANT_INCONNU',
  message:
    'Aucune pièce du dossier ne porte de montant : les intérêts moratoires ne peuvent pas être calculés (leur base est le montant TTC dû).',
};

/** Counted days (a, b] split at the cut days that fall strictly inside, as [first, last] pairs. */
function split(a: CalendarDate, b: CalendarDate, cuts: readonly CalendarDate[]): [CalendarDate, CalendarDate][] {
  const inside = [...new Set(cuts)].filter((c) => c > a && c < b).sort();
  const bounds = [a, ...inside, b];
  const out: [CalendarDate, CalendarDate][] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const lo = bounds[i]!;
    const hi = bounds[i + 1]!;
    out.push([addDays(lo, 1), hi]);
  }
  return out;
}

/**
 * Late while the buyer does not report the mise en paiement: interest runs to a day nobody reported (décret
 * 2013-269 art. 7), so no amount is shown, never a guessed one.
 */
export const INTEREST_WITHOUT_PAYMENT_DATE: InterestUnavailable = {
  code: 'DATE_PAIEMENT_INCONNUE',
  message:
    "L'acheteur ne remonte pas la mise en paiement : les intérêts moratoires courent jusqu'à une date inconnue ici ; le retard est compté jusqu'au mandatement (au moins).",
};

/** The figures of the clock's view the picture is cut by (`clockView` computes them). */
export interface PictureFacts {
  readonly status: string;
  readonly paymentDateUnknown?: boolean;
  readonly asOf: CalendarDate;
  readonly echeance?: CalendarDate;
  readonly daysLate: number;
  readonly lateInterest?:
    | { readonly ok: true; readonly value: LateInterest }
    | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } };
}

export function dgpPicture(clock: DgpClock, view: PictureFacts): DgpPicture {
  const daysLateBy = Object.fromEntries(CLOCK_HOLDERS.map((h) => [h, 0])) as Record<ClockHolder, number>;
  const start = clock.start;
  if (start === undefined) return { periods: [], daysLateBy };

  const end = maxDate(view.asOf, start);
  const s = clock.suspension;
  // Counted days S+1 … R are suspended: S the notification day, R the day of the complete answer (or `end`).
  const suspendedAfter = s?.on;
  const suspendedUntil = s ? minDate(s.resumedOn ?? end, end) : undefined;
  const echeance = view.status === 'ANNULE' || view.status === 'SUSPENDU' ? undefined : view.echeance;
  const cuts = [suspendedAfter, suspendedUntil, echeance].filter((c): c is CalendarDate => c !== undefined);

  const periods: DgpPeriod[] = [];
  clock.segments.forEach((segment, i) => {
    const a = maxDate(segment.from, start);
    const b = minDate(clock.segments[i + 1]?.from ?? end, end);
    if (b <= a) return;
    for (const [from, to] of split(a, b, cuts)) {
      const suspended =
        suspendedAfter !== undefined && suspendedUntil !== undefined && from > suspendedAfter && to <= suspendedUntil;
      if (suspended) continue;
      const late = echeance !== undefined && from > echeance;
      const days = daysBetween(from, to) + 1;
      if (late) daysLateBy[segment.holder] += days;
      const previous = periods[periods.length - 1];
      if (
        previous &&
        previous.holder === segment.holder &&
        previous.late === late &&
        addDays(previous.to, 1) === from
      ) {
        periods[periods.length - 1] = { ...previous, to, days: previous.days + days };
      } else {
        periods.push({ holder: segment.holder, from, to, days, late });
      }
    }
  });

  const gap: DgpGap | undefined =
    s && suspendedUntil !== undefined && suspendedUntil > s.on
      ? {
          from: addDays(s.on, 1),
          to: suspendedUntil,
          days: daysBetween(s.on, suspendedUntil),
          open: s.resumedOn === undefined,
        }
      : undefined;

  const late = view.daysLate > 0 && view.echeance !== undefined;
  const interestUnavailable = !late
    ? undefined
    : view.paymentDateUnknown
      ? INTEREST_WITHOUT_PAYMENT_DATE
      : view.lateInterest === undefined
        ? INTEREST_WITHOUT_AMOUNT
        : view.lateInterest.ok
          ? undefined
          : { code: view.lateInterest.error.code, message: view.lateInterest.error.message };

  return {
    periods,
    ...(gap ? { suspension: gap } : {}),
    ...(late ? { lateSince: addDays(view.echeance!, 1) } : {}),
    daysLateBy,
    ...(interestUnavailable ? { interestUnavailable } : {}),
  };
}
