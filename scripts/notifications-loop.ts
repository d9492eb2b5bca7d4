/**
 * The notification integration test in a loop, under CPU load (issue 13): each run starts its own embedded platform
 * and checks that one 40-day clock jump across three dossiers sends every reminder once and before its deadline and
 * fires every deadline at its instant (none armed late), that a failed send is retried without a duplicate, and that
 * a platform killed while sending sends the e-mail once after its restart
 * (test/integration/notifications/platform-delivery.test.ts). Not part of `npm test`: it takes minutes.
 *
 *   npx tsx scripts/notifications-loop.ts                 20 runs, one extra busy core
 *   npx tsx scripts/notifications-loop.ts 5 --burn 0      5 runs, no extra load
 *
 * Prints each run's outcome (exit code or signal) and duration, the machine's load average, then the count of
 * failures (exit code 1 if any). Each run's whole output is kept in a temporary folder, named at the start.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

const TEST = 'test/integration/notifications/platform-delivery.test.ts';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const runs = Number(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 20);
const burn = option('--burn', 1);

/** A worker that keeps one core busy until it is terminated. */
function burner(): Worker {
  return new Worker('for (;;) { Math.sqrt(Math.random()); }', { eval: true });
}

interface RunOutcome {
  readonly ok: boolean;
  readonly seconds: number;
  /** How the run ended: its exit code, or the signal that ended it. */
  readonly end: string;
  readonly tail: string;
}

/**
 * When `npm ci` last wrote node_modules. A run during which it changed (an `npm ci` in the same folder, e.g. by a
 * landing) fails for that reason alone ("npx canceled due to missing packages", a CDK asset not found): such a run
 * says so instead of passing for a failure of the test.
 */
function modulesStamp(): string {
  try {
    const stat = fs.statSync(path.join('node_modules', '.package-lock.json'));
    return `${stat.ino}:${stat.mtimeMs}`;
  } catch {
    return 'absent';
  }
}

/** One run; its whole output (stdout and stderr, as they came) goes to `log`. */
function runOnce(log: string): Promise<RunOutcome> {
  const t0 = Date.now();
  const modules = modulesStamp();
  return new Promise((resolve) => {
    const child = spawn('npx', ['vitest', 'run', TEST], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const file = fs.createWriteStream(log);
    let out = '';
    const keep = (chunk: Buffer) => {
      file.write(chunk);
      out = (out + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('close', (code, signal) => {
      const replaced = modulesStamp() !== modules ? ', node_modules replaced during the run (npm ci?)' : '';
      const end = `${signal ? `signal ${signal}` : `exit code ${code}`}${replaced}`;
      file.end(`\n[notifications-loop] ${end} after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      resolve({ ok: code === 0, seconds: (Date.now() - t0) / 1000, end, tail: out });
    });
  });
}

async function main(): Promise<void> {
  const burners = Array.from({ length: burn }, burner);
  const logs = fs.mkdtempSync(path.join(os.tmpdir(), 'notifications-loop-'));
  console.log(`each run's whole output: ${logs}/run-N.log`);
  let failures = 0;
  const durations: number[] = [];
  try {
    for (let i = 1; i <= runs; i++) {
      const r = await runOnce(path.join(logs, `run-${i}.log`));
      durations.push(r.seconds);
      if (!r.ok) failures += 1;
      const load = os.loadavg().map((l) => l.toFixed(1));
      console.log(
        `run ${i}/${runs}: ${r.ok ? 'ok' : `ÉCHEC (${r.end})`} in ${r.seconds.toFixed(0)} s (load ${load.join(' ')}, ${burn} extra busy core(s))`,
      );
      if (!r.ok) console.log(`${r.tail}\n(whole output: ${path.join(logs, `run-${i}.log`)})`);
    }
  } finally {
    await Promise.all(burners.map((w) => w.terminate()));
  }
  const sorted = [...durations].sort((a, b) => a - b);
  console.log(
    `${runs - failures}/${runs} passed; duration median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} s, max ${sorted.at(-1)?.toFixed(0)} s; ${os.cpus().length} cores`,
  );
  process.exitCode = failures > 0 ? 1 : 0;
}

void main();
