import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, startPlatform } from '../../../infra/local/platform';
import { bootLikeNpmStart, CRASH_START, type CrashOp, crashProblems, crashScenario, runCrashOp } from './scenario';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'child.ts');

export interface CrashOptions {
  /** An empty folder for the platform's data (kept across the kills). */
  readonly dataDir: string;
  /** Names the scenario's dossiers. */
  readonly tag: string;
  /** Kill points are drawn from it: the same seed draws the same points (their timing still varies with load). */
  readonly seed: number;
  /** Times the platform is killed before a last start runs what is left and checks. */
  readonly kills: number;
  /** Dossiers deposited on each of the two days (default 4). */
  readonly perDay?: number;
  readonly log?: (line: string) => void;
}

export interface CrashReport {
  readonly kills: number;
  /** Operations the killed platforms had answered (acknowledged writes and advances), of `operations`. */
  readonly acknowledged: number;
  readonly operations: number;
  readonly dossiers: number;
  /** Everything found wrong (empty: nothing lost, nothing applied twice, every chain sound). */
  readonly problems: string[];
  readonly seconds: number;
}

interface Reply {
  readonly ready?: boolean;
  readonly seq?: number;
  readonly ok?: boolean;
  readonly now?: string;
  readonly error?: string;
}

/** A small seeded generator (mulberry32): the kill points of a seed are the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Runs the crash scenario (scenario.ts): a child process runs the platform on `dataDir` and the operations one by
 * one; at a random operation, a random few milliseconds after it was sent, it is killed with SIGKILL (in the middle
 * of a deposit, of the clock advance that fires deadlines, of the resume at boot, or between two); it is started
 * again and goes on from the first operation it had not answered. After `kills` kills, this process starts the
 * platform itself on the same data, boots it as `npm start` does, runs what is left and checks every dossier.
 */
export async function runCrashScenario(options: CrashOptions): Promise<CrashReport> {
  const t0 = performance.now();
  const log = options.log ?? (() => undefined);
  const next = random(options.seed);
  const { ops, expected } = crashScenario(options.tag, options.perDay);
  const problems: string[] = [];
  let done = 0;
  let acknowledged = 0;
  let kills = 0;
  // The clock never goes back: after a restart it reads at least the last instant an advance reached
  let clockFloor = Date.parse(CRASH_START);
  const checkClock = (now: string | undefined, when: string) => {
    if (now === undefined || Date.parse(now) < clockFloor) {
      problems.push(`${when} : l'horloge lit ${now}, en deçà du ${new Date(clockFloor).toISOString()} déjà atteint`);
    }
  };

  for (let round = 0; round < options.kills && done < ops.length && problems.length === 0; round++) {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, options.dataDir, ...(round === 0 ? [CRASH_START] : [])],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const ready = await reply(child, (m) => m.ready === true, 120_000);
      if (!ready) throw new Error(`la plateforme du tour ${round + 1} ne démarre pas : ${stderr}`);
      checkClock(ready.now, `redémarrage ${round + 1}`);
      // Spread over what is left: each kill falls within its share of the remaining operations
      const span = Math.ceil((ops.length - done) / (options.kills - round));
      const killAt = done + Math.floor(next() * span);
      const delayMs = Math.floor(next() * 250);
      log(`tour ${round + 1} : tué ${delayMs} ms après l'envoi de l'opération ${killAt + 1}/${ops.length}`);
      for (let i = done; i < ops.length; i++) {
        const op = ops[i] as CrashOp;
        child.send({ seq: i, op });
        if (i === killAt) setTimeout(() => child.kill('SIGKILL'), delayMs);
        const answer = await reply(child, (m) => m.seq === i, 120_000);
        if (!answer) {
          // Killed before it answered: the operation is sent again after the restart. Ended on its own: a fault
          if (child.signalCode !== 'SIGKILL') problems.push(`la plateforme s'est arrêtée seule : ${stderr}`);
          break;
        }
        if (!answer.ok) {
          problems.push(`opération ${i + 1} (${JSON.stringify(op)}) refusée : ${answer.error}`);
          break;
        }
        done = i + 1;
        acknowledged += 1;
        if (op.kind === 'advance') clockFloor = Math.max(clockFloor, Date.parse(op.to));
        checkClock(answer.now, `opération ${i + 1}`);
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      kills += 1;
    }
  }

  // The last start, in this process: what `npm start` does, then the rest of the operations, then the checks
  const platform = await startPlatform({ port: 0, inMemory: false, dataDir: options.dataDir });
  try {
    await bootLikeNpmStart(platform);
    checkClock(platform.clock.now().toISOString(), 'dernier démarrage');
    for (const op of ops.slice(done)) await runCrashOp(platform, op);
    problems.push(...(await crashProblems(platform, expected)));
  } finally {
    await platform.stop();
  }
  return {
    kills,
    acknowledged,
    operations: ops.length,
    dossiers: expected.length,
    problems,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The child's first message matching `wanted`, or undefined when it exits (or `timeoutMs` passes) first. */
function reply(child: ChildProcess, wanted: (m: Reply) => boolean, timeoutMs: number): Promise<Reply | undefined> {
  return new Promise((resolve) => {
    const onMessage = (m: Reply) => {
      if (!wanted(m)) return;
      finish(m);
    };
    const onExit = () => finish(undefined);
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    function finish(m: Reply | undefined) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (child.exitCode !== null || child.signalCode !== null) finish(undefined);
  });
}

export interface CrashTotals {
  readonly scenarios: number;
  readonly kills: number;
  readonly acknowledged: number;
  readonly dossiers: number;
  readonly problems: string[];
  readonly seconds: number;
}

/** `rounds` kills in all, four per scenario, each scenario on a fresh temporary folder (removed afterwards). */
export async function runCrashRounds(options: {
  readonly rounds: number;
  readonly seed: number;
  readonly perDay?: number;
  readonly log?: (line: string) => void;
}): Promise<CrashTotals> {
  const t0 = performance.now();
  const totals = { scenarios: 0, kills: 0, acknowledged: 0, dossiers: 0, problems: [] as string[] };
  for (let left = Math.max(1, options.rounds); left > 0; left -= 4) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crash-'));
    const tag = `S${totals.scenarios + 1}`;
    try {
      const r = await runCrashScenario({
        dataDir,
        tag,
        seed: options.seed + totals.scenarios,
        kills: Math.min(4, left),
        ...(options.perDay ? { perDay: options.perDay } : {}),
        ...(options.log ? { log: (line: string) => options.log?.(`${tag} ${line}`) } : {}),
      });
      totals.scenarios += 1;
      totals.kills += r.kills;
      totals.acknowledged += r.acknowledged;
      totals.dossiers += r.dossiers;
      totals.problems.push(...r.problems.map((p) => `${tag} ${p}`));
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return { ...totals, seconds: (performance.now() - t0) / 1000 };
}
