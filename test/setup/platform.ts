import { afterAll, beforeAll } from 'vitest';
import { type Platform, type StartPlatformOptions, startPlatform } from '../../infra/local/platform';

/**
 * Where the platform clock starts for the test files that move it to absolute dates (`advanceClock({ to })`): the
 * machine's date when they were written, so that they read the same dates in every year they run (the clock moves
 * forward only: started at the machine's date, a test going to 2027-03-01 would fail once the machine passes it).
 */
export const FIXED_START = '2026-12-03T09:00:00+01:00';

/**
 * One in-memory platform for the calling test file: started in beforeAll on a free port, stopped in afterAll.
 * Returns a getter (the platform exists only once beforeAll has run).
 */
export function usePlatform(options: Omit<StartPlatformOptions, 'port' | 'inMemory'> = {}): () => Platform {
  let platform: Platform | undefined;
  beforeAll(async () => {
    platform = await startPlatform({ ...options, port: 0, inMemory: true });
  });
  afterAll(async () => {
    await platform?.stop();
  });
  return () => {
    if (!platform) throw new Error('the platform starts in beforeAll');
    return platform;
  };
}

/**
 * Signs a recorded user in through the local gateway (`POST /_local/login`) and returns the bearer token; a refusal
 * throws with the status and the problem the gateway answered.
 */
export async function localToken(baseUrl: string, loginAddress: string): Promise<string> {
  const res = await fetch(`${baseUrl}/_local/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginAddress }),
  });
  if (res.status !== 200) throw new Error(`local sign-in of ${loginAddress} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}
