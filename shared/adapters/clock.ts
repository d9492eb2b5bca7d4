/**
 * One clock for handlers and timers (docs/DESIGN.md#time). In AWS it is the system clock; the embedded
 * platform installs a `ShiftableClock` that `POST /_local/clock` moves forward. Domain code never calls
 * `new Date()`: it receives `now` from here.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface ShiftableClockOptions {
  /**
   * Offset to start from (ms, ≥ 0), e.g. the one a previous run of the embedded platform saved with its data, so
   * that dossiers dated in that run's future stay in the past or present of this one. Default 0.
   */
  readonly initialOffsetMs?: number;
}

/** A clock running at real speed plus an offset that only moves forward. */
export class ShiftableClock implements Clock {
  private offsetMs: number;
  private readonly listeners = new Set<(now: Date) => void | Promise<void>>();

  constructor(
    private readonly base: Clock = systemClock,
    options: ShiftableClockOptions = {},
  ) {
    const initial = options.initialOffsetMs ?? 0;
    if (!Number.isFinite(initial) || initial < 0) throw new RangeError('the initial offset must be a finite ms ≥ 0');
    this.offsetMs = initial;
  }

  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Moves the clock forward and lets timers fire what became due; resolves once they have run. */
  async advance(ms: number): Promise<Date> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
    this.offsetMs += ms;
    const now = this.now();
    for (const listener of this.listeners) await listener(now);
    return now;
  }

  onAdvance(listener: (now: Date) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
