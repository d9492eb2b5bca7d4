import Holidays from 'date-holidays';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  calendarDate,
  dayNumber,
  easterSunday,
  endOfParisDay,
  fromDayNumber,
  isWorkingDay,
  lastDayOfDelay,
  parisDateOf,
  publicHolidays,
  startOfParisDay,
} from '../../../../shared/domain/calendar';

const FIRST = dayNumber(calendarDate('1990-01-01'));
const LAST = dayNumber(calendarDate('2100-12-31'));
const anyDate = fc.integer({ min: FIRST, max: LAST }).map(fromDayNumber);

describe('calendar properties', () => {
  it('Easter Sunday falls on the known dates', () => {
    expect(easterSunday(2024)).toBe('2024-03-31');
    expect(easterSunday(2025)).toBe('2025-04-20');
    expect(easterSunday(2026)).toBe('2026-04-05');
    expect(easterSunday(2038)).toBe('2038-04-25'); // the latest possible date
    expect(easterSunday(2285)).toBe('2285-03-22'); // the earliest possible date
  });

  it('every year 1990–2200 has exactly the public holidays the date-holidays library lists for France', () => {
    const oracle = new Holidays('FR'); // an independent implementation, kept as a test dependency
    // from 1990: the library is also historical (8 May was not a holiday from 1960 to 1981), our rule is today's law
    for (let year = 1990; year <= 2200; year++) {
      const expected = new Set(
        oracle
          .getHolidays(year)
          .filter((h) => h.type === 'public')
          .map((h) => h.date.slice(0, 10)),
      );
      expect(new Set(publicHolidays(year)), String(year)).toEqual(expected);
    }
  });

  it('parisDateOf(startOfParisDay(d)) === d, and the day ends 23, 24 or 25 hours later (1990–2100)', () => {
    fc.assert(
      fc.property(anyDate, (date) => {
        const start = startOfParisDay(date);
        const end = endOfParisDay(date);
        expect(parisDateOf(start)).toBe(date);
        expect(parisDateOf(new Date(start.getTime() - 1))).toBe(addDays(date, -1));
        expect(parisDateOf(new Date(end.getTime() - 1))).toBe(date);
        expect([23, 24, 25]).toContain((end.getTime() - start.getTime()) / 3_600_000);
      }),
      { numRuns: 2000 },
    );
  });

  it('a delay extended to a working day never ends before trigger + days, ends on a working day, and only skips non-working days (CCAG-T 2014 art. 3.2.4)', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 0, max: 120 }), (trigger, days) => {
        const plain = lastDayOfDelay(trigger, days, false);
        const extended = lastDayOfDelay(trigger, days, true);
        expect(plain).toBe(addDays(trigger, days));
        expect(extended >= plain).toBe(true);
        expect(isWorkingDay(extended)).toBe(true);
        for (let day = plain; day < extended; day = addDays(day, 1)) {
          expect(isWorkingDay(day), day).toBe(false);
        }
        // The longest chain in range: Ascension Thursday 7 May 2043, Friday 8 May, weekend → Monday.
        expect(dayNumber(extended) - dayNumber(plain)).toBeLessThanOrEqual(4);
      }),
      { numRuns: 2000 },
    );
  });
});
