import { describe, expect, it } from 'vitest';
import { type Clock, ShiftableClock } from '../../../shared/adapters/clock';

const DAY = 86_400_000;
/** A base clock frozen at an explicit instant: the shiftable clock's reading is this plus its offset. */
const frozen = (iso: string): Clock => ({ now: () => new Date(iso) });

describe('ShiftableClock', () => {
  it('starts at the base time when no initial offset is given', () => {
    const c = new ShiftableClock(frozen('2026-11-23T09:00:00.000Z'));
    expect(c.offset).toBe(0);
    expect(c.now().toISOString()).toBe('2026-11-23T09:00:00.000Z');
  });

  it('starts from a saved offset and keeps moving forward from it', async () => {
    const c = new ShiftableClock(frozen('2026-11-23T09:00:00.000Z'), { initialOffsetMs: 45 * DAY });
    expect(c.offset).toBe(45 * DAY);
    expect(c.now().toISOString()).toBe('2027-01-07T09:00:00.000Z');

    const seen: string[] = [];
    c.onAdvance((now) => {
      seen.push(now.toISOString());
    });
    expect((await c.advance(2 * DAY)).toISOString()).toBe('2027-01-09T09:00:00.000Z');
    expect(c.offset).toBe(47 * DAY);
    expect(seen).toEqual(['2027-01-09T09:00:00.000Z']);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'refuses an initial offset of %s',
    (initialOffsetMs) => {
      expect(() => new ShiftableClock(frozen('2026-11-23T09:00:00.000Z'), { initialOffsetMs })).toThrow(RangeError);
    },
  );

  it('refuses a start instant that is no date', () => {
    expect(() => new ShiftableClock(frozen('2026-11-23T09:00:00.000Z'), { startAt: new Date('x') })).toThrow(
      RangeError,
    );
  });

  // The machine's date is the base clock: frozen here in the start instant's future, then in its past.
  it.each([
    // machine 2031-06-15T12:00Z, start 2027-03-01T09:00Z: offset = −(4 years + ~106 days), negative
    ['2031-06-15T12:00:00.000Z', '2027-03-01T09:00:00.000Z'],
    // machine 2020-01-01T00:00Z, start 2027-03-01T09:00Z: offset positive
    ['2020-01-01T00:00:00.000Z', '2027-03-01T09:00:00.000Z'],
    // machine date = start: offset 0
    ['2027-03-01T09:00:00.000Z', '2027-03-01T09:00:00.000Z'],
  ])('with the machine at %s, starts at %s and moves forward only from there', async (machine, start) => {
    let real = Date.parse(machine);
    const base: Clock = { now: () => new Date(real) };
    const c = new ShiftableClock(base, { startAt: new Date(start), initialOffsetMs: 99 });
    expect(c.offset).toBe(Date.parse(start) - Date.parse(machine));
    expect(c.now().toISOString()).toBe(start);
    // 90 real seconds pass: the platform reads 09:01:30
    real += 90_000;
    expect(c.now().toISOString()).toBe('2027-03-01T09:01:30.000Z');
    // 30 days and 1 h forward: 2027-03-31T10:01:30Z
    expect((await c.advance(30 * DAY + 3_600_000)).toISOString()).toBe('2027-03-31T10:01:30.000Z');
    await expect(c.advance(-1)).rejects.toThrow(RangeError);
  });

  it('still refuses to move backwards after starting from an offset', async () => {
    const c = new ShiftableClock(frozen('2026-11-23T09:00:00.000Z'), { initialOffsetMs: DAY });
    await expect(c.advance(-1)).rejects.toThrow(RangeError);
    expect(c.offset).toBe(DAY);
  });
});
