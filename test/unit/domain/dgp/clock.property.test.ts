import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  type CalendarDate,
  calendarDate,
  dayNumber,
  daysBetween,
  fromDayNumber,
} from '../../../../shared/domain/calendar';
import {
  applyClockEffect,
  CLOCK_HOLDERS,
  type ClockHolder,
  clockView,
  type DgpClock,
  lastEventDate,
  newDgpClock,
} from '../../../../shared/domain/dgp';

type Action = 'HAND_OVER' | 'SUSPEND' | 'RESUME' | 'PAY';

const scenario = fc.record({
  dgpJours: fc.integer({ min: 1, max: 60 }),
  start: fc.integer({ min: dayNumber(calendarDate('2020-01-01')), max: dayNumber(calendarDate('2030-12-31')) }),
  firstHolder: fc.constantFrom(...CLOCK_HOLDERS),
  extendToWorkingDay: fc.boolean(),
  steps: fc.array(
    fc.record({
      gap: fc.integer({ min: 0, max: 25 }),
      action: fc.constantFrom<Action>('HAND_OVER', 'SUSPEND', 'RESUME', 'PAY'),
      holder: fc.constantFrom(...CLOCK_HOLDERS),
    }),
    { maxLength: 10 },
  ),
  todayGap: fc.integer({ min: 0, max: 90 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Plays the scenario, keeping only the steps the rules allow; every clock along the way is returned. */
function play(s: Scenario): DgpClock[] {
  let clock = applyClockEffect(
    newDgpClock({ kind: 'ACOMPTE_MENSUEL', dgpJours: s.dgpJours, extendToWorkingDay: s.extendToWorkingDay }),
    {
      kind: 'START',
      on: fromDayNumber(s.start),
      holder: s.firstHolder,
    },
  );
  const clocks = [clock];
  let day = fromDayNumber(s.start);
  for (const step of s.steps) {
    if (clock.paidOn !== undefined) break;
    day = addDays(day, step.gap);
    const open = clock.suspension !== undefined && clock.suspension.resumedOn === undefined;
    if (step.action === 'SUSPEND' && (clock.suspensionUsed || day > clock.echeance!)) continue;
    if (step.action === 'RESUME' && !open) continue;
    if (step.action === 'SUSPEND') {
      clock = applyClockEffect(clock, { kind: 'SUSPEND', on: day, missingDocuments: ['pièce'] });
    } else if (step.action === 'HAND_OVER') {
      clock = applyClockEffect(clock, { kind: 'HAND_OVER', on: day, holder: step.holder });
    } else {
      clock = applyClockEffect(clock, { kind: step.action, on: day });
    }
    clocks.push(clock);
  }
  return clocks;
}

/** Day-by-day count, the naive way: the holder of each day outside the suspension. */
function naiveDaysUsed(clock: DgpClock, asOf: CalendarDate): Record<ClockHolder, number> {
  const used: Record<ClockHolder, number> = { MOE: 0, MOA: 0, SERVICE_FINANCIER: 0 };
  for (let day = clock.start!; day < asOf; day = addDays(day, 1)) {
    const s = clock.suspension;
    if (s !== undefined && day >= s.on && (s.resumedOn === undefined || day < s.resumedOn)) continue;
    const holder = clock.segments.filter((seg) => seg.from <= day).at(-1)!.holder;
    used[holder] += 1;
  }
  return used;
}

describe('DGP clock properties', () => {
  it('the échéance never comes before start + dgpJours', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        for (const clock of play(s)) {
          if (clock.echeance !== undefined) {
            expect(daysBetween(clock.start!, clock.echeance)).toBeGreaterThanOrEqual(s.dgpJours);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a suspension never leaves less than 30 days after the complete answer (CCP R2192-29)', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        for (const clock of play(s)) {
          const resumedOn = clock.suspension?.resumedOn;
          if (resumedOn === undefined) continue;
          expect(daysBetween(resumedOn, clock.echeance!)).toBeGreaterThanOrEqual(30);
          expect(daysBetween(resumedOn, clock.echeance!)).toBeGreaterThanOrEqual(
            clock.suspension!.daysLeftAtSuspension,
          );
        }
      }),
      { numRuns: 500 },
    );
  });

  it('days per actor add up to the days elapsed outside suspension, and match a day-by-day count', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const clock = play(s).at(-1)!;
        const today = addDays(lastEventDate(clock)!, s.todayGap);
        const view = clockView(clock, today);
        const sum = CLOCK_HOLDERS.reduce((acc, h) => acc + view.daysUsedBy[h], 0);
        expect(sum).toBe(view.daysElapsed);
        expect(view.daysElapsed + view.daysSuspended).toBe(daysBetween(clock.start!, view.asOf));
        expect(view.daysUsedBy).toEqual(naiveDaysUsed(clock, view.asOf));
        expect(view.daysLeft === 0 || view.daysLate === 0).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
