import { fromEnv } from '@aws-sdk/credential-provider-env';
import { afterEach, describe, expect, it } from 'vitest';
import { credentialsFromEnv, environmentIdentity } from '../../../shared/adapters/aws-identity';

/**
 * The role's credentials read from the environment without the SDK's provider (shared/adapters/aws-identity.ts),
 * compared with that provider (@aws-sdk/credential-provider-env's `fromEnv`) on the same variables.
 */

const KEYS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_CREDENTIAL_SCOPE',
  'AWS_ACCOUNT_ID',
] as const;
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));

function setEnv(values: Partial<Record<(typeof KEYS)[number], string>>): void {
  for (const k of KEYS) {
    if (values[k] === undefined) delete process.env[k];
    else process.env[k] = values[k];
  }
}

afterEach(() => setEnv(saved as Record<string, string>));

/** The SDK's answer without the metadata it adds for its user agent (`$source`), which signing does not read. */
async function sdkCredentials(): Promise<Record<string, unknown>> {
  const { $source: _, ...credentials } = (await fromEnv()()) as unknown as Record<string, unknown>;
  return credentials;
}

describe('credentials from the environment', () => {
  it('reads the key, the secret and the session token as the SDK does', async () => {
    setEnv({
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      AWS_SESSION_TOKEN: 'token-1',
    });
    const expected = {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      sessionToken: 'token-1',
    };
    expect(credentialsFromEnv(process.env)).toEqual(expected);
    expect(await sdkCredentials()).toEqual(expected);
    expect(await environmentIdentity().credentials()).toEqual(expected);
  });

  it('takes the expiry, the scope and the account id when present, as the SDK does', async () => {
    setEnv({
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_CREDENTIAL_EXPIRATION: '2026-12-04T18:00:00Z',
      AWS_CREDENTIAL_SCOPE: 'eu-west-3',
      AWS_ACCOUNT_ID: '123456789012',
    });
    const expected = {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
      expiration: new Date(Date.UTC(2026, 11, 4, 18, 0, 0)),
      credentialScope: 'eu-west-3',
      accountId: '123456789012',
    };
    expect(credentialsFromEnv(process.env)).toEqual(expected);
    expect(await sdkCredentials()).toEqual(expected);
  });

  it('reads the variables again at each call (Lambda renews the role’s keys in place)', async () => {
    setEnv({ AWS_ACCESS_KEY_ID: 'AKID1', AWS_SECRET_ACCESS_KEY: 's1' });
    const identity = environmentIdentity();
    expect((await identity.credentials()).accessKeyId).toBe('AKID1');
    setEnv({ AWS_ACCESS_KEY_ID: 'AKID2', AWS_SECRET_ACCESS_KEY: 's2' });
    expect((await identity.credentials()).accessKeyId).toBe('AKID2');
  });

  it('refuses, as the SDK does, when the key or the secret is missing', async () => {
    setEnv({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE' });
    await expect(environmentIdentity().credentials()).rejects.toMatchObject({
      name: 'CredentialsProviderError',
      message: 'Unable to find environment variable credentials.',
    });
    await expect(fromEnv()()).rejects.toMatchObject({ name: 'CredentialsProviderError' });
  });
});
