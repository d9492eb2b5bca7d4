import type { LambdaKey } from '../../functions/registry';
import type { ShiftableClock } from '../../shared/adapters/clock';
import type { Activity } from './activity';
import type { LambdaRuntime } from './lambda-runtime';

/**
 * The schedule functions the embedded platform runs itself (EventBridge Scheduler runs them on AWS): the sweep of
 * uploads whose S3 event never arrived (`documentsBalayage`). Rather than every 15 minutes of the platform clock
 * (a clock moved by 30 days would run it 2,880 times), it runs once after each move of the clock, whatever its
 * size, and every minute of real time; runs never overlap, and a request made during a run gives one more run.
 * Each run is tracked as activity: once `advanceClock` or `settle` resolves, the sweep has seen the clock's instant.
 */
export const LOCAL_SCHEDULED: readonly LambdaKey[] = ['documentsBalayage'];

export function startLocalSchedules(options: {
  readonly clock: ShiftableClock;
  readonly activity: Activity;
  readonly runtime: LambdaRuntime;
  readonly functionKeys: ReadonlyMap<string, LambdaKey>;
  readonly everyMs?: number;
}): () => void {
  const ids = [...options.functionKeys].filter(([, key]) => LOCAL_SCHEDULED.includes(key)).map(([id]) => id);
  let stopped = false;
  let running = false;
  let again = false;
  const runAll = async () => {
    running = true;
    try {
      do {
        again = false;
        for (const id of ids) {
          if (stopped) return;
          await options.runtime.invoke(id, {}).catch((error: unknown) => {
            if (!stopped) console.warn(`plateforme locale : la tâche planifiée ${id} a échoué`, error);
          });
        }
      } while (again && !stopped);
    } finally {
      running = false;
    }
  };
  const request = () => {
    if (stopped || ids.length === 0) return;
    if (running) again = true;
    else void options.activity.track(runAll());
  };
  const unsubscribe = options.clock.onAdvance(() => request());
  const interval = setInterval(request, options.everyMs ?? 60_000);
  interval.unref();
  return () => {
    stopped = true;
    unsubscribe();
    clearInterval(interval);
  };
}
