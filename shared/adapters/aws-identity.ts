import type { AwsCredentialIdentity } from '@smithy/types';

/**
 * Region and credentials of this process's environment: AWS_REGION, the role's keys (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, as Lambda and the embedded platform set them).
 */
export function environmentIdentity(env: NodeJS.ProcessEnv = process.env): {
  region: () => Promise<string>;
  credentials: () => Promise<AwsCredentialIdentity>;
} {
  return {
    region: async () => {
      const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
      if (!region) throw new Error('AWS_REGION is not set');
      return region;
    },
    credentials: async () => credentialsFromEnv(env),
  };
}

/**
 * The credentials in `env`, read at each call (Lambda renews the role's keys in place), as the SDK's `fromEnv`
 * (@aws-sdk/credential-provider-env) reads them: the key and secret are required, the session token, expiry, scope and
 * account id taken when present. The SDK's provider is not imported: it brings `@aws-sdk/core`'s client helpers
 * (with AWS's partition table, evaluated at import) and `@smithy/core`'s config loaders, ~20 KB that every function
 * signing a request would load at cold start to read six variables (docs/DESIGN.md#what-a-cold-start-pays).
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): AwsCredentialIdentity {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    const error = new Error('Unable to find environment variable credentials.');
    error.name = 'CredentialsProviderError';
    throw error;
  }
  const sessionToken = env.AWS_SESSION_TOKEN;
  const expiration = env.AWS_CREDENTIAL_EXPIRATION;
  const credentialScope = env.AWS_CREDENTIAL_SCOPE;
  const accountId = env.AWS_ACCOUNT_ID;
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiration ? { expiration: new Date(expiration) } : {}),
    ...(credentialScope ? { credentialScope } : {}),
    ...(accountId ? { accountId } : {}),
  };
}
