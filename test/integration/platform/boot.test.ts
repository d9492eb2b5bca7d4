import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../../infra/local/platform';
import { DEMO } from '../../../shared/seed/demo';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let dataDir: string;
const children: ChildProcess[] = [];

interface Boot {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly url: string;
  readonly jvmPid: number;
}

/** `npm start` (infra/local/main.ts) on the test's data folder; resolves once it printed that it is ready. */
async function boot(): Promise<Boot> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('infra', 'local', 'main.ts')], {
    cwd: ROOT,
    // LOCAL_PORTAL=0: the portal's build (test/e2e) is not what this test is about
    env: { ...process.env, PORT: '0', LOCAL_DATA_DIR: dataDir, LOCAL_SEED: '1', LOCAL_PORTAL: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes('Ctrl-C pour arrêter.')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output}`)));
  });
  const url = /API \(passerelle HTTP\)\s+(http:\/\/localhost:\d+)/.exec(output)?.[1];
  const jvmPid = Number(/JVM pid (\d+)/.exec(output)?.[1]);
  if (!url || !jvmPid) throw new Error(`unexpected banner:\n${output}`);
  return { child, output: () => output, url, jvmPid };
}

/** Ctrl-C: resolves with the exit code. */
function interrupt(b: Boot): Promise<number | null> {
  return new Promise((resolve) => {
    b.child.once('exit', (code) => resolve(code));
    b.child.kill('SIGINT');
  });
}

async function login(url: string, loginAddress: string): Promise<number> {
  const res = await fetch(`${url}/_local/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginAddress }),
  });
  return res.status;
}

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'factures-travaux-boot-'));
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start on a data folder', () => {
  it('seeds the demo before the API opens, says how to sign in, stops on Ctrl-C and reseeds nothing on restart', async () => {
    const first = await boot();
    // The demo users can sign in as soon as the banner is out (/health answered 200 only after the seed)
    expect((await fetch(`${first.url}/health`)).status).toBe(200);
    expect(await login(first.url, DEMO.users.mandataire.login)).toBe(200);
    expect(first.output()).toMatch(new RegExp(`marché ${DEMO.numeroMarche} .*chargé \\(\\d+ éléments créés\\)`));
    expect(first.output()).toContain(`${first.url}/_local/login`);
    // The local SMTP server's address, and where a newcomer reads the e-mails the demo produced (issue 13)
    expect(first.output()).toMatch(/Courriels \(SMTP\)\s+smtp:\/\/127\.0\.0\.1:\d+\s+reçus dans \S+\/ \(\.eml\)/);
    const inbox = /à lire sur (http:\/\/\S+)/.exec(first.output())?.[1];
    expect(inbox).toBe(`${first.url}/_local/mails`);
    expect((await fetch(inbox as string, { headers: { accept: 'text/html' } })).status).toBe(200);
    expect(first.output()).toContain('Dossiers ouverts : aucun à reprendre.');
    const moved = await fetch(`${first.url}/_local/clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceDays: 20 }),
    });
    expect(moved.status).toBe(200);

    expect(await interrupt(first)).toBe(0);
    expect(first.output()).toContain('Arrêt de la plateforme locale');
    expect(alive(first.jvmPid)).toBe(false);

    const second = await boot();
    expect(second.output()).toContain(`marché ${DEMO.numeroMarche} (id ${DEMO.marcheId}) déjà présent`);
    expect(second.output()).toMatch(/Horloge\s+\S+ = heure réelle \+ 20\.0 j/);
    expect(await login(second.url, DEMO.users.moa.login)).toBe(200);
    expect(await interrupt(second)).toBe(0);
    expect(alive(second.jvmPid)).toBe(false);
    // Two `npm start` boots as child processes, each loading the sources through tsx: 10-15 s each on a loaded
    // 2-core machine, so the default 30 s timed it out under load
  }, 90_000);
});
