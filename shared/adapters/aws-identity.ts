import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentity } from '@smithy/types';

/**
 * Region and credentials of this process's environment: AWS_REGION, the role's keys (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, as Lambda and the embedded platform set them).
 */
export function environmentIdentity(env: NodeJS.ProcessEnv = process.env): {
  region: () => Promise<string>;
  credentials: () => Promise<AwsCredentialIdentity>;
} {
  const credentials = fromEnv();
  return {
    region: async () => {
      const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
      if (!region) throw new Error('AWS_REGION is not set');
      return region;
    },
    credentials: () => credentials(),
  };
}
