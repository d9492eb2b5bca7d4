import { type CalendarDate, daysBetween, endOfParisDay, maxDate, minDate } from '../calendar';
import { isDomainError, type Validation } from '../errors';
import type { DgpClock, DgpSuspension } from './clock';
import type { EcbRateTable } from './ecb-rates';
import { CLOCK_HOLDERS, type ClockHolder } from './effects';
import { LATE_PAYMENT_INDEMNITY_CENTS, type LateInterest, lateInterest } from './interest';
import { type DgpPicture, dgpPicture } from './picture';

/** PAIEMENT_NON_REMONTE: mandated, and the buyer does not report the mise en paiement (its day is unknown). */
export type DgpStatus = 'NON_DEMARRE' | 'EN_COURS' | 'SUSPENDU' | 'PAYE' | 'PAIEMENT_NON_REMONTE' | 'ANNULE';

export interface ClockViewOptions {
  /** Amount due TTC in cents; without it no interest amount is computed (days late and indemnity still are). */
  readonly amountDueCents?: number;
  readonly retenueGarantieCents?: number;
  /** The rate table held in the database; without it every half-year is unknown (TAUX_BCE_INCONNU). */
  readonly ecbRates?: EcbRateTable;
}

export interface DgpClockView {
  readonly status: DgpStatus;
  /** The day the figures are computed for: the payment or cancellation day once stopped, otherwise today. */
  readonly asOf: CalendarDate;
  readonly start?: CalendarDate;
  readonly echeance?: CalendarDate;
  /** The instant the DGP runs out: 24h00 Paris on the échéance (CCAG-T 2014 art. 3.2 counting). */
  readonly echeanceEndsAt?: Date;
  /** The mise en paiement day; null while unpaid, and when the buyer does not report it (never guessed). */
  readonly paidOn: CalendarDate | null;
  /** The buyer does not report the mise en paiement: `paidOn` stays null, `daysLate` counts to the mandatement. */
  readonly paymentDateUnknown: boolean;
  /** Who holds the dossier on `asOf`. */
  readonly holder?: ClockHolder;
  readonly suspended: boolean;
  readonly suspension?: DgpSuspension;
  /** Days from start to `asOf`, suspension excluded. */
  readonly daysElapsed: number;
  readonly daysSuspended: number;
  /** Days each holder used; days in suspension go to nobody; the values add up to `daysElapsed`. */
  readonly daysUsedBy: Readonly<Record<ClockHolder, number>>;
  /** Days before the échéance (frozen at the suspension day while suspended); 0 when late. */
  readonly daysLeft: number;
  /**
   * Days after the échéance up to the payment day (or today if unpaid; the mandatement day, a lower bound, when the
   * payment day is unknown); 0 when on time.
   */
  readonly daysLate: number;
  /** 40 € per late payment (CCP D2192-35), 0 when on time. */
  readonly indemnityCents: number;
  /**
   * Intérêts moratoires when late and `amountDueCents` was given; an unknown ECB rate is reported, not thrown. Not
   * computed when the payment day is unknown: they run to the mise en paiement, which nobody reported.
   */
  readonly lateInterest?: Validation<LateInterest>;
  /** The same figures day by day: holders' periods, the suspension gap, the late days (see picture.ts). */
  readonly picture: DgpPicture;
}

function zeroByHolder(): Record<ClockHolder, number> {
  return Object.fromEntries(CLOCK_HOLDERS.map((h) => [h, 0])) as Record<ClockHolder, number>;
}

/** Days of [a, b) that fall inside [c, d). */
function overlapDays(a: CalendarDate, b: CalendarDate, c: CalendarDate, d: CalendarDate): number {
  const from = maxDate(a, c);
  const to = minDate(b, d);
  return Math.max(0, daysBetween(from, to));
}

function statusOf(clock: DgpClock): DgpStatus {
  if (clock.start === undefined) return 'NON_DEMARRE';
  if (clock.paidOn !== undefined) return 'PAYE';
  if (clock.paymentUnreportedFrom !== undefined) return 'PAIEMENT_NON_REMONTE';
  if (clock.cancelled !== undefined) return 'ANNULE';
  if (clock.suspension !== undefined && clock.suspension.resumedOn === undefined) return 'SUSPENDU';
  return 'EN_COURS';
}

/**
 * What the clock says on `today` (docs/rules/dgp.md). `today` is expected on or after the clock's last effect;
 * an earlier day only clips the day counts.
 */
export function clockView(clock: DgpClock, today: CalendarDate, opts: ClockViewOptions = {}): DgpClockView {
  const status = statusOf(clock);
  const daysUsedBy = zeroByHolder();
  const start = clock.start;
  if (start === undefined) {
    const facts = { status, asOf: today, daysLate: 0 };
    return {
      ...facts,
      paidOn: null,
      paymentDateUnknown: false,
      picture: dgpPicture(clock, facts),
      suspended: false,
      daysElapsed: 0,
      daysSuspended: 0,
      daysUsedBy,
      daysLeft: 0,
      indemnityCents: 0,
    };
  }

  const stoppedOn = clock.paidOn ?? clock.paymentUnreportedFrom ?? clock.cancelled?.on;
  const asOf = stoppedOn !== undefined && stoppedOn < today ? stoppedOn : today;
  const end = maxDate(asOf, start);
  const suspension = clock.suspension;
  const suspendedFrom = suspension?.on;
  const suspendedTo = suspension?.resumedOn ?? end;

  let holder: ClockHolder | undefined;
  clock.segments.forEach((segment, i) => {
    const next = clock.segments[i + 1]?.from ?? end;
    const from = maxDate(segment.from, start);
    const to = minDate(next, end);
    const span = Math.max(0, daysBetween(from, to));
    const suspendedPart = suspendedFrom === undefined ? 0 : overlapDays(from, to, suspendedFrom, suspendedTo);
    daysUsedBy[segment.holder] += span - suspendedPart;
    if (segment.from <= end) holder = segment.holder;
  });
  const daysSuspended = suspendedFrom === undefined ? 0 : overlapDays(start, end, suspendedFrom, suspendedTo);
  const daysElapsed = daysBetween(start, end) - daysSuspended;

  const echeance = clock.echeance;
  let daysLeft = 0;
  let daysLate = 0;
  if (status === 'SUSPENDU') {
    daysLeft = suspension!.daysLeftAtSuspension;
  } else if (status !== 'ANNULE' && echeance !== undefined) {
    daysLeft = Math.max(0, daysBetween(end, echeance));
    daysLate = Math.max(0, daysBetween(echeance, end));
  }

  let interest: Validation<LateInterest> | undefined;
  const paymentDateUnknown = status === 'PAIEMENT_NON_REMONTE';
  if (daysLate > 0 && echeance !== undefined && opts.amountDueCents !== undefined && !paymentDateUnknown) {
    try {
      const value = lateInterest({
        echeance,
        paidOn: end,
        amountDueCents: opts.amountDueCents,
        retenueGarantieCents: opts.retenueGarantieCents,
        ecbRates: opts.ecbRates ?? [],
      });
      interest = value === undefined ? undefined : { ok: true, value };
    } catch (e) {
      if (!isDomainError(e)) throw e;
      interest = { ok: false, error: e };
    }
  }

  const view = {
    status,
    asOf,
    start,
    ...(echeance !== undefined ? { echeance, echeanceEndsAt: endOfParisDay(echeance) } : {}),
    paidOn: clock.paidOn ?? null,
    paymentDateUnknown,
    ...(holder !== undefined ? { holder } : {}),
    suspended: status === 'SUSPENDU',
    ...(suspension !== undefined ? { suspension } : {}),
    daysElapsed,
    daysSuspended,
    daysUsedBy,
    daysLeft,
    daysLate,
    indemnityCents: daysLate > 0 ? LATE_PAYMENT_INDEMNITY_CENTS : 0,
    ...(interest !== undefined ? { lateInterest: interest } : {}),
  };
  return { ...view, picture: dgpPicture(clock, view) };
}
