import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { type Platform, type StartPlatformOptions, startPlatform } from '../../infra/local/platform';
import { keys } from '../../shared/adapters/dynamo/keys';

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
 * Records a user the way the local sign-in finds one (login uniqueness item → userId, user item) and signs in
 * through `POST /_local/login`. Returns the bearer token. `user` adds attributes to the user item.
 */
export async function signIn(
  platform: Platform,
  who: { userId: string; loginAddress: string; user?: Record<string, unknown> },
): Promise<string> {
  const { document } = platform.clients;
  await document.send(
    new PutCommand({
      TableName: platform.tableName,
      Item: { ...keys.uniqueLogin(who.loginAddress), userId: who.userId },
    }),
  );
  await document.send(
    new PutCommand({ TableName: platform.tableName, Item: { ...who.user, ...keys.user(who.userId) } }),
  );
  const res = await fetch(`${platform.url}/_local/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginAddress: who.loginAddress }),
  });
  if (res.status !== 200) throw new Error(`local sign-in failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}
