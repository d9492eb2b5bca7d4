/**
 * The platform process of the crash tests (test/reliability/crash/harness.ts): starts the embedded platform on a
 * data folder (argv[2]; argv[3], when given, the clock's first instant), boots as `npm start` does, then runs the
 * operations its parent sends over IPC one at a time, answering each once it is done. Its parent kills it with
 * SIGKILL whenever it likes.
 */
import type { CrashOp } from './scenario';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.LOCAL_LOG_LEVEL ??= 'WARN';

const { startPlatform } = await import('../../../infra/local/platform');
const { bootLikeNpmStart, runCrashOp } = await import('./scenario');

type Message = { readonly seq: number; readonly op: CrashOp };

const [dataDir, startAt] = process.argv.slice(2);
if (!dataDir || !process.send) throw new Error('usage: child.ts <dataDir> [startAt], started with an IPC channel');
const send = (message: unknown) => process.send?.(message);
// The parent gone (a test that failed), nothing is left running
process.on('disconnect', () => process.exit(0));

const platform = await startPlatform({ port: 0, inMemory: false, dataDir, ...(startAt ? { startAt } : {}) });
await bootLikeNpmStart(platform);
send({ ready: true, now: platform.clock.now().toISOString() });

let queue = Promise.resolve();
process.on('message', (message: Message) => {
  queue = queue.then(async () => {
    try {
      await runCrashOp(platform, message.op);
      send({ seq: message.seq, ok: true, now: platform.clock.now().toISOString() });
    } catch (error) {
      send({
        seq: message.seq,
        ok: false,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  });
});
