import { afterAll, beforeAll } from 'vitest';
import { type Platform, type StartPlatformOptions, startPlatform } from '../../infra/local/platform';

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
