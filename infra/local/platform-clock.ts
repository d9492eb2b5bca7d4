import { ShiftableClock, systemClock } from '../../shared/adapters/clock';
import type { Activity } from './activity';
import { saveClockOffset, startingClockOffset } from './clock-store';
import type { ClockAdvance, Platform } from './platform-options';
import type { VirtualTimers } from './timers';

/** The platform clock: where it starts, how it is kept with the data, how tests and tools move it forward. */

export interface PlatformClock {
  readonly clock: ShiftableClock;
  /** Stops writing the offset to the data folder at each move. */
  readonly stopSaving: () => void;
}

/**
 * The offset saved with the data (or the one `startAt` asks for) comes before anything reads the clock
 * (clock-store.ts); a start instant is saved at once, so that a restart without it carries on from there.
 */
export function startPlatformClock(dataDir: string | undefined, startAt: Date | string | undefined): PlatformClock {
  const clock = new ShiftableClock(systemClock, {
    initialOffsetMs: startingClockOffset(dataDir, startAt, systemClock.now()),
  });
  if (!dataDir) return { clock, stopSaving: () => undefined };
  if (startAt !== undefined) saveClockOffset(dataDir, clock.offset, clock.now());
  const stopSaving = clock.onAdvance((now) => {
    try {
      saveClockOffset(dataDir, clock.offset, now);
    } catch (error) {
      console.error('plateforme locale : le décalage de l’horloge n’a pas pu être enregistré', error);
    }
  });
  return { clock, stopSaving };
}

/** Milliseconds between now and the requested instant, or the sum of the requested units. */
function advanceMs(by: ClockAdvance | { readonly to: Date | string }, now: Date): number {
  if ('to' in by) return new Date(by.to).getTime() - now.getTime();
  const b = by as ClockAdvance;
  return (
    (b.days ?? 0) * 86_400_000 +
    (b.hours ?? 0) * 3_600_000 +
    (b.minutes ?? 0) * 60_000 +
    (b.seconds ?? 0) * 1000 +
    (b.ms ?? 0)
  );
}

/** `Platform.advanceClock`: forward only, timer by timer, resolving once what fell due has run. */
export function clockAdvancer(
  clock: ShiftableClock,
  timers: VirtualTimers,
  activity: Activity,
): Platform['advanceClock'] {
  return async (by) => {
    const ms = advanceMs(by, clock.now());
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('L’horloge locale ne peut qu’avancer.');
    const mark = timers.mark();
    await timers.advanceBy(Math.round(ms));
    await activity.settle();
    return { now: clock.now(), fired: timers.firedSince(mark) };
  };
}
