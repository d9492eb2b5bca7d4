import { describe, expect, it } from 'vitest';
import {
  addDays,
  type CalendarDate,
  calendarDate,
  compareDates,
  daysBetween,
  endOfParisDay,
  isCalendarDate,
  isPublicHoliday,
  isWeekend,
  isWorkingDay,
  lastDayOfDelay,
  maxDate,
  minDate,
  nextWorkingDayOnOrAfter,
  parisDateOf,
  publicHolidays,
  startOfParisDay,
} from '../../../../shared/domain/calendar';

const d = calendarDate;

describe('CalendarDate values', () => {
  it.each([
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['2025-13-01', false],
    ['2025-1-01', false],
    ['2025-04-31', false],
    ['2025-12-31', true],
    ['not a date', false],
  ])('isCalendarDate(%s) is %s', (value, expected) => {
    expect(isCalendarDate(value)).toBe(expected);
  });

  it('calendarDate refuses an impossible date', () => {
    expect(() => calendarDate('2025-02-30')).toThrow(RangeError);
  });

  it('adds days across month, leap-day and DST boundaries without drifting', () => {
    expect(addDays(d('2025-03-29'), 1)).toBe('2025-03-30');
    expect(addDays(d('2025-03-29'), 2)).toBe('2025-03-31');
    expect(addDays(d('2025-10-25'), 2)).toBe('2025-10-27');
    expect(addDays(d('2024-02-28'), 1)).toBe('2024-02-29');
    expect(addDays(d('2023-02-28'), 1)).toBe('2023-03-01');
    expect(addDays(d('2025-01-01'), -1)).toBe('2024-12-31');
  });

  it('counts whole days between dates, signed', () => {
    expect(daysBetween(d('2025-03-03'), d('2025-04-02'))).toBe(30);
    expect(daysBetween(d('2025-04-02'), d('2025-03-03'))).toBe(-30);
    expect(daysBetween(d('2024-02-01'), d('2024-03-01'))).toBe(29);
    expect(daysBetween(d('2025-03-29'), d('2025-03-31'))).toBe(2);
  });

  it('compares and picks dates', () => {
    expect(compareDates(d('2025-01-02'), d('2025-01-10'))).toBe(-1);
    expect(compareDates(d('2025-01-10'), d('2025-01-02'))).toBe(1);
    expect(compareDates(d('2025-01-10'), d('2025-01-10'))).toBe(0);
    expect(maxDate(d('2025-01-02'), d('2024-12-31'))).toBe('2025-01-02');
    expect(minDate(d('2025-01-02'), d('2024-12-31'))).toBe('2024-12-31');
  });
});

describe('French public holidays (CCAG-T 2014 art. 3.2.4 "jour férié")', () => {
  // Easter Sunday dates, from published calendars: 2008-03-23, 2019-04-21, 2023-04-09, 2024-03-31, 2025-04-20,
  // 2026-04-05, 2027-03-28, 2038-04-25.
  it.each([
    [2008, '2008-03-24', '2008-05-01', '2008-05-12'],
    [2019, '2019-04-22', '2019-05-30', '2019-06-10'],
    [2023, '2023-04-10', '2023-05-18', '2023-05-29'],
    [2024, '2024-04-01', '2024-05-09', '2024-05-20'],
    [2025, '2025-04-21', '2025-05-29', '2025-06-09'],
    [2026, '2026-04-06', '2026-05-14', '2026-05-25'],
    [2027, '2027-03-29', '2027-05-06', '2027-05-17'],
    [2038, '2038-04-26', '2038-06-03', '2038-06-14'],
  ])('%i: Lundi de Pâques %s, Ascension %s, Lundi de Pentecôte %s', (_year, easterMonday, ascension, whitMonday) => {
    expect(isPublicHoliday(d(easterMonday))).toBe(true);
    expect(isPublicHoliday(d(ascension))).toBe(true);
    expect(isPublicHoliday(d(whitMonday))).toBe(true);
    // The days around are not holidays (the Easter-based dates are not off by one).
    expect(isPublicHoliday(addDays(d(easterMonday), 1))).toBe(false);
    expect(isPublicHoliday(addDays(d(ascension), 1))).toBe(false);
    expect(isPublicHoliday(addDays(d(whitMonday), 1))).toBe(false);
  });

  it('lists exactly the eleven national holidays of 2025', () => {
    expect([...publicHolidays(2025)].sort()).toEqual([
      '2025-01-01',
      '2025-04-21',
      '2025-05-01',
      '2025-05-08',
      '2025-05-29',
      '2025-06-09',
      '2025-07-14',
      '2025-08-15',
      '2025-11-01',
      '2025-11-11',
      '2025-12-25',
    ]);
  });

  it.each([
    ['2025-04-18', 'Vendredi saint (Alsace-Moselle only)'],
    ['2025-12-26', 'Saint-Étienne (Alsace-Moselle only)'],
    ['2025-04-20', 'Pâques (a Sunday, not in the list)'],
    ['2025-06-08', 'Pentecôte (a Sunday, not in the list)'],
    ['2025-05-25', 'Fête des mères (observance)'],
  ])('%s is not a national public holiday: %s', (date) => {
    expect(isPublicHoliday(d(date))).toBe(false);
  });

  it('knows weekends and working days', () => {
    expect(isWeekend(d('2025-03-08'))).toBe(true); // Saturday
    expect(isWeekend(d('2025-03-09'))).toBe(true); // Sunday
    expect(isWeekend(d('2025-03-10'))).toBe(false);
    expect(isWorkingDay(d('2025-03-10'))).toBe(true);
    expect(isWorkingDay(d('2025-05-08'))).toBe(false); // Thursday, holiday
    expect(nextWorkingDayOnOrAfter(d('2025-03-10'))).toBe('2025-03-10');
    expect(nextWorkingDayOnOrAfter(d('2025-05-08'))).toBe('2025-05-09');
  });
});

describe('CCAG counting of delays (CCAG-T 2014 art. 3.2)', () => {
  it.each<[string, number, string, string, string]>([
    // trigger, days, last day without extension, last day with extension, why
    ['2025-03-03', 7, '2025-03-10', '2025-03-10', 'Monday, working day'],
    ['2025-03-01', 7, '2025-03-08', '2025-03-10', 'Saturday → Monday'],
    ['2025-03-02', 7, '2025-03-09', '2025-03-10', 'Sunday → Monday'],
    ['2025-05-01', 7, '2025-05-08', '2025-05-09', 'Thursday 8 May → Friday'],
    ['2024-05-01', 7, '2024-05-08', '2024-05-10', 'Wed 8 May, Thu Ascension → Friday'],
    ['2025-05-31', 7, '2025-06-07', '2025-06-10', 'Saturday, Sunday, Lundi de Pentecôte → Tuesday'],
    ['2025-04-12', 7, '2025-04-19', '2025-04-22', 'Saturday, Easter Sunday, Lundi de Pâques → Tuesday'],
    ['2025-05-22', 7, '2025-05-29', '2025-05-30', 'Ascension → Friday'],
    ['2025-10-25', 7, '2025-11-01', '2025-11-03', 'Toussaint on a Saturday → Monday'],
    ['2021-12-18', 7, '2021-12-25', '2021-12-27', 'Christmas on a Saturday → Monday'],
    ['2022-12-17', 7, '2022-12-24', '2022-12-26', 'Sat 24, Sun 25 → Monday 26 (working outside Alsace-Moselle)'],
    ['2024-12-25', 7, '2025-01-01', '2025-01-02', 'New Year → next day, across the year'],
    ['2025-08-05', 10, '2025-08-15', '2025-08-18', 'Assomption on a Friday → Monday'],
    ['2043-04-30', 7, '2043-05-07', '2043-05-11', 'Ascension Thu 7 May, Fri 8 May, weekend → Monday'],
    ['2024-02-22', 7, '2024-02-29', '2024-02-29', 'leap day, Thursday'],
    ['2025-03-03', 30, '2025-04-02', '2025-04-02', '30 days, Wednesday'],
    ['2025-03-03', 0, '2025-03-03', '2025-03-03', 'zero days'],
  ])('%s + %i days ends on %s, extended %s (%s)', (trigger, days, plain, extended) => {
    expect(lastDayOfDelay(d(trigger), days, false)).toBe(plain);
    expect(lastDayOfDelay(d(trigger), days, true)).toBe(extended);
  });

  it('starts at 0h the day after the act and ends at midnight of the last day (art. 3.2.1, 3.2.2)', () => {
    const trigger = d('2025-03-03');
    const startsAt = startOfParisDay(addDays(trigger, 1));
    const endsAt = endOfParisDay(lastDayOfDelay(trigger, 7, true));
    expect(startsAt.toISOString()).toBe('2025-03-03T23:00:00.000Z'); // 4 March 0h00 Paris (UTC+1)
    expect(endsAt.toISOString()).toBe('2025-03-10T23:00:00.000Z'); // 10 March 24h00 Paris
    expect(endsAt.getTime() - startsAt.getTime()).toBe(7 * 86_400_000);
  });

  it('ends at 24h00 Paris summer time in summer', () => {
    expect(endOfParisDay(d('2025-07-15')).toISOString()).toBe('2025-07-15T22:00:00.000Z');
  });
});

describe('Paris days across daylight-saving changes', () => {
  it.each<[string, string, string, number]>([
    ['2025-03-30', '2025-03-29T23:00:00.000Z', '2025-03-30T22:00:00.000Z', 23],
    ['2025-10-26', '2025-10-25T22:00:00.000Z', '2025-10-26T23:00:00.000Z', 25],
    ['2025-03-29', '2025-03-28T23:00:00.000Z', '2025-03-29T23:00:00.000Z', 24],
    ['2025-03-31', '2025-03-30T22:00:00.000Z', '2025-03-31T22:00:00.000Z', 24],
    ['2025-10-27', '2025-10-26T23:00:00.000Z', '2025-10-27T23:00:00.000Z', 24],
    ['2024-03-31', '2024-03-30T23:00:00.000Z', '2024-03-31T22:00:00.000Z', 23],
    ['2024-10-27', '2024-10-26T22:00:00.000Z', '2024-10-27T23:00:00.000Z', 25],
  ])('%s runs from %s to %s (%i h)', (date, start, end, hours) => {
    expect(startOfParisDay(d(date)).toISOString()).toBe(start);
    expect(endOfParisDay(d(date)).toISOString()).toBe(end);
    expect((endOfParisDay(d(date)).getTime() - startOfParisDay(d(date)).getTime()) / 3_600_000).toBe(hours);
  });

  it.each<[string, CalendarDate]>([
    ['2025-03-29T22:59:59.999Z', d('2025-03-29')],
    ['2025-03-29T23:00:00.000Z', d('2025-03-30')],
    ['2025-03-30T00:59:59.000Z', d('2025-03-30')], // 01:59:59 CET
    ['2025-03-30T01:00:00.000Z', d('2025-03-30')], // 03:00:00 CEST
    ['2025-03-30T21:59:59.999Z', d('2025-03-30')], // 23:59:59 CEST
    ['2025-03-30T22:00:00.000Z', d('2025-03-31')],
    ['2025-10-25T21:59:59.999Z', d('2025-10-25')],
    ['2025-10-25T22:00:00.000Z', d('2025-10-26')],
    ['2025-10-26T00:30:00.000Z', d('2025-10-26')], // 02:30 CEST
    ['2025-10-26T01:30:00.000Z', d('2025-10-26')], // 02:30 CET, the repeated hour
    ['2025-10-26T22:59:59.999Z', d('2025-10-26')], // 23:59:59 CET
    ['2025-10-26T23:00:00.000Z', d('2025-10-27')],
  ])('parisDateOf(%s) is %s', (instant, expected) => {
    expect(parisDateOf(new Date(instant))).toBe(expected);
  });
});
