/**
 * `npm run crash [-- --rounds N] [-- --seed S] [-- --per-day D]`: the crash tests at length (test/reliability/crash/).
 * The embedded platform runs in a child process on a data folder and is killed with SIGKILL at random points while
 * dossiers are deposited and the clock makes their deadlines fall due; started again each time; at the end every
 * acknowledged write must be there, every tacit outcome applied exactly once, every audit chain sound. N kills in all
 * (default 12), four per scenario on a fresh folder. Prints each kill point and the totals; exit code 1 on any loss.
 */
import { parseArgs } from 'node:util';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.LOCAL_LOG_LEVEL ??= 'WARN';
const { runCrashRounds } = await import('../test/reliability/crash/harness');

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '12' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    'per-day': { type: 'string', default: '4' },
  },
});
const totals = await runCrashRounds({
  rounds: Number(values.rounds),
  seed: Number(values.seed),
  perDay: Number(values['per-day']),
  log: (line) => console.log(line),
});
console.log(
  `Crash : ${totals.kills} arrêts brutaux (SIGKILL) en ${totals.scenarios} scénarios, ${totals.acknowledged} opérations acquittées avant un arrêt, ${totals.dossiers} dossiers, ${totals.problems.length} perte(s) ou anomalie(s), ${totals.seconds.toFixed(1)} s (graine ${values.seed}).`,
);
for (const p of totals.problems) console.log(`  ✗ ${p}`);
process.exit(totals.problems.length === 0 ? 0 : 1);
