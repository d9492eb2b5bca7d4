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

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses an initial offset of %s', (initialOffsetMs) => {
    expect(() => new ShiftableClock(frozen('2026-11-23T09:00:00.000Z'), { initialOffsetMs })).toThrow(RangeError);
  });

  it('still refuses to move backwards after starting from an offset', async () => {
    const c = new ShiftableClock(frozen('2026-11-23T09:00:00.000Z'), { initialOffsetMs: DAY });
    await expect(c.advance(-1)).rejects.toThrow(RangeError);
    expect(c.offset).toBe(DAY);
  });
});
