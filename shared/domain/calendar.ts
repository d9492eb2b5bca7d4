/**
 * Calendar dates in Europe/Paris (docs/rules/deadlines.md#counting): a delay is counted in whole calendar days, never in hours.
 * A `CalendarDate` is an ISO `YYYY-MM-DD` string; arithmetic goes through a UTC day number so that
 * daylight-saving changes never shift a date.
 */
export type CalendarDate = string & { readonly __calendarDate: unique symbol };

export const PARIS_TZ = 'Europe/Paris';
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isCalendarDate(value: string): value is CalendarDate {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

export function calendarDate(value: string): CalendarDate {
  if (!isCalendarDate(value)) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${value}`);
  return value;
}

/** Day number since 1970-01-01, for arithmetic. */
export function dayNumber(date: CalendarDate): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

export function fromDayNumber(n: number): CalendarDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10) as CalendarDate;
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromDayNumber(dayNumber(date) + days);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return dayNumber(to) - dayNumber(from);
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function maxDate(a: CalendarDate, b: CalendarDate): CalendarDate {
  return a >= b ? a : b;
}

export function minDate(a: CalendarDate, b: CalendarDate): CalendarDate {
  return compareDates(a, b) <= 0 ? a : b;
}

/**
 * A formatter built on first use, not when the module loads: the first Intl.DateTimeFormat of a process
 * initializes ICU's date formatting (~40 ms on the reference machine), a cold-start cost a function that never
 * reads a Paris date should not pay (`npm run bench -- bundles`).
 */
function lazyFormatter(locale: string, options: Intl.DateTimeFormatOptions): () => Intl.DateTimeFormat {
  let formatter: Intl.DateTimeFormat | undefined;
  return () => {
    formatter ??= new Intl.DateTimeFormat(locale, options);
    return formatter;
  };
}

const parisFormatter = lazyFormatter('en-CA', {
  timeZone: PARIS_TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar day in Paris at which an instant falls. */
export function parisDateOf(instant: Date): CalendarDate {
  // Assembled from parts: the layout of a locale's formatted date may change with the ICU version.
  const parts = parisFormatter().formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year').padStart(4, '0')}-${get('month')}-${get('day')}` as CalendarDate;
}

const parisClockFormatter = lazyFormatter('en-US', {
  timeZone: PARIS_TZ,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** Offset of Paris from UTC, in minutes, at a given instant (60 in winter, 120 in summer). */
function parisOffsetMinutes(instant: Date): number {
  const parts = parisClockFormatter().formatToParts(instant);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The instant of 0h00 in Paris on a calendar day. */
export function startOfParisDay(date: CalendarDate): Date {
  const utcMidnight = dayNumber(date) * DAY_MS;
  // The offset at 0h Paris is the one in force 1 h to 2 h before UTC midnight; DST changes happen at 2h/3h.
  const guess = new Date(utcMidnight - 60 * 60_000);
  return new Date(utcMidnight - parisOffsetMinutes(guess) * 60_000);
}

/** A delay "ends at midnight of its last day" (CCAG-T art. 3.2): the instant 24h00 Paris of that day. */
export function endOfParisDay(date: CalendarDate): Date {
  return startOfParisDay(addDays(date, 1));
}

/**
 * Easter Sunday of a Gregorian year: the anonymous Gregorian algorithm (Meeus, "Astronomical Algorithms", ch. 8),
 * exact for every year of the Gregorian calendar.
 */
export function easterSunday(year: number): CalendarDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const h = (19 * a + b - Math.floor(b / 4) - Math.floor((b - Math.floor((b + 8) / 25) + 1) / 3) + 15) % 30;
  const l = (32 + 2 * (b % 4) + 2 * Math.floor(c / 4) - h - (c % 4)) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` as CalendarDate;
}

/** The fixed-date jours fériés of the Code du travail, art. L3133-1 (month-day). */
const FIXED_HOLIDAYS = ['01-01', '05-01', '05-08', '07-14', '08-15', '11-01', '11-11', '12-25'] as const;
/** The Easter-based ones, in days after Easter Sunday: lundi de Pâques, Ascension, lundi de Pentecôte. */
const EASTER_OFFSETS = [1, 39, 50] as const;

const holidayCache = new Map<number, ReadonlySet<string>>();

/**
 * The eleven national jours fériés of a year (Code du travail art. L3133-1; the regional ones of Alsace-Moselle are
 * not counted, see docs/rules). Written here rather than taken from a holidays library: the list is fixed by law,
 * and the library (with its time-zone and astronomy data) weighed 1.3 MB in every Lambda bundle. The unit tests
 * check this list against the `date-holidays` library year by year.
 */
export function publicHolidays(year: number): ReadonlySet<string> {
  let set = holidayCache.get(year);
  if (!set) {
    const easter = easterSunday(year);
    set = new Set([
      ...FIXED_HOLIDAYS.map((md) => `${year}-${md}`),
      ...EASTER_OFFSETS.map((days) => addDays(easter, days)),
    ]);
    holidayCache.set(year, set);
  }
  return set;
}

export function isPublicHoliday(date: CalendarDate): boolean {
  return publicHolidays(Number(date.slice(0, 4))).has(date);
}

export function isWeekend(date: CalendarDate): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6;
}

export function isWorkingDay(date: CalendarDate): boolean {
  return !isWeekend(date) && !isPublicHoliday(date);
}

export function nextWorkingDayOnOrAfter(date: CalendarDate): CalendarDate {
  let d = date;
  while (!isWorkingDay(d)) d = addDays(d, 1);
  return d;
}

/**
 * Last day of a delay of `days` calendar days triggered on `trigger`.
 * The delay starts at 0h the day after the act and ends at midnight of its last day (CCAG-T 2014 art. 3.2.1/3.2.2);
 * when `extendToWorkingDay`, a last day on a Saturday, Sunday or public holiday moves to the next working day
 * (CCAG-T 2014 art. 3.2.4).
 */
export function lastDayOfDelay(trigger: CalendarDate, days: number, extendToWorkingDay: boolean): CalendarDate {
  const last = addDays(trigger, days);
  return extendToWorkingDay ? nextWorkingDayOnOrAfter(last) : last;
}
