import type { AwsCredentialIdentity } from '@smithy/types';
import { environmentIdentity } from './aws-identity';
import { AwsJsonService } from './aws-json';

/**
 * Lambda's Invoke (RequestResponse) without the SDK's Lambda client: a POST of the event as JSON to
 * `/2015-03-31/functions/{name}/invocations`, signed with Signature V4 for `lambda`, on the transport of
 * aws-json.ts (its retries: network errors, 5xx, 429 and throttling tried again; anything else thrown as an
 * `AwsServiceError`). Used by an API function to hand work to a worker function (docs/evidence-pack.md).
 *
 * A function that threw is answered 200 with the header `X-Amz-Function-Error` and the payload
 * `{ errorType, errorMessage, trace }` the runtime wrote: that becomes a thrown `FunctionError`, never a value.
 */

/** The invoked function failed (its handler threw, or the runtime stopped it: timeout, memory). */
export class FunctionError extends Error {
  override readonly name = 'FunctionError';
  constructor(
    readonly functionName: string,
    /** `errorType` of the payload (the error's name), or what `X-Amz-Function-Error` said. */
    readonly errorType: string,
    message: string,
  ) {
    super(`${functionName}: ${errorType}: ${message}`);
  }
}

export interface LambdaInvokerOptions {
  /** Where requests go (AWS_ENDPOINT_URL_LAMBDA, else AWS's regional endpoint). */
  readonly endpoint?: string;
  readonly region?: () => Promise<string>;
  readonly credentials?: () => Promise<AwsCredentialIdentity>;
  /** Waits before attempt 2, 3; tests pass one that does not wait. */
  readonly backoff?: (attempt: number, throttled: boolean) => Promise<void>;
}

export class LambdaInvoker {
  private readonly service: AwsJsonService;

  constructor(options: LambdaInvokerOptions = {}) {
    const identity = environmentIdentity();
    const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL_LAMBDA;
    this.service = new AwsJsonService({
      signingName: 'lambda',
      endpoint: (region) => new URL(endpoint ?? `https://lambda.${region}.amazonaws.com`),
      region: options.region ?? identity.region,
      credentials: options.credentials ?? identity.credentials,
      ...(options.backoff ? { backoff: options.backoff } : {}),
    });
  }

  /** Runs `functionName` on `event` and resolves with what its handler returned (parsed JSON). */
  async invoke(functionName: string, event: unknown): Promise<unknown> {
    const res = await this.service.post(
      `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`,
      JSON.stringify(event),
    );
    const value: unknown = res.text ? JSON.parse(res.text) : null;
    const failed = res.headers['x-amz-function-error'];
    if (failed !== undefined) {
      const payload = (value ?? {}) as { errorType?: unknown; errorMessage?: unknown };
      throw new FunctionError(
        functionName,
        String(payload.errorType ?? failed),
        String(payload.errorMessage ?? 'the function failed'),
      );
    }
    return value;
  }
}
