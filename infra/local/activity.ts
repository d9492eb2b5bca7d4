import { setImmediate as nextMacrotask } from 'node:timers/promises';

/**
 * Work the platform started in-process and that a caller may want to see finished: handler invocations (HTTP,
 * Step Functions tasks, S3 notifications) and timer firings. `settle()` resolves when none is left and the
 * state machines have run every synchronous step that followed (they only advance through promise jobs between
 * two handler calls, so one macrotask turn with nothing in flight means they are all blocked on a callback token
 * or a timer).
 */
export class Activity {
  private readonly inFlight = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const done = () => this.inFlight.delete(work);
    work.then(done, done);
    return work;
  }

  get pending(): number {
    return this.inFlight.size;
  }

  /** Waits until nothing is in flight for two consecutive macrotask turns; gives up after `maxMs` of real time. */
  async settle(maxMs = 30_000): Promise<void> {
    const giveUpAt = Date.now() + maxMs;
    let quietTurns = 0;
    while (quietTurns < 2) {
      if (Date.now() > giveUpAt) {
        throw new Error(`plateforme locale : activité toujours en cours après ${maxMs} ms (${this.inFlight.size})`);
      }
      if (this.inFlight.size > 0) {
        quietTurns = 0;
        // Bounded: a piece of work that never ends (a send hanging on a dead server) must not hold settle forever
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...this.inFlight]),
          new Promise((resolve) => {
            timer = setTimeout(resolve, Math.max(0, giveUpAt - Date.now()) + 1);
          }),
        ]);
        clearTimeout(timer);
      }
      await nextMacrotask();
      if (this.inFlight.size === 0) quietTurns += 1;
    }
  }
}
