import { describe, expect, it } from 'vitest';
import { calendarDate } from '../../../../shared/domain/calendar';
import {
  applyClockEffect,
  applyClockEffects,
  type ClockEffect,
  clockView,
  DGP_EXTENDED_TO_WORKING_DAY,
  type DgpClock,
  ECB_MAIN_REFINANCING_RATES,
  newDgpClock,
} from '../../../../shared/domain/dgp';
import { DomainError } from '../../../../shared/domain/errors';

const d = calendarDate;

const start = (on: string, holder: 'MOE' | 'MOA' | 'SERVICE_FINANCIER' = 'MOE'): ClockEffect => ({
  kind: 'START',
  on: d(on),
  holder,
});
const handOver = (on: string, holder: 'MOE' | 'MOA' | 'SERVICE_FINANCIER'): ClockEffect => ({
  kind: 'HAND_OVER',
  on: d(on),
  holder,
});
const suspend = (on: string, missingDocuments = ['attestation de TVA']): ClockEffect => ({
  kind: 'SUSPEND',
  on: d(on),
  missingDocuments,
});
const resume = (on: string): ClockEffect => ({ kind: 'RESUME', on: d(on) });
const pay = (on: string): ClockEffect => ({ kind: 'PAY', on: d(on) });
const cancel = (on: string): ClockEffect => ({ kind: 'CANCEL', on: d(on), reason: 'mauvais destinataire' });

function clock(dgpJours: number, ...effects: ClockEffect[]): DgpClock {
  return applyClockEffects(newDgpClock({ kind: 'ACOMPTE_MENSUEL', dgpJours }), effects);
}

function codeOf(fn: () => unknown): { code: string; kind: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return { code: (e as DomainError).code, kind: (e as DomainError).kind };
  }
  throw new Error('expected a DomainError');
}

describe('DGP clock: start and échéance (docs/rules/dgp.md#start)', () => {
  it('worked example: PDM made available to the MOE on Mon 3 March 2025, 30-day DGP → échéance 2 April 2025 (CCP R2192-12, R2192-15)', () => {
    const c = clock(30, start('2025-03-03'));
    expect(c.start).toBe('2025-03-03');
    expect(c.echeance).toBe('2025-04-02');
    expect(c.segments).toEqual([{ holder: 'MOE', from: '2025-03-03' }]);
  });

  it.each<[number, string, string]>([
    [30, '2025-01-15', '2025-02-14'],
    [50, '2025-01-15', '2025-03-06'],
    [60, '2024-01-15', '2024-03-15'], // leap year
  ])('%i-day DGP from %s → échéance %s (CCP R2192-10, R2192-11)', (days, on, echeance) => {
    expect(clock(days, start(on)).echeance).toBe(echeance);
  });

  it('the DGP is not moved to a working day by default (assumption DGP_EXTENDED_TO_WORKING_DAY = false)', () => {
    expect(DGP_EXTENDED_TO_WORKING_DAY).toBe(false);
    // 2025-03-06 + 30 = Saturday 5 April 2025
    expect(clock(30, start('2025-03-06')).echeance).toBe('2025-04-05');
    const extended = applyClockEffect(
      newDgpClock({ kind: 'ACOMPTE_MENSUEL', dgpJours: 30, extendToWorkingDay: true }),
      start('2025-03-06'),
    );
    expect(extended.echeance).toBe('2025-04-07');
  });

  it.each([0, 61, 30.5, -30])('refuses a DGP of %s days (DGP_JOURS_INVALIDE)', (days) => {
    expect(codeOf(() => newDgpClock({ kind: 'SOLDE', dgpJours: days })).code).toBe('DGP_JOURS_INVALIDE');
  });

  it('a second START is refused (DGP_DEJA_DEMARRE)', () => {
    expect(codeOf(() => clock(30, start('2025-03-03'), start('2025-03-04')))).toEqual({
      code: 'DGP_DEJA_DEMARRE',
      kind: 'CONFLICT',
    });
  });

  it.each<[string, ClockEffect]>([
    ['HAND_OVER', handOver('2025-03-03', 'MOA')],
    ['SUSPEND', suspend('2025-03-03')],
    ['RESUME', resume('2025-03-03')],
    ['PAY', pay('2025-03-03')],
    ['CANCEL', cancel('2025-03-03')],
  ])('%s before START is refused (DGP_NON_DEMARRE)', (_kind, effect) => {
    expect(codeOf(() => clock(30, effect))).toEqual({ code: 'DGP_NON_DEMARRE', kind: 'CONFLICT' });
  });

  it('an effect dated before the previous one is refused (DGP_EFFET_ANTERIEUR)', () => {
    expect(codeOf(() => clock(30, start('2025-03-03'), handOver('2025-03-10', 'MOA'), pay('2025-03-09'))).code).toBe(
      'DGP_EFFET_ANTERIEUR',
    );
  });

  it('is plain data that survives JSON', () => {
    const c = clock(30, start('2025-03-03'), handOver('2025-03-05', 'MOA'), suspend('2025-03-06'));
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
    expect('echeance' in c).toBe(false);
  });
});

describe('DGP suspension (CCP R2192-27 to R2192-29)', () => {
  it('remaining 10 days → the new delay is 30 days from the complete answer (CCP R2192-29)', () => {
    const c = clock(30, start('2025-03-03'), suspend('2025-03-23'), resume('2025-03-28'));
    expect(c.suspension).toMatchObject({
      on: '2025-03-23',
      resumedOn: '2025-03-28',
      daysLeftAtSuspension: 10,
      newDelayDays: 30,
      echeanceBeforeSuspension: '2025-04-02',
    });
    expect(c.echeance).toBe('2025-04-27');
  });

  it('remaining 45 days on a 60-day DGP → the new delay is 45 days (CCP R2192-29)', () => {
    const c = clock(60, start('2025-03-03'), suspend('2025-03-18'), resume('2025-03-25'));
    expect(c.suspension?.daysLeftAtSuspension).toBe(45);
    expect(c.suspension?.newDelayDays).toBe(45);
    expect(c.echeance).toBe('2025-05-09');
  });

  it('a suspension on the échéance day leaves 0 days → 30 days after the answer', () => {
    const c = clock(30, start('2025-03-03'), suspend('2025-04-02'), resume('2025-04-10'));
    expect(c.suspension?.daysLeftAtSuspension).toBe(0);
    expect(c.echeance).toBe('2025-05-10');
  });

  it('while suspended there is no échéance and the view freezes the days left', () => {
    const c = clock(30, start('2025-03-03'), suspend('2025-03-23', ['DC4', 'attestation URSSAF']));
    expect(c.echeance).toBeUndefined();
    expect(c.suspension?.missingDocuments).toEqual(['DC4', 'attestation URSSAF']);
    const view = clockView(c, d('2025-04-20'));
    expect(view.status).toBe('SUSPENDU');
    expect(view.suspended).toBe(true);
    expect(view.daysLeft).toBe(10);
    expect(view.daysLate).toBe(0);
    expect(view.daysElapsed).toBe(20);
    expect(view.daysSuspended).toBe(28);
  });

  it.each<[string, ClockEffect[]]>([
    ['while suspended', [start('2025-03-03'), suspend('2025-03-10'), suspend('2025-03-12')]],
    ['after the answer', [start('2025-03-03'), suspend('2025-03-10'), resume('2025-03-12'), suspend('2025-03-20')]],
  ])('a second suspension is refused %s (CCP R2192-27: DGP_SUSPENSION_DEJA_UTILISEE)', (_when, effects) => {
    expect(codeOf(() => clock(30, ...effects))).toEqual({ code: 'DGP_SUSPENSION_DEJA_UTILISEE', kind: 'CONFLICT' });
  });

  it('a suspension after the payment is refused (DGP_DEJA_PAYE)', () => {
    expect(codeOf(() => clock(30, start('2025-03-03'), pay('2025-03-20'), suspend('2025-03-21')))).toEqual({
      code: 'DGP_DEJA_PAYE',
      kind: 'CONFLICT',
    });
  });

  it('a suspension must list the missing documents (CCP R2192-28: DGP_SUSPENSION_SANS_PIECES)', () => {
    expect(codeOf(() => clock(30, start('2025-03-03'), suspend('2025-03-10', []))).code).toBe(
      'DGP_SUSPENSION_SANS_PIECES',
    );
  });

  it('a delay that has run out cannot be suspended (DGP_SUSPENSION_APRES_ECHEANCE)', () => {
    expect(codeOf(() => clock(30, start('2025-03-03'), suspend('2025-04-03'))).code).toBe(
      'DGP_SUSPENSION_APRES_ECHEANCE',
    );
  });

  it.each<[string, ClockEffect[]]>([
    ['without a suspension', [start('2025-03-03'), resume('2025-03-10')]],
    ['twice', [start('2025-03-03'), suspend('2025-03-05'), resume('2025-03-10'), resume('2025-03-11')]],
  ])('RESUME %s is refused (DGP_NON_SUSPENDU)', (_when, effects) => {
    expect(codeOf(() => clock(30, ...effects)).code).toBe('DGP_NON_SUSPENDU');
  });
});

describe('DGP stop: payment and cancellation', () => {
  it('PAY stops the clock; any later effect is refused (DGP_DEJA_PAYE)', () => {
    const paid = clock(30, start('2025-03-03'), pay('2025-03-20'));
    expect(paid.paidOn).toBe('2025-03-20');
    for (const effect of [
      handOver('2025-03-21', 'MOA'),
      pay('2025-03-22'),
      cancel('2025-03-22'),
      resume('2025-03-22'),
    ]) {
      expect(codeOf(() => applyClockEffect(paid, effect)).code).toBe('DGP_DEJA_PAYE');
    }
  });

  it('CANCEL (refused dossier) stops the clock; nothing is late after it (DGP_ANNULE)', () => {
    const cancelled = clock(30, start('2025-03-03'), cancel('2025-03-10'));
    expect(cancelled.cancelled).toEqual({ on: '2025-03-10', reason: 'mauvais destinataire' });
    expect(codeOf(() => applyClockEffect(cancelled, pay('2025-03-12'))).code).toBe('DGP_ANNULE');
    const view = clockView(cancelled, d('2025-06-01'), { amountDueCents: 1_000_000 });
    expect(view.status).toBe('ANNULE');
    expect(view.asOf).toBe('2025-03-10');
    expect(view.daysElapsed).toBe(7);
    expect(view.daysLate).toBe(0);
    expect(view.indemnityCents).toBe(0);
    expect(view.lateInterest).toBeUndefined();
  });
});

describe('days per actor (docs/rules/dgp.md#holders)', () => {
  it('MOE → MOA → SERVICE_FINANCIER hand-overs, paid on time', () => {
    const c = clock(
      30,
      start('2025-03-03', 'MOE'),
      handOver('2025-03-10', 'MOA'),
      handOver('2025-03-20', 'SERVICE_FINANCIER'),
      pay('2025-03-28'),
    );
    const view = clockView(c, d('2025-04-10'));
    expect(view.status).toBe('PAYE');
    expect(view.asOf).toBe('2025-03-28');
    expect(view.daysUsedBy).toEqual({ MOE: 7, MOA: 10, SERVICE_FINANCIER: 8 });
    expect(view.daysElapsed).toBe(25);
    expect(view.daysLeft).toBe(5);
    expect(view.daysLate).toBe(0);
    expect(view.indemnityCents).toBe(0);
  });

  it('days in suspension go to nobody (CCP R2192-27)', () => {
    const c = clock(
      30,
      start('2025-03-03', 'MOE'),
      handOver('2025-03-10', 'MOA'),
      handOver('2025-03-20', 'SERVICE_FINANCIER'),
      suspend('2025-03-22'),
      resume('2025-03-25'),
      pay('2025-03-28'),
    );
    const view = clockView(c, d('2025-03-28'));
    expect(view.daysUsedBy).toEqual({ MOE: 7, MOA: 10, SERVICE_FINANCIER: 5 });
    expect(view.daysSuspended).toBe(3);
    expect(view.daysElapsed).toBe(22);
    expect(c.echeance).toBe('2025-04-24'); // 11 days left → 30 from 25 March
  });

  it('a hand-over during the suspension splits the days around it', () => {
    const c = clock(
      30,
      start('2025-03-03', 'MOE'),
      handOver('2025-03-10', 'MOA'),
      suspend('2025-03-12'),
      handOver('2025-03-14', 'SERVICE_FINANCIER'),
      resume('2025-03-20'),
    );
    const view = clockView(c, d('2025-03-25'));
    expect(view.status).toBe('EN_COURS');
    expect(view.holder).toBe('SERVICE_FINANCIER');
    expect(view.daysUsedBy).toEqual({ MOE: 7, MOA: 2, SERVICE_FINANCIER: 5 });
    expect(view.daysSuspended).toBe(8);
    expect(view.daysElapsed).toBe(14);
    expect(view.echeance).toBe('2025-04-19'); // 21 days left at 12 March → 30 from 20 March
    expect(view.daysLeft).toBe(25);
  });

  it('a clock not started shows nothing used', () => {
    const view = clockView(newDgpClock({ kind: 'SOLDE', dgpJours: 30 }), d('2025-03-25'));
    expect(view.status).toBe('NON_DEMARRE');
    expect(view.daysUsedBy).toEqual({ MOE: 0, MOA: 0, SERVICE_FINANCIER: 0 });
    expect(view.start).toBeUndefined();
  });
});

describe('clock view: late payment (CCP R2192-31, D2192-35)', () => {
  const workedExample = [
    start('2025-03-03', 'MOE'),
    handOver('2025-03-07', 'MOA'),
    handOver('2025-03-20', 'SERVICE_FINANCIER'),
  ];

  it('worked example: paid 14 April 2025 on 114 000,00 € net → 12 days at 11,15 % = 417,90 € + 40 €', () => {
    const c = clock(30, ...workedExample, pay('2025-04-14'));
    const view = clockView(c, d('2025-04-20'), {
      amountDueCents: 12_000_000,
      retenueGarantieCents: 600_000,
      ecbRates: ECB_MAIN_REFINANCING_RATES,
    });
    expect(view.echeance).toBe('2025-04-02');
    expect(view.echeanceEndsAt?.toISOString()).toBe('2025-04-02T22:00:00.000Z');
    expect(view.daysLate).toBe(12);
    expect(view.daysLeft).toBe(0);
    expect(view.indemnityCents).toBe(4000);
    expect(view.lateInterest).toMatchObject({
      ok: true,
      value: { days: 12, rateBp: 1115, ecbRateBp: 315, baseCents: 11_400_000, interestCents: 41_790 },
    });
    // Who held it: MOE 3–6 March, MOA 7–19 March, service financier 20 March – 13 April.
    expect(view.daysUsedBy).toEqual({ MOE: 4, MOA: 13, SERVICE_FINANCIER: 25 });
    expect(view.daysElapsed).toBe(42);
  });

  it('unpaid and late: interest accrues up to today included', () => {
    const view = clockView(clock(30, ...workedExample), d('2025-04-14'), {
      amountDueCents: 11_400_000,
      ecbRates: ECB_MAIN_REFINANCING_RATES,
    });
    expect(view.status).toBe('EN_COURS');
    expect(view.daysLate).toBe(12);
    expect(view.lateInterest).toMatchObject({ ok: true, value: { interestCents: 41_790 } });
  });

  it('without an amount, days late and the indemnity are still given', () => {
    const view = clockView(clock(30, ...workedExample), d('2025-04-14'));
    expect(view.daysLate).toBe(12);
    expect(view.indemnityCents).toBe(4000);
    expect(view.lateInterest).toBeUndefined();
  });

  it('on time on the échéance day itself (the DGP ends at midnight of its last day)', () => {
    const view = clockView(clock(30, ...workedExample, pay('2025-04-02')), d('2025-04-20'), {
      amountDueCents: 11_400_000,
      ecbRates: ECB_MAIN_REFINANCING_RATES,
    });
    expect(view.daysLate).toBe(0);
    expect(view.daysLeft).toBe(0);
    expect(view.indemnityCents).toBe(0);
    expect(view.lateInterest).toBeUndefined();
  });

  it('an unknown ECB half-year is reported in the view, not thrown (TAUX_BCE_INCONNU)', () => {
    // 2026-12-02 + 30 = 2027-01-01; interest from 2027-01-02 (1st half-year 2027, unknown)
    const view = clockView(clock(30, start('2026-12-02')), d('2027-01-10'), { amountDueCents: 11_400_000 });
    expect(view.daysLate).toBe(9);
    expect(view.indemnityCents).toBe(4000);
    expect(view.lateInterest?.ok).toBe(false);
    if (view.lateInterest?.ok === false) expect(view.lateInterest.error.code).toBe('TAUX_BCE_INCONNU');
  });

  it('uses the ECB table passed in', () => {
    const view = clockView(clock(30, start('2026-12-02')), d('2027-01-10'), {
      amountDueCents: 3_650_000,
      ecbRates: [{ halfYearStart: d('2027-01-01'), rateBp: 200 }],
    });
    // 3 650 000 × 1000 bp × 9 / 3 650 000 = 9 000
    expect(view.lateInterest).toMatchObject({ ok: true, value: { rateBp: 1000, interestCents: 9000 } });
  });
});
