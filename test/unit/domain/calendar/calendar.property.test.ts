import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  type CalendarDate,
  calendarDate,
  dayNumber,
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

/** Easter Sunday, anonymous Gregorian algorithm (Meeus/Jones/Butcher): an oracle independent of date-holidays. */
function easterSunday(year: number): CalendarDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return calendarDate(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
}

describe('calendar properties', () => {
  it('the Easter oracle agrees with known Easter Sundays', () => {
    expect(easterSunday(2024)).toBe('2024-03-31');
    expect(easterSunday(2025)).toBe('2025-04-20');
    expect(easterSunday(2026)).toBe('2026-04-05');
  });

  it('every year 1990–2100 has exactly the national holidays, Easter-based ones included', () => {
    for (let year = 1990; year <= 2100; year++) {
      const easter = easterSunday(year);
      const expected = new Set([
        ...['01-01', '05-01', '05-08', '07-14', '08-15', '11-01', '11-11', '12-25'].map((md) => `${year}-${md}`),
        addDays(easter, 1), // Lundi de Pâques
        addDays(easter, 39), // Ascension
        addDays(easter, 50), // Lundi de Pentecôte
      ]);
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

  it('a delay extended to a working day never ends before trigger + days, ends on a working day, and only skips non-working days (CCAG-T 2014 art. 3.2.3)', () => {
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
