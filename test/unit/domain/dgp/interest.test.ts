import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CalendarDate, calendarDate } from '../../../../shared/domain/calendar';
import {
  ECB_MAIN_REFINANCING_RATES,
  ecbRateForHalfYear,
  halfYearStartOf,
  INTEREST_DAY_COUNT,
  interestCents,
  LATE_PAYMENT_INDEMNITY_CENTS,
  type LateInterestInput,
  lateInterest as lateInterestOf,
} from '../../../../shared/domain/dgp';
import { DomainError } from '../../../../shared/domain/errors';

const d = calendarDate;
const KNOWN = ECB_MAIN_REFINANCING_RATES;
/** The computation with the seed table (the one the database starts with). */
const lateInterest = (input: Omit<LateInterestInput, 'ecbRates'>) => lateInterestOf({ ecbRates: KNOWN, ...input });

function domainErrorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('expected a DomainError');
}

describe('ECB rates as data (CCP R2192-31; décret 2013-269 art. 8)', () => {
  it.each<[string, number]>([
    ['2023-01-01', 250],
    ['2023-07-01', 400],
    ['2024-01-01', 450],
    ['2024-07-01', 425],
    ['2025-01-01', 315],
    ['2025-07-01', 215],
  ])('the MRO rate on %s is %i bp (docs/rules/interest.md)', (date, bp) => {
    expect(ecbRateForHalfYear(d(date), KNOWN)).toBe(bp);
  });

  it.each<[string, number]>([
    ['2025-06-30', 315],
    ['2025-07-01', 215],
    ['2025-12-31', 215],
    ['2024-03-15', 450],
    ['2023-09-30', 400],
  ])('a day in a half-year takes the rate of its first day: %s → %i bp', (date, bp) => {
    expect(ecbRateForHalfYear(d(date), KNOWN)).toBe(bp);
  });

  it.each<[string, string]>([
    ['2025-01-01', '2025-01-01'],
    ['2025-06-30', '2025-01-01'],
    ['2025-07-01', '2025-07-01'],
    ['2025-12-31', '2025-07-01'],
  ])('halfYearStartOf(%s) is %s', (date, start) => {
    expect(halfYearStartOf(d(date))).toBe(start);
  });

  it('an unknown half-year is an error naming it, never a guess (TAUX_BCE_INCONNU)', () => {
    const error = domainErrorOf(() => ecbRateForHalfYear(d('2027-03-15'), KNOWN));
    expect(error.code).toBe('TAUX_BCE_INCONNU');
    expect(error.kind).toBe('CONFLICT');
    expect(error.fields).toContainEqual({ path: 'halfYearStart', message: '2027-01-01' });
  });

  it('reads only the table it is given', () => {
    const table = [{ halfYearStart: d('2027-01-01'), rateBp: 200 }];
    expect(ecbRateForHalfYear(d('2027-03-15'), table)).toBe(200);
    expect(() => ecbRateForHalfYear(d('2025-03-15'), table)).toThrow(DomainError);
  });

  it('the seed table holds only half-year starts, once each, in order', () => {
    const starts = ECB_MAIN_REFINANCING_RATES.map((r) => r.halfYearStart);
    for (const s of starts) expect(s.slice(5)).toMatch(/^(01|07)-01$/);
    expect([...starts].sort()).toEqual(starts);
    expect(new Set(starts).size).toBe(starts.length);
  });
});

describe('intérêts moratoires (CCP L2192-13, R2192-31; D2192-35)', () => {
  it('worked example: PDM to the MOE on Mon 3 March 2025, 30-day DGP, paid 14 April 2025 on 114 000,00 € → 12 days at 11,15 % = 417,90 € + 40 €', () => {
    const result = lateInterest({ echeance: d('2025-04-02'), paidOn: d('2025-04-14'), amountDueCents: 11_400_000 });
    expect(result).toEqual({
      days: 12,
      interestFrom: '2025-04-03',
      halfYearStart: '2025-01-01',
      ecbRateBp: 315,
      rateBp: 1115,
      baseCents: 11_400_000,
      interestCents: 41_790,
      indemnityCents: 4_000,
      totalCents: 45_790,
    });
  });

  it('the base is the amount due TTC minus the retenue de garantie (décret 2013-269 art. 8)', () => {
    const result = lateInterest({
      echeance: d('2025-04-02'),
      paidOn: d('2025-04-14'),
      amountDueCents: 12_000_000,
      retenueGarantieCents: 600_000,
    });
    expect(result?.baseCents).toBe(11_400_000);
    expect(result?.interestCents).toBe(41_790);
  });

  it.each<[string, string, number, number, number, string]>([
    // échéance, paid on, days, rate bp, expected cents (hand-computed on a 114 000 € base), why
    ['2025-06-30', '2025-07-10', 10, 1015, 31_701, 'interest starting 2025-07-01 uses 2,15 % + 8'],
    [
      '2025-06-29',
      '2025-07-10',
      11,
      1115,
      38_307,
      'interest starting 2025-06-30 keeps the 1st half-year rate for every day',
    ],
    ['2024-12-31', '2025-01-01', 1, 1115, 3_482, 'one day, starting on 1 January 2025'],
    ['2024-12-30', '2025-01-01', 2, 1225, 7_652, 'starting 2024-12-31: 4,25 % + 8 for both days'],
  ])(
    'échéance %s, paid %s: %i days at %i bp = %i cents (%s) (CCP R2192-31)',
    (echeance, paidOn, days, rateBp, cents) => {
      const result = lateInterest({ echeance: d(echeance), paidOn: d(paidOn), amountDueCents: 11_400_000 });
      expect(result?.days).toBe(days);
      expect(result?.rateBp).toBe(rateBp);
      expect(result?.interestCents).toBe(cents);
    },
  );

  it('counts the leap day: échéance 28 Feb 2024, paid 1 March 2024 → 2 days', () => {
    expect(lateInterest({ echeance: d('2024-02-28'), paidOn: d('2024-03-01'), amountDueCents: 100_000 })?.days).toBe(2);
  });

  it.each<[CalendarDate, CalendarDate]>([
    [d('2025-04-02'), d('2025-04-02')],
    [d('2025-04-02'), d('2025-03-20')],
  ])('no interest and no indemnity when paid by the échéance (%s, paid %s)', (echeance, paidOn) => {
    expect(lateInterest({ echeance, paidOn, amountDueCents: 11_400_000 })).toBeUndefined();
  });

  it('interest starting in an unknown half-year (2027-01-01) → TAUX_BCE_INCONNU', () => {
    const error = domainErrorOf(() =>
      lateInterest({ echeance: d('2026-12-31'), paidOn: d('2027-01-05'), amountDueCents: 11_400_000 }),
    );
    expect(error.code).toBe('TAUX_BCE_INCONNU');
    expect(error.fields).toContainEqual({ path: 'halfYearStart', message: '2027-01-01' });
  });

  it('the flat indemnity is 40 € per late payment (CCP D2192-35)', () => {
    expect(LATE_PAYMENT_INDEMNITY_CENTS).toBe(4000);
    expect(
      lateInterest({ echeance: d('2025-04-02'), paidOn: d('2025-04-03'), amountDueCents: 0 })?.indemnityCents,
    ).toBe(4000);
  });

  it.each<[string, number, number]>([
    ['amountDueCents', -1, 0],
    ['amountDueCents', 10.5, 0],
    ['retenueGarantieCents', 100, -5],
  ])('refuses a non-integer or negative amount (%s)', (_path, amount, retenue) => {
    const error = domainErrorOf(() =>
      lateInterest({
        echeance: d('2025-04-02'),
        paidOn: d('2025-04-14'),
        amountDueCents: amount,
        retenueGarantieCents: retenue,
      }),
    );
    expect(error.code).toBe('MONTANT_INVALIDE');
  });

  it('refuses a retenue larger than the amount due', () => {
    const error = domainErrorOf(() =>
      lateInterest({
        echeance: d('2025-04-02'),
        paidOn: d('2025-04-14'),
        amountDueCents: 100,
        retenueGarantieCents: 200,
      }),
    );
    expect(error.code).toBe('ASSIETTE_INTERETS_NEGATIVE');
  });
});

describe('interest arithmetic: exact integers, half-up to the cent', () => {
  it('uses a 365-day year (assumption, docs/rules/interest.md)', () => {
    expect(INTEREST_DAY_COUNT).toBe(365);
  });

  it.each<[number, number, number, number]>([
    // base × 1000 bp × 73 days / 3 650 000 = base / 50
    [24, 1000, 73, 0], // 0.48
    [25, 1000, 73, 1], // 0.5 → up
    [26, 1000, 73, 1], // 0.52
    [75, 1000, 73, 2], // 1.5 → up
    [124, 1000, 73, 2], // 2.48
  ])('base %i at %i bp for %i days → %i cents', (base, rate, days, expected) => {
    expect(interestCents(base, rate, days)).toBe(expected);
  });

  it('stays exact where floating point would not: MAX_SAFE_INTEGER cents at 11,15 % for 365 days', () => {
    // 9 007 199 254 740 991 × 0.1115 = 1 004 302 716 903 620.4965 → …620 (a float product rounds to …620.5 → 621)
    expect(interestCents(Number.MAX_SAFE_INTEGER, 1115, 365)).toBe(1_004_302_716_903_620);
  });

  it('takes another day count when asked', () => {
    // 3 600 000 × 1000 bp × 1 day / (10 000 × 360) = 1 000
    expect(interestCents(3_600_000, 1000, 1, 360)).toBe(1000);
    expect(interestCents(3_600_000, 1000, 1)).toBe(986); // 986.30 with 365
  });
});

describe('interest rounding property', () => {
  it('is the exact quotient rounded half-up: |2 × (cents × den − num)| ≤ den, ties up', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000_000 }),
        fc.integer({ min: 0, max: 3_000 }),
        fc.integer({ min: 0, max: 3_650 }),
        (base, rateBp, days) => {
          const num = BigInt(base) * BigInt(rateBp) * BigInt(days);
          const den = 10_000n * 365n;
          const diff = 2n * (BigInt(interestCents(base, rateBp, days)) * den - num);
          expect(diff <= den && diff > -den).toBe(true);
        },
      ),
    );
  });
});
