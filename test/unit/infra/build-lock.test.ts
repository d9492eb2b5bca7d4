import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withBuildLock } from '../../../infra/local/portal/build';

/** The lock the browser test files take around the portal build, now that they run two at a time. */
describe('the portal build lock', () => {
  const dirs: string[] = [];
  const lockIn = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'build-lock-'));
    dirs.push(dir);
    return path.join(dir, '.build-lock');
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('lets one holder work at a time: the second starts after the first has ended', async () => {
    const lock = lockIn();
    const order: string[] = [];
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const first = withBuildLock(lock, async () => {
      order.push('first starts');
      await gate;
      order.push('first ends');
    });
    const second = withBuildLock(lock, async () => {
      order.push('second starts');
    });
    // The second polls every 250 ms: 600 ms gives it two chances to get in while the first holds the lock
    await new Promise((r) => setTimeout(r, 600));
    expect(order).toEqual(['first starts']);
    expect(fs.readFileSync(path.join(lock, 'pid'), 'utf8')).toBe(String(process.pid));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first starts', 'first ends', 'second starts']);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('takes over the lock of a holder that died, and releases it when the work fails', async () => {
    const lock = lockIn();
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'pid'), String(dead));
    await expect(
      withBuildLock(lock, async () => {
        expect(fs.readFileSync(path.join(lock, 'pid'), 'utf8')).toBe(String(process.pid));
        throw new Error('build failed');
      }),
    ).rejects.toThrow('build failed');
    expect(fs.existsSync(lock)).toBe(false);
  });
});
