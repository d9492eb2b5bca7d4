import { describe, expect, it } from 'vitest';
import { type CalendarDate, calendarDate } from '../../../../shared/domain/calendar';
import {
  applyClockEffects,
  type ClockEffect,
  type ClockViewOptions,
  clockView,
  dgpPicture,
  ECB_MAIN_REFINANCING_RATES,
  newDgpClock,
} from '../../../../shared/domain/dgp';

const d = calendarDate;
type Holder = 'MOE' | 'MOA' | 'SERVICE_FINANCIER';
const start = (on: string, holder: Holder = 'MOE'): ClockEffect => ({ kind: 'START', on: d(on), holder });
const handOver = (on: string, holder: Holder): ClockEffect => ({ kind: 'HAND_OVER', on: d(on), holder });
const suspend = (on: string): ClockEffect => ({ kind: 'SUSPEND', on: d(on), missingDocuments: ['attestation'] });
const resume = (on: string): ClockEffect => ({ kind: 'RESUME', on: d(on) });
const pay = (on: string): ClockEffect => ({ kind: 'PAY', on: d(on) });
const cancel = (on: string): ClockEffect => ({ kind: 'CANCEL', on: d(on), reason: 'mauvais destinataire' });

function picture(effects: ClockEffect[], today: string, opts: ClockViewOptions = {}, dgpJours = 30) {
  const clock = applyClockEffects(newDgpClock({ kind: 'ACOMPTE_MENSUEL', dgpJours }), effects);
  const view = clockView(clock, d(today), opts);
  return { view, picture: dgpPicture(clock, view) };
}

const period = (holder: Holder, from: string, to: string, days: number, late = false) => ({
  holder,
  from: from as CalendarDate,
  to: to as CalendarDate,
  days,
  late,
});

describe('DGP picture: who held the dossier on which counted day (CCAG-T art. 3.2 counting, CCP R2192-27..31)', () => {
  it('nothing to draw before the delay starts', () => {
    const { picture: p } = picture([], '2025-03-03');
    expect(p).toEqual({ periods: [], daysLateBy: { MOE: 0, MOA: 0, SERVICE_FINANCIER: 0 } });
  });

  it('running on time: day 0 is not counted, a hand-over day counts for the one who hands over', () => {
    // start Mon 3 March 2025 (day 0); MOA from 8 March; today 10 March.
    // MOE: 4..8 March = 5 days; MOA: 9..10 March = 2 days; 5 + 2 = 7 = daysBetween(3 March, 10 March).
    const { view, picture: p } = picture([start('2025-03-03'), handOver('2025-03-08', 'MOA')], '2025-03-10');
    expect(p.periods).toEqual([
      period('MOE', '2025-03-04', '2025-03-08', 5),
      period('MOA', '2025-03-09', '2025-03-10', 2),
    ]);
    expect(view.daysElapsed).toBe(7);
    expect(p.lateSince).toBeUndefined();
    expect(p.suspension).toBeUndefined();
    expect(p.interestUnavailable).toBeUndefined();
  });

  it('suspended then paid late: the gap, the new échéance, the late days and who held them', () => {
    // 30-day DGP from Mon 3 March 2025 (échéance 2 April). MOE 4..8 March (5), MOA 9..13 March (5),
    // service financier from 14 March; suspension notified 18 March (14..18 March = 5 days counted).
    // Days left at the suspension: 18 March → 2 April = 13 + 2 = 15; new delay max(30, 15) = 30 (CCP R2192-29).
    // Complete answer 28 March: gap = 19..28 March = 10 days; new échéance 28 March + 30 = 27 April.
    // Paid 2 May: on time 29 March..27 April = 3 + 27 = 30 days; late 28 April..2 May = 3 + 2 = 5 days.
    // Elapsed: 3 March → 2 May = 28 + 30 + 2 = 60 calendar days − 10 suspended = 50 = 5 + 5 + 5 + 30 + 5.
    const { view, picture: p } = picture(
      [
        start('2025-03-03'),
        handOver('2025-03-08', 'MOA'),
        handOver('2025-03-13', 'SERVICE_FINANCIER'),
        suspend('2025-03-18'),
        resume('2025-03-28'),
        pay('2025-05-02'),
      ],
      '2025-05-20',
      { amountDueCents: 12_000_000, ecbRates: ECB_MAIN_REFINANCING_RATES },
    );
    expect(p.periods).toEqual([
      period('MOE', '2025-03-04', '2025-03-08', 5),
      period('MOA', '2025-03-09', '2025-03-13', 5),
      period('SERVICE_FINANCIER', '2025-03-14', '2025-03-18', 5),
      period('SERVICE_FINANCIER', '2025-03-29', '2025-04-27', 30),
      period('SERVICE_FINANCIER', '2025-04-28', '2025-05-02', 5, true),
    ]);
    expect(p.suspension).toEqual({ from: '2025-03-19', to: '2025-03-28', days: 10, open: false });
    expect(p.lateSince).toBe('2025-04-28');
    expect(p.daysLateBy).toEqual({ MOE: 0, MOA: 0, SERVICE_FINANCIER: 5 });
    // Interest is computable (rate of 2025-H1 in the table given, amount known): no reason to give.
    expect(p.interestUnavailable).toBeUndefined();
    // The picture agrees with the view's figures.
    expect(view.echeance).toBe('2025-04-27');
    expect(view.daysElapsed).toBe(50);
    expect(view.daysSuspended).toBe(10);
    expect(view.daysLate).toBe(5);
  });

  it('an open suspension is a gap up to today, and nothing is late while suspended', () => {
    // Suspended 18 March, today 25 March: gap 19..25 March = 7 days, open.
    const { picture: p } = picture(
      [start('2025-03-03'), handOver('2025-03-13', 'SERVICE_FINANCIER'), suspend('2025-03-18')],
      '2025-03-25',
    );
    expect(p.periods).toEqual([
      period('MOE', '2025-03-04', '2025-03-13', 10),
      period('SERVICE_FINANCIER', '2025-03-14', '2025-03-18', 5),
    ]);
    expect(p.suspension).toEqual({ from: '2025-03-19', to: '2025-03-25', days: 7, open: true });
    expect(p.lateSince).toBeUndefined();
  });

  it('a period that crosses the échéance is cut there; unpaid late days run to today', () => {
    // Échéance 2 April 2025; MOA from 10 March; unpaid on 5 April.
    // MOE 4..10 March = 7; MOA 11 March..2 April = 21 + 2 = 23 on time; 3..5 April = 3 late.
    const { view, picture: p } = picture([start('2025-03-03'), handOver('2025-03-10', 'MOA')], '2025-04-05');
    expect(p.periods).toEqual([
      period('MOE', '2025-03-04', '2025-03-10', 7),
      period('MOA', '2025-03-11', '2025-04-02', 23),
      period('MOA', '2025-04-03', '2025-04-05', 3, true),
    ]);
    expect(p.daysLateBy).toEqual({ MOE: 0, MOA: 3, SERVICE_FINANCIER: 0 });
    expect(p.lateSince).toBe('2025-04-03');
    expect(view.daysLate).toBe(3);
  });

  it('late with no amount on the dossier: the plain reason interest cannot be computed', () => {
    const { picture: p } = picture([start('2025-03-03')], '2025-04-05');
    expect(p.interestUnavailable?.code).toBe('MONTANT_INCONNU');
    expect(p.interestUnavailable?.message).toMatch(/montant/);
  });

  it('late in a half-year whose ECB rate is unknown: the rate table says why', () => {
    // Échéance 2 April 2025 + unknown table: no rate for 2025-H1.
    const { picture: p } = picture([start('2025-03-03')], '2025-04-05', { amountDueCents: 100_000, ecbRates: [] });
    expect(p.interestUnavailable?.code).toBe('TAUX_BCE_INCONNU');
  });

  it('consecutive hand-overs to the same holder merge into one period', () => {
    // MOE 4..6 March, then MOE again from 6 March: one MOE period 4..9 March = 6 days.
    const { picture: p } = picture([start('2025-03-03'), handOver('2025-03-06', 'MOE')], '2025-03-09');
    expect(p.periods).toEqual([period('MOE', '2025-03-04', '2025-03-09', 6)]);
  });

  it('a refused dossier stops the picture on the refusal day and is never late', () => {
    // Cancelled 10 April 2025 (after the 2 April échéance): 4 March..10 April = 28 + 10 = 38 days, none late.
    const { picture: p } = picture([start('2025-03-03'), cancel('2025-04-10')], '2025-05-01');
    expect(p.periods).toEqual([period('MOE', '2025-03-04', '2025-04-10', 38)]);
    expect(p.lateSince).toBeUndefined();
  });
});
