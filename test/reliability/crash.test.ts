import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCrashScenario } from './crash/harness';

/**
 * Crash tests: the embedded platform runs in a child process on a data folder and is killed with SIGKILL at random
 * points while dossiers are deposited and the clock moves their deadlines past (test/reliability/crash/); it is
 * started again on the same data each time, as `npm start` would be. At the end every deposit it had acknowledged
 * is there, each deadline's outcome (a tacit acceptance, a MOE « hors délai ») is recorded exactly once on the day
 * the rule gives, every audit chain verifies and each dossier has exactly one execution waiting on its token.
 * `npm run crash -- --rounds N` runs more kills.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crash-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('crash of the platform (SIGKILL) while deadlines fall due', () => {
  it('loses no acknowledged write and applies every tacit outcome exactly once after two kills', async () => {
    const report = await runCrashScenario({ dataDir, tag: 'T', seed: 20_301_007, kills: 2, perDay: 4 });
    // 2 days × 4 deposits + 1 advance between them + 3 advances after = 12 operations, on 8 dossiers
    expect(report).toMatchObject({ kills: 2, operations: 12, dossiers: 8, problems: [] });
  }, 240_000);
});
