import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { Sha256 } from './sha256';

/**
 * Requests to the AWS services that speak the JSON protocol (`application/x-amz-json-1.0`: DynamoDB, Step
 * Functions), without their SDK clients: a POST of the operation's JSON input, named by the `x-amz-target` header,
 * or (`post`) a JSON body sent to a path of a REST-JSON service (Lambda's Invoke, lambda-invoke.ts), signed with
 * Signature V4 by `@smithy/signature-v4` (the SDK's own signer, as for the S3 requests of
 * `s3-objects.ts`), sent over keep-alive connections with `node:http(s)` as the SDK's Node handler does.
 *
 * Why not the SDK clients: the DynamoDB client and what it pulls in (`@smithy/core`'s protocols, the middleware
 * stack, endpoint rules) weigh ~190 KB in every function's bundle and ~23 ms of its cold import, and each command
 * spends ~1 ms of CPU in the stack around the round trip; the functions send a handful of operations whose wire
 * format is a plain JSON body (issue 16, docs/DESIGN.md#talking-to-aws-without-the-sdk-clients).
 *
 * Failures tried again, as the SDK's standard retry mode does (three attempts in all, full-jitter exponential
 * backoff from 100 ms, 500 ms after throttling): network errors, 5xx, 429 and the throttling errors. Anything else
 * is thrown at once as an `AwsServiceError` carrying the service's error name (`ConditionalCheckFailedException`…)
 * and the error's fields (`CancellationReasons`…).
 */

/** The error a service answered: `name` is its error code without the namespace, fields as the body gave them. */
export class AwsServiceError extends Error {
  /** The HTTP status; `$fault` as the SDK says it: 'client' for 4xx, 'server' for 5xx. */
  readonly $metadata: { readonly httpStatusCode: number; readonly attempts: number };
  readonly $fault: 'client' | 'server';

  constructor(name: string, message: string, status: number, attempts: number, fields: Record<string, unknown> = {}) {
    super(message);
    Object.assign(this, fields);
    this.name = name;
    this.$metadata = { httpStatusCode: status, attempts };
    this.$fault = status >= 500 ? 'server' : 'client';
  }
}

/** Throttling error codes the SDK's standard retry strategy tries again (`@smithy/service-error-classification`). */
const THROTTLING = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
const TRANSIENT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'InternalServerError']);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

export const MAX_ATTEMPTS = 3;

/** Full jitter: a random pause under base × 2^(attempt−1), at most 20 s (the SDK's `defaultRetryBackoffStrategy`). */
export const defaultBackoff = (attempt: number, throttled: boolean): Promise<void> =>
  new Promise((resolve) =>
    setTimeout(resolve, Math.random() * Math.min(20_000, (throttled ? 500 : 100) * 2 ** (attempt - 1))),
  );

export interface AwsJsonServiceOptions {
  /** The signing name: `dynamodb`, `states`. */
  readonly signingName: string;
  /** The target's prefix: `DynamoDB_20120810`, `AWSStepFunctions`; absent for a service reached by path (`post`). */
  readonly targetPrefix?: string;
  /** Where requests go; AWS's regional endpoint when undefined. */
  readonly endpoint: (region: string) => URL;
  readonly region: () => Promise<string>;
  readonly credentials: () => Promise<AwsCredentialIdentity>;
  /** Waits before attempt `attempt` (2, 3); tests pass one that does not wait. */
  readonly backoff?: (attempt: number, throttled: boolean) => Promise<void>;
  /** Error classes by error name, so that callers can test `instanceof`. */
  readonly errors?: Readonly<Record<string, typeof AwsServiceError>>;
}

interface RawResponse {
  readonly status: number;
  readonly text: string;
  /** The response's headers, names in lower case. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** A 2xx answer to `post`: its body as text, its headers (names in lower case). */
export interface AwsJsonResponse extends RawResponse {
  readonly attempts: number;
}

/** One service's signed JSON requests. */
export class AwsJsonService {
  private readonly signer: SignatureV4;
  private endpointOf?: Promise<URL>;
  private readonly exchangeListeners = new Set<(ms: number) => void>();

  constructor(private readonly options: AwsJsonServiceOptions) {
    this.signer = new SignatureV4({
      service: options.signingName,
      region: () => options.region(),
      credentials: () => options.credentials(),
      sha256: Sha256,
    });
  }

  /**
   * Calls `listener` with the milliseconds of each exchange on the wire (one attempt: the request sent, its answer
   * read; signing and parsing excluded), for the benchmarks' raw round trips. Returns what removes it.
   */
  onExchange(listener: (ms: number) => void): () => void {
    this.exchangeListeners.add(listener);
    return () => this.exchangeListeners.delete(listener);
  }

  /** Sends `operation` with `body` (already in the service's JSON form); resolves with the parsed answer. */
  async call(operation: string, body: string): Promise<{ readonly value: unknown; readonly attempts: number }> {
    const { targetPrefix } = this.options;
    if (!targetPrefix) throw new Error(`${this.options.signingName}: call() needs a targetPrefix (use post())`);
    const res = await this.send('', body, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `${targetPrefix}.${operation}`,
    });
    return { value: res.text ? JSON.parse(res.text) : {}, attempts: res.attempts };
  }

  /**
   * POSTs `body` (JSON) to `path` under the endpoint, without `x-amz-target` (a REST-JSON service: Lambda's Invoke);
   * resolves with the 2xx answer as it came, for the caller to read its headers. Failures as for `call`.
   */
  post(path: string, body: string): Promise<AwsJsonResponse> {
    return this.send(path, body, { 'content-type': 'application/json' });
  }

  /** Signs and sends a POST to `relative` under the endpoint's path, tried again as the class comment says. */
  private async send(relative: string, body: string, headers: Record<string, string>): Promise<AwsJsonResponse> {
    this.endpointOf ??= this.options.region().then((region) => this.options.endpoint(region));
    const endpoint = await this.endpointOf;
    const path = `${endpoint.pathname.replace(/\/$/, '')}/${relative.replace(/^\//, '')}`;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= MAX_ATTEMPTS;
      // Signed again at each attempt: the signature holds the instant it was made
      const signed = await this.signer.sign({
        method: 'POST',
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
        path,
        headers: { host: endpoint.host, ...headers, 'content-length': String(Buffer.byteLength(body)) },
        body,
      });
      let res: RawResponse;
      const sentAt = performance.now();
      try {
        res = await post(endpoint, path, signed.headers as Record<string, string>, body);
        for (const listener of this.exchangeListeners) listener(performance.now() - sentAt);
      } catch (e) {
        if (last || !NETWORK.has((e as { code?: string }).code ?? '')) throw e;
        await (this.options.backoff ?? defaultBackoff)(attempt + 1, false);
        continue;
      }
      if (res.status >= 200 && res.status < 300) return { ...res, attempts: attempt };
      const error = this.errorOf(res, attempt);
      const throttled = THROTTLING.has(error.name) || res.status === 429;
      if (last || !(throttled || TRANSIENT.has(error.name) || res.status >= 500)) throw error;
      await (this.options.backoff ?? defaultBackoff)(attempt + 1, throttled);
    }
  }

  private errorOf(res: RawResponse, attempts: number): AwsServiceError {
    let body: Record<string, unknown> = {};
    try {
      body = (res.text ? JSON.parse(res.text) : {}) as Record<string, unknown>;
    } catch {
      // not JSON (a proxy's page): the status says it
    }
    const { __type, message, Message, ...fields } = body;
    // The JSON services name the error in the body (`__type`), the REST-JSON ones (Lambda) in `x-amzn-errortype`
    const header = res.headers['x-amzn-errortype'];
    const typed = __type ?? (typeof header === 'string' ? header.replace(/:.*$/, '') : undefined);
    const name = String(typed ?? `HTTP${res.status}`).replace(/^.*#/, '');
    const Class = this.options.errors?.[name] ?? AwsServiceError;
    const text = String(message ?? Message ?? `${this.options.signingName} answered ${res.status}`);
    return new Class(name, text, res.status, attempts, fields);
  }
}

const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 50 }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 50 }),
};

function post(endpoint: URL, path: string, headers: Record<string, string>, body: string): Promise<RawResponse> {
  const https = endpoint.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(
      {
        method: 'POST',
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        port: endpoint.port || undefined,
        path,
        headers,
        agent: https ? agents.https : agents.http,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
