import { isDomainError } from '../domain/errors';

/** How many times a write that named no version of its own is attempted before its 412 reaches the caller. */
export const STALE_ATTEMPTS = 8;

/** A short random pause before attempt `n + 1`, so that writers which collided do not collide again in step. */
const jitter = (n: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 5 * 2 ** n)));

/**
 * Runs `attempt` again when its transaction lost an optimistic lock (`STALE`: VERSION_PERIMEE,
 * MODIFICATION_CONCURRENTE) to another writer of the same items. Only for requests that did not say which version
 * they change (no If-Match): the caller claimed nothing about the state, so each attempt reads it again and applies
 * its rule to what it reads; nothing is lost, since every attempt is one transaction conditioned on the versions it
 * read. A request with If-Match keeps its 412 (`attempts` 1). Other errors are not retried.
 */
export async function retryOnStale<T>(
  attempt: (n: number) => Promise<T>,
  attempts = STALE_ATTEMPTS,
  pause: (n: number) => Promise<void> = jitter,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (n + 1 >= attempts || !isDomainError(e) || e.kind !== 'STALE') throw e;
      await pause(n);
    }
  }
}
