import type { LocalModel } from './cdk-model';
import { LOCAL_BUCKET_NAME, LOCAL_CREDENTIALS, LOCAL_REGION, LOCAL_TABLE_NAME } from './platform-options';

/**
 * The environment the handlers run in: the functions' environment from the stack plus the local endpoints, so that
 * an SDK client built with no options talks to the local services.
 */
export function handlerEnvironment(options: {
  readonly model: LocalModel;
  readonly stateMachineArns: Readonly<Record<string, string>>;
  readonly endpoints: {
    readonly gateway: string;
    readonly dynamodb: string;
    readonly s3: string;
    readonly stepfunctions: string;
  };
}): Record<string, string> {
  const { endpoints } = options;
  return {
    ...options.model.functionEnvironment,
    // LOCAL_LOG_LEVEL (e.g. WARN in the test suite) overrides the handlers' log level read from the stack
    ...(process.env.LOCAL_LOG_LEVEL ? { POWERTOOLS_LOG_LEVEL: process.env.LOCAL_LOG_LEVEL } : {}),
    TABLE_NAME: LOCAL_TABLE_NAME,
    BUCKET_NAME: LOCAL_BUCKET_NAME,
    STATE_MACHINES: JSON.stringify(options.stateMachineArns),
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_SFN: endpoints.stepfunctions,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    LOCAL_PLATFORM_URL: endpoints.gateway,
  };
}

/**
 * Sets `env` in `process.env` and removes the session token and profile (the machine's own would mix with the local
 * credentials); returns what puts the previous values back.
 */
export function installProcessEnv(env: Readonly<Record<string, string>>): () => void {
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(env)) {
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
  saved.set('AWS_SESSION_TOKEN', process.env.AWS_SESSION_TOKEN);
  saved.set('AWS_PROFILE', process.env.AWS_PROFILE);
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
