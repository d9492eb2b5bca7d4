import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { PlatformError, portBusy } from '../errors';
import { closeServer, listen } from '../net';
import { processAlive } from '../process-alive';
import { dynamoDbLocalJar, findJava, type Java, loopbackLauncherClassPath } from './java';

/** How long the JVM has to start and bind its port (seconds on a loaded machine). */
const LISTEN_TIMEOUT_MS = 60_000;

/** The only address DynamoDB Local listens on: it checks no credential, so it must not be reachable from the network. */
export const DYNAMODB_LOCAL_HOST = '127.0.0.1';

/*
 * The JVM runs under a small sh watchdog in its own process group: the watchdog holds our stdin pipe and kills
 * the JVM when it reaches end-of-file, which happens however this process dies (even SIGKILL), so no JVM is left
 * holding its port or its database. Being in its own group, it does not get the terminal's
 * Ctrl-C either: we stop it ourselves, after the rest.
 */
const WATCHDOG = [
  'exec 3<&0',
  '"$@" </dev/null &',
  'jpid=$!',
  'echo "__JVM_PID__=$jpid"',
  'trap \'kill -TERM "$jpid" 2>/dev/null\' TERM INT HUP',
  '( cat <&3 >/dev/null; kill -KILL "$jpid" 2>/dev/null ) &',
  'wpid=$!',
  'exec 3<&-',
  'status=0',
  'while kill -0 "$jpid" 2>/dev/null; do wait "$jpid"; status=$?; done',
  'kill "$wpid" 2>/dev/null',
  'exit $status',
].join('\n');

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** PID of the JVM. */
  readonly pid: number;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Preferred port (0: any free port; a taken preferred port falls back to a free one). */
  readonly port: number;
  /** Directory of the database file (`shared-local-instance.db`); absent: in memory. */
  readonly dbPath?: string;
  /** Where to record the JVM's pid, to reap it if this process is killed before it can stop it. */
  readonly pidFile?: string;
  readonly java?: Java;
}

function commandLineOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

async function waitUntilGone(pids: number[], timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (pids.some(processAlive)) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** Stops a JVM left by a run that was killed (its pid file survived); returns its pid if one was stopped. */
export async function reapStaleJvm(pidFile: string): Promise<number | undefined> {
  if (!fs.existsSync(pidFile)) return undefined;
  let record: { pid?: number; pgid?: number } = {};
  try {
    record = JSON.parse(fs.readFileSync(pidFile, 'utf8')) as typeof record;
  } catch {
    // unreadable: nothing to reap
  }
  fs.rmSync(pidFile, { force: true });
  const { pid, pgid } = record;
  if (!pid || !processAlive(pid)) return undefined;
  const cmd = commandLineOf(pid);
  if (cmd && !cmd.includes('DynamoDBLocal')) return undefined; // the pid was reused by something else
  const signal = (sig: NodeJS.Signals) => {
    for (const target of [pgid ? -pgid : undefined, pid]) {
      if (!target) continue;
      try {
        process.kill(target, sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  if (!(await waitUntilGone([pid], 5000))) {
    signal('SIGKILL');
    await waitUntilGone([pid], 2000);
  }
  return pid;
}

/**
 * Starts Amazon DynamoDB Local (shared DB) and resolves once it listens. The JVM binds the port itself (0: any free
 * one) and says which it holds (LoopbackLauncher.java), so the endpoint is always this JVM's: a port picked free
 * beforehand could be taken by another process before the JVM binds it, and that process taken for DynamoDB Local.
 * A preferred port already taken falls back to a free one.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const java = options.java ?? (await findJava());
  const launcher = await loopbackLauncherClassPath(java);
  // A preferred port seen taken now is not worth a JVM start that would fail on it
  const port = options.port !== 0 && !(await portFreeNow(options.port)) ? 0 : options.port;
  try {
    return await startOnce({ ...options, java }, launcher, port);
  } catch (error) {
    if (!(error instanceof PlatformError && error.code === 'PORT_OCCUPE') || port === 0) throw error;
    return startOnce({ ...options, java }, launcher, 0);
  }
}

/** Whether `port` can be bound on DynamoDB Local's address at this instant (a hint only: it may be taken next). */
async function portFreeNow(port: number): Promise<boolean> {
  const probe = net.createServer();
  try {
    await listen(probe, port, DYNAMODB_LOCAL_HOST);
    return true;
  } catch {
    return false;
  } finally {
    await closeServer(probe);
  }
}

async function startOnce(
  options: DynamoDbLocalOptions & { java: Java },
  launcher: string,
  port: number,
): Promise<DynamoDbLocal> {
  const { java } = options;
  const { dir, jar, libDir } = dynamoDbLocalJar();
  const args = [
    // Faster start, no /tmp/hsperfdata files, small heap: a development database.
    '-XX:TieredStopAtLevel=1',
    '-XX:-UsePerfData',
    '-XX:+UseSerialGC',
    '-Xss1m',
    `-Djava.library.path=${libDir}`,
    // LoopbackLauncher.java: DynamoDB Local as `-jar` would run it, but listening on one address only
    '-cp',
    [launcher, jar].join(path.delimiter),
    'LoopbackLauncher',
    DYNAMODB_LOCAL_HOST,
    String(port),
    '-sharedDb',
    '-disableTelemetry',
    ...(options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory']),
  ];
  if (options.dbPath) fs.mkdirSync(options.dbPath, { recursive: true });

  const child: ChildProcess =
    process.platform === 'win32'
      ? spawn(java.command, args, { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn('/bin/sh', ['-c', WATCHDOG, 'dynamodb-local', java.command, ...args], {
          cwd: dir,
          stdio: ['pipe', 'pipe', 'pipe'],
          detached: true,
        });
  let output = '';
  let jvmPid: number | undefined = process.platform === 'win32' ? child.pid : undefined;
  let resolvePid!: (pid: number) => void;
  const pidKnown = new Promise<number>((resolve) => {
    resolvePid = resolve;
    if (jvmPid) resolve(jvmPid);
  });
  let resolveListening!: (port: number) => void;
  const listening = new Promise<number>((resolve) => {
    resolveListening = resolve;
  });
  const onOutput = (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
    const m = /__JVM_PID__=(\d+)/.exec(output);
    if (m && !jvmPid) {
      jvmPid = Number(m[1]);
      resolvePid(jvmPid);
    }
    // Once seen, the line stays in the window for a while: resolving again changes nothing
    const l = /__LISTENING__=[^\s:]+:(\d+)/.exec(output);
    if (l) resolveListening(Number(l[1]));
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('error', () => undefined);

  const killAll = (sig: NodeJS.Signals) => {
    for (const target of [child.pid && process.platform !== 'win32' ? -child.pid : undefined, jvmPid]) {
      if (!target) continue;
      try {
        process.kill(target, sig);
      } catch {
        // already gone
      }
    }
  };
  const onExit = () => killAll('SIGKILL');
  process.once('exit', onExit);

  const stop = async () => {
    process.off('exit', onExit);
    child.stdin?.end();
    if (child.exitCode === null && child.signalCode === null) {
      killAll('SIGTERM');
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise((r) => setTimeout(() => r(true), 5000)),
      ]);
      if (timedOut) killAll('SIGKILL');
    }
    if (jvmPid) await waitUntilGone([jvmPid], 5000);
    if (options.pidFile) fs.rmSync(options.pidFile, { force: true });
  };

  const exitedEarly = exited.then((code) => Promise.reject(new Error(`le processus Java s’est arrêté (code ${code})`)));
  exitedEarly.catch(() => undefined);
  try {
    const pid = await Promise.race([pidKnown, exitedEarly]);
    if (options.pidFile) {
      fs.mkdirSync(path.dirname(options.pidFile), { recursive: true });
      fs.writeFileSync(options.pidFile, JSON.stringify({ pid, pgid: child.pid, startedAt: new Date().toISOString() }));
    }
    let timer: NodeJS.Timeout | undefined;
    const bound = await Promise.race([
      listening,
      exitedEarly,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`pas à l’écoute après ${LISTEN_TIMEOUT_MS} ms`)), LISTEN_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    return { endpoint: `http://${DYNAMODB_LOCAL_HOST}:${bound}`, port: bound, pid, stop };
  } catch (error) {
    await stop();
    if (/Address already in use|BindException/i.test(output)) throw portBusy(port, 'DynamoDB Local');
    throw new PlatformError(
      'DYNAMODB_LOCAL_DEMARRAGE',
      `DynamoDB Local n'a pas démarré : ${(error as Error).message}\n${output.trim()}\n` +
        'DynamoDB Local did not start (see its output above).',
      { cause: error },
    );
  }
}
