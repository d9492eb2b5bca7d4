import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadClockOffset, saveClockOffset, startingClockOffset } from '../../../infra/local/clock-store';
import { PlatformError } from '../../../infra/local/errors';

const DAY = 86_400_000;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'factures-travaux-start-at-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const fresh = (name: string) => fs.mkdtempSync(path.join(root, `${name}-`));
const code = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof PlatformError ? error.code : String(error);
  }
  return undefined;
};

describe('the offset the platform clock starts from', () => {
  const machine = new Date('2026-12-03T16:00:00.000Z');

  it('is the one that reads the start instant, before or after the machine’s date (in memory)', () => {
    // 2027-03-01T09:00Z − 2026-12-03T16:00Z = 87 days 17 h
    expect(startingClockOffset(undefined, '2027-03-01T10:00:00+01:00', machine)).toBe(87 * DAY + 17 * 3_600_000);
    // 2025-01-06T08:00Z − 2026-12-03T16:00Z = −(696 days + 8 h)
    expect(startingClockOffset(undefined, new Date('2025-01-06T08:00:00Z'), machine)).toBe(
      -(696 * DAY + 8 * 3_600_000),
    );
    expect(startingClockOffset(undefined, undefined, machine)).toBe(0);
  });

  it('refuses a start instant that is not a date', () => {
    expect(code(() => startingClockOffset(undefined, 'le 1er mars', machine))).toBe('HORLOGE_DEPART_INVALIDE');
  });

  it('over saved data, may move the saved clock forward, never back; a negative offset is kept as saved', () => {
    const dir = fresh('saved');
    // saved: 10 days ahead → the saved clock reads 2026-12-13T16:00Z on this machine
    saveClockOffset(dir, 10 * DAY, new Date('2026-12-13T16:00:00Z'));
    expect(code(() => startingClockOffset(dir, '2026-12-13T15:59:59Z', machine))).toBe('HORLOGE_RECUL_INTERDIT');
    expect(startingClockOffset(dir, '2026-12-13T16:00:00Z', machine)).toBe(10 * DAY);
    expect(startingClockOffset(dir, undefined, machine)).toBe(10 * DAY);

    // data without a clock file is dated on real time: no going back before it
    const unsaved = fresh('unsaved');
    fs.writeFileSync(path.join(unsaved, 'jwt-secret'), 'x');
    expect(code(() => startingClockOffset(unsaved, '2026-12-03T15:59:59Z', machine))).toBe('HORLOGE_RECUL_INTERDIT');

    // an empty (or absent) folder starts anywhere: a run started two years back saves a negative offset, which the
    // next start reads back as such
    const past = fresh('past');
    expect(startingClockOffset(path.join(past, 'absent'), '2024-12-03T16:00:00Z', machine)).toBe(-730 * DAY);
    const offset = startingClockOffset(past, '2024-12-03T16:00:00Z', machine);
    expect(offset).toBe(-730 * DAY); // 2024-12-03 → 2026-12-03: 365 + 365 days (no 29 February in between)
    saveClockOffset(past, offset, new Date('2024-12-03T16:00:00Z'));
    expect(loadClockOffset(past)).toBe(-730 * DAY);
    expect(startingClockOffset(past, undefined, machine)).toBe(-730 * DAY);
  });
});
