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
   * Offset to start from (ms, finite, negative when a previous run started in the past), e.g. the one a previous run
   * of the embedded platform saved with its data, so that dossiers dated in that run's future stay in the past or
   * present of this one. Default 0.
   */
  readonly initialOffsetMs?: number;
  /**
   * The instant the clock reads when it is built, in the past or the future of the base clock (tests that must
   * read the same dates whatever the machine's date). Overrides `initialOffsetMs`.
   */
  readonly startAt?: Date;
}

/**
 * A clock running at real speed plus an offset fixed at its start (any instant, before or after the base clock's)
 * that then only moves forward.
 */
export class ShiftableClock implements Clock {
  private offsetMs: number;
  private readonly listeners = new Set<(now: Date) => void | Promise<void>>();

  constructor(
    private readonly base: Clock = systemClock,
    options: ShiftableClockOptions = {},
  ) {
    const initial =
      options.startAt === undefined ? (options.initialOffsetMs ?? 0) : options.startAt.getTime() - base.now().getTime();
    if (!Number.isFinite(initial)) throw new RangeError('the start instant or initial offset must be finite');
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
