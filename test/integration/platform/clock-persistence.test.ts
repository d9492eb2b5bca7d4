import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_FILE, loadClockOffset, saveClockOffset } from '../../../infra/local/clock-store';
import { PlatformError } from '../../../infra/local/errors';
import { type Platform, startPlatform } from '../../../infra/local/platform';

const DAY = 86_400_000;
const HOUR = 3_600_000;

let root: string;
const started: Platform[] = [];

function freshDir(name: string): string {
  return fs.mkdtempSync(path.join(root, `${name}-`));
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'factures-travaux-clock-'));
});

afterAll(async () => {
  for (const p of started.reverse()) await p.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('platform clock kept with the data folder', () => {
  it('restarts on the same data at the offset the clock had reached, before anything else reads it', async () => {
    const dataDir = freshDir('restart');
    const first = await startPlatform({ port: 0, dataDir });
    started.push(first);
    expect(first.clock.offset).toBe(0);
    await first.advanceClock({ days: 30 });
    await first.advanceClock({ hours: 12 });
    expect(first.clock.offset).toBe(30 * DAY + 12 * HOUR);
    await first.stop();

    let seenBeforeReady: { offset: number; health: number } | undefined;
    const second = await startPlatform({
      port: 0,
      dataDir,
      beforeReady: async (p) => {
        seenBeforeReady = { offset: p.clock.offset, health: (await fetch(`${p.url}/health`)).status };
      },
    });
    started.push(second);
    // Restored before the boot hook ran, while /health still said "starting"
    expect(seenBeforeReady).toEqual({ offset: 30 * DAY + 12 * HOUR, health: 503 });
    expect(second.clock.offset).toBe(30 * DAY + 12 * HOUR);
    const clock = (await (await fetch(`${second.url}/_local/clock`)).json()) as { now: string; offsetMs: number };
    expect(clock.offsetMs).toBe(30 * DAY + 12 * HOUR);
    // Platform time is real time plus the kept offset (a few seconds of real time pass during the test)
    const ahead = Date.parse(clock.now) - Date.now();
    expect(ahead).toBeGreaterThan(30 * DAY + 12 * HOUR - 60_000);
    expect(ahead).toBeLessThanOrEqual(30 * DAY + 12 * HOUR);

    // Moving on after the restart adds to the kept offset, and the next restart sees the sum
    await second.advanceClock({ days: 1 });
    await second.stop();
    const third = await startPlatform({ port: 0, dataDir });
    started.push(third);
    expect(third.clock.offset).toBe(31 * DAY + 12 * HOUR);
    await third.stop();
  }, 120_000); // three boots in a row on kept data (each ~10 s under load)

  it('starts a fresh data folder at an explicit past instant and keeps that negative offset', async () => {
    const dataDir = freshDir('start-at');
    // 2025-01-06T08:00Z is far before any machine running this: the offset is negative
    const p = await startPlatform({ port: 0, dataDir, startAt: '2025-01-06T09:00:00+01:00' });
    started.push(p);
    const saved = loadClockOffset(dataDir);
    expect(saved).toBeLessThan(0);
    expect(saved).toBe(p.clock.offset);
    await p.advanceClock({ days: 2 });
    await p.stop();
    expect(loadClockOffset(dataDir)).toBe(saved + 2 * DAY);
    // the kept clock reads 2025-01-08 (+ the real seconds of the test): it cannot start back on the 6th
    const error = await startPlatform({ port: 0, dataDir, startAt: '2025-01-06T09:00:00+01:00' }).catch((e) => e);
    expect((error as PlatformError).code).toBe('HORLOGE_RECUL_INTERDIT');
  }, 120_000);

  it('starts an in-memory platform from real time and keeps nothing, whatever the data folder holds', async () => {
    const dataDir = freshDir('in-memory');
    saveClockOffset(dataDir, 10 * DAY, new Date('2026-12-03T10:00:00.000Z'));
    const before = fs.readFileSync(path.join(dataDir, CLOCK_FILE), 'utf8');
    const p = await startPlatform({ port: 0, inMemory: true, dataDir });
    started.push(p);
    expect(p.clock.offset).toBe(0);
    await p.advanceClock({ days: 3 });
    await p.stop();
    expect(fs.readFileSync(path.join(dataDir, CLOCK_FILE), 'utf8')).toBe(before);
  });

  it('refuses to start on a clock file it cannot read rather than going back to real time', async () => {
    const dataDir = freshDir('corrupt');
    fs.writeFileSync(path.join(dataDir, CLOCK_FILE), '{"offsetMs": 1e400}');
    const error = await startPlatform({ port: 0, dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as PlatformError).code).toBe('HORLOGE_ILLISIBLE');
  });
});

describe('clock-store', () => {
  it('reads 0 when nothing was saved, then what was saved last', () => {
    const dataDir = freshDir('store');
    expect(loadClockOffset(dataDir)).toBe(0);
    saveClockOffset(dataDir, 15 * DAY, new Date('2026-12-08T10:00:00.000Z'));
    saveClockOffset(dataDir, 45 * DAY, new Date('2027-01-07T10:00:00.000Z'));
    expect(loadClockOffset(dataDir)).toBe(45 * DAY);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, CLOCK_FILE), 'utf8'))).toMatchObject({
      offsetMs: 45 * DAY,
      platformNow: '2027-01-07T10:00:00.000Z',
    });
    expect(fs.readdirSync(dataDir)).toEqual([CLOCK_FILE]);
  });

  it.each(['not json', '{}', '{"offsetMs":"15"}'])('refuses the content %j', (content) => {
    const dataDir = freshDir('bad');
    fs.writeFileSync(path.join(dataDir, CLOCK_FILE), content);
    expect(() => loadClockOffset(dataDir)).toThrow(PlatformError);
  });
});
