import type { ShiftableClock } from '../../shared/adapters/clock';
import type { Activity } from './activity';

export type TimerKind = 'TaskTimeout' | 'HeartbeatTimeout' | 'Wait' | 'ExecutionTimeout';

export interface TimerInfo {
  readonly id: number;
  readonly kind: TimerKind;
  readonly dueAt: Date;
  readonly executionArn?: string;
  readonly stateName?: string;
}

export interface FiredTimer extends TimerInfo {
  readonly firedAt: Date;
}

export interface TimerHandle {
  readonly info: TimerInfo;
  cancel(): void;
}

interface Entry {
  readonly info: TimerInfo;
  readonly due: number;
  readonly fire: () => void | Promise<void>;
}

/** Node fires any setTimeout above 2^31-1 ms at once: the real-time wake-up is capped well below. */
const MAX_REAL_DELAY_MS = 60 * 60_000;
const FIRED_LOG_SIZE = 1000;

/**
 * Timers on the platform clock (real time + offset). Each one fires when the clock passes its due instant, whether
 * real time gets there or `advance` jumps over it; no real setTimeout ever holds more than an hour, so a 40-day
 * Wait fires on its day. `advanceBy` moves the clock due instant by due instant, so that what a timer sets off sees
 * the time it was due at, then settles before the next one.
 */
export class VirtualTimers {
  private readonly queue: Entry[] = [];
  private readonly fired: FiredTimer[] = [];
  private firedCount = 0;
  private seq = 0;
  private realTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly clock: ShiftableClock,
    private readonly activity: Activity,
  ) {
    this.unsubscribe = clock.onAdvance(() => this.runDue());
  }

  schedule(
    spec: { kind: TimerKind; dueAt: Date; executionArn?: string; stateName?: string },
    fire: () => void | Promise<void>,
  ): TimerHandle {
    const info: TimerInfo = { id: ++this.seq, ...spec };
    const entry: Entry = { info, due: spec.dueAt.getTime(), fire };
    // Stable: equal instants fire in scheduling order.
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1] as Entry).due > entry.due) i -= 1;
    this.queue.splice(i, 0, entry);
    if (i === 0) this.arm();
    return {
      info,
      cancel: () => {
        const at = this.queue.indexOf(entry);
        if (at >= 0) this.queue.splice(at, 1);
        if (at === 0) this.arm();
      },
    };
  }

  pending(): TimerInfo[] {
    return this.queue.map((e) => e.info);
  }

  /** A mark to pass to `firedSince`. */
  mark(): number {
    return this.firedCount;
  }

  firedSince(mark: number): FiredTimer[] {
    const count = this.firedCount - mark;
    return count <= 0 ? [] : this.fired.slice(-Math.min(count, this.fired.length));
  }

  /**
   * Moves the clock forward by exactly `ms` (its offset grows by `ms`), stopping at each due instant on the way to
   * fire what is due and settle; real time spent meanwhile passes as well, as it would.
   */
  async advanceBy(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
    let remaining = ms;
    for (;;) {
      const next = this.queue[0];
      const now = this.clock.now().getTime();
      if (next && next.due <= now + remaining) {
        const step = Math.max(0, next.due - now);
        remaining -= step;
        if (step > 0) await this.clock.advance(step);
        else await this.runDue();
      } else {
        await this.clock.advance(remaining);
        return;
      }
    }
  }

  /** Fires, in due order, every timer the clock has passed (including those scheduled meanwhile). */
  runDue(): Promise<void> {
    const run = this.running.then(() => this.drain());
    this.running = run.catch(() => undefined);
    return run;
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    if (this.realTimer) clearTimeout(this.realTimer);
    this.unsubscribe();
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      const first = this.queue[0];
      if (!first || first.due > this.clock.now().getTime()) break;
      this.queue.shift();
      this.firedCount += 1;
      this.fired.push({ ...first.info, firedAt: this.clock.now() });
      if (this.fired.length > FIRED_LOG_SIZE) this.fired.shift();
      try {
        await first.fire();
      } catch (error) {
        console.error('plateforme locale : échec d’un minuteur', first.info, error);
      }
      await this.activity.settle();
    }
    this.arm();
  }

  private arm(): void {
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    const first = this.queue[0];
    if (this.stopped || !first) return;
    const delay = Math.min(Math.max(first.due - this.clock.now().getTime(), 0), MAX_REAL_DELAY_MS);
    this.realTimer = setTimeout(() => void this.runDue(), delay);
    this.realTimer.unref();
  }
}
