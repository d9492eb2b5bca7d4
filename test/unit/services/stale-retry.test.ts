import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/domain/errors';
import { retryOnStale, STALE_ATTEMPTS } from '../../../shared/services/stale-retry';

const noPause = async () => {};
const stale = () => new DomainError('VERSION_PERIMEE', 'modifiée entre-temps', 'STALE');

describe('retryOnStale', () => {
  it('attempts again after a lost optimistic lock and returns the first success', async () => {
    const seen: number[] = [];
    const result = await retryOnStale(
      async (n) => {
        seen.push(n);
        if (n < 2) throw stale();
        return 'écrit';
      },
      STALE_ATTEMPTS,
      noPause,
    );
    expect(result).toBe('écrit');
    expect(seen).toEqual([0, 1, 2]);
  });

  it('gives the 412 to the caller after its attempts are spent', async () => {
    let calls = 0;
    await expect(
      retryOnStale(
        async () => {
          calls++;
          throw stale();
        },
        STALE_ATTEMPTS,
        noPause,
      ),
    ).rejects.toMatchObject({ code: 'VERSION_PERIMEE' });
    expect(calls).toBe(STALE_ATTEMPTS);
    expect(STALE_ATTEMPTS).toBe(8);
  });

  it('never retries another refusal, nor a request that named its version (one attempt)', async () => {
    let calls = 0;
    await expect(
      retryOnStale(async () => {
        calls++;
        throw new DomainError('GESTION_RESERVEE_AU_GP', 'réservé', 'FORBIDDEN');
      }),
    ).rejects.toMatchObject({ code: 'GESTION_RESERVEE_AU_GP' });
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      retryOnStale(async () => {
        calls++;
        throw stale();
      }, 1),
    ).rejects.toMatchObject({ code: 'VERSION_PERIMEE' });
    expect(calls).toBe(1);
  });
});
