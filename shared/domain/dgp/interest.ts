import { addDays, type CalendarDate, daysBetween } from '../calendar';
import { DomainError } from '../errors';
import { type EcbRateTable, ecbRateForHalfYear, halfYearStartOf } from './ecb-rates';

/** Points added to the ECB rate: CCP R2192-31; décret 2013-269 art. 8 ("majoré de huit points"). */
export const INTEREST_MARGIN_BP = 800;

/**
 * Day-count denominator of `base × rate × days / INTEREST_DAY_COUNT`.
 * ASSUMPTION H14 (docs/rules/interest.md): the usual practice is 365, leap years included; not read in a text.
 */
export const INTEREST_DAY_COUNT = 365;

/** Indemnité forfaitaire pour frais de recouvrement, per late payment: CCP D2192-35; décret 2013-269 art. 9. */
export const LATE_PAYMENT_INDEMNITY_CENTS = 4000;

export interface LateInterestInput {
  /** Last day of the DGP. */
  readonly echeance: CalendarDate;
  /** Mise en paiement day (or "today" for interest accrued so far). */
  readonly paidOn: CalendarDate;
  /** Amount due TTC, after price revision and penalties, in cents. */
  readonly amountDueCents: number;
  /** Retenue de garantie deducted from the base (décret 2013-269 art. 8), in cents. Default 0. */
  readonly retenueGarantieCents?: number;
  /** The rate table held in the database (never a built-in list). */
  readonly ecbRates: EcbRateTable;
  /** Default INTEREST_DAY_COUNT. */
  readonly dayCount?: number;
}

export interface LateInterest {
  /** Days of interest: from the day after the échéance to the payment day included. */
  readonly days: number;
  /** First day on which interest runs (échéance + 1). */
  readonly interestFrom: CalendarDate;
  /** Half-year whose ECB rate applies. */
  readonly halfYearStart: CalendarDate;
  readonly ecbRateBp: number;
  /** ECB rate + 8 points. */
  readonly rateBp: number;
  readonly baseCents: number;
  readonly interestCents: number;
  readonly indemnityCents: number;
  /** interestCents + indemnityCents. */
  readonly totalCents: number;
}

/** Days of late-payment interest (CCP R2192-31, L2192-13): paidOn − échéance, never negative. */
export function lateDays(echeance: CalendarDate, paidOn: CalendarDate): number {
  return Math.max(0, daysBetween(echeance, paidOn));
}

function assertCents(value: number, path: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new DomainError(
      'MONTANT_INVALIDE',
      `Le montant « ${path} » doit être un nombre entier positif de centimes.`,
      'INVALID',
      [{ path, message: String(value) }],
    );
  }
}

/**
 * `base × rateBp × days / (10 000 × dayCount)`, rounded half-up to the cent, in exact integer arithmetic.
 * Inputs are non-negative integers.
 */
export function interestCents(baseCents: number, rateBp: number, days: number, dayCount = INTEREST_DAY_COUNT): number {
  const numerator = BigInt(baseCents) * BigInt(rateBp) * BigInt(days);
  const denominator = 10_000n * BigInt(dayCount);
  return Number((2n * numerator + denominator) / (2n * denominator));
}

/**
 * Intérêts moratoires and the 40 € indemnity of a payment made after the échéance; `undefined` when on time.
 * Rate: ECB MRO rate on the first day of the calendar half-year in which interest started to run, + 8 points
 * (CCP R2192-31; décret 2013-269 art. 8). Base: amount due TTC − retenue de garantie (décret 2013-269 art. 8).
 */
export function lateInterest(input: LateInterestInput): LateInterest | undefined {
  const days = lateDays(input.echeance, input.paidOn);
  if (days === 0) return undefined;
  const retenue = input.retenueGarantieCents ?? 0;
  assertCents(input.amountDueCents, 'amountDueCents');
  assertCents(retenue, 'retenueGarantieCents');
  const baseCents = input.amountDueCents - retenue;
  if (baseCents < 0) {
    throw new DomainError(
      'ASSIETTE_INTERETS_NEGATIVE',
      'La retenue de garantie dépasse le montant dû : la base des intérêts moratoires serait négative.',
      'INVALID',
      [{ path: 'retenueGarantieCents', message: String(retenue) }],
    );
  }
  const dayCount = input.dayCount ?? INTEREST_DAY_COUNT;
  const interestFrom = addDays(input.echeance, 1);
  const halfYearStart = halfYearStartOf(interestFrom);
  const ecbRateBp = ecbRateForHalfYear(interestFrom, input.ecbRates);
  const rateBp = ecbRateBp + INTEREST_MARGIN_BP;
  const amount = interestCents(baseCents, rateBp, days, dayCount);
  return {
    days,
    interestFrom,
    halfYearStart,
    ecbRateBp,
    rateBp,
    baseCents,
    interestCents: amount,
    indemnityCents: LATE_PAYMENT_INDEMNITY_CENTS,
    totalCents: amount + LATE_PAYMENT_INDEMNITY_CENTS,
  };
}
