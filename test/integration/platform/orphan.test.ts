import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../../infra/local/platform';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls (bounded) until the process is gone: the JVM is another process, its exit takes a few milliseconds. */
async function gone(pid: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

let child: ChildProcess | undefined;

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

describe('npm start', () => {
  it('leaves no DynamoDB Local JVM behind when its process is killed outright (SIGKILL)', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', path.join('infra', 'local', 'main.ts')], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', LOCAL_IN_MEMORY: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const jvmPid = await new Promise<number>((resolve, reject) => {
      const onData = (d: Buffer) => {
        output += d.toString();
        const m = /JVM pid (\d+)/.exec(output);
        if (m) resolve(Number(m[1]));
      };
      child?.stdout?.on('data', onData);
      child?.stderr?.on('data', onData);
      child?.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output}`)));
    });
    expect(output).toContain('plateforme locale prête');
    expect(alive(jvmPid)).toBe(true);

    child.kill('SIGKILL');
    expect(await gone(jvmPid, 10_000)).toBe(true);
  });
});
