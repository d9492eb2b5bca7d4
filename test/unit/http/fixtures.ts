import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { Clock } from '../../../shared/adapters/clock';
import type { HttpRequest, HttpResponse } from '../../../shared/http/types';
import { overrideContext } from '../../../shared/services/context';

export interface FakeRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  query?: Record<string, string>;
  params?: Record<string, string>;
  /** JWT claims; omit for an anonymous request. */
  claims?: Record<string, string>;
  requestId?: string;
}

let counter = 0;

/** An API Gateway HTTP API (payload 2.0) event as the JWT authorizer hands it to the function. */
export function httpEvent(r: FakeRequest = {}): APIGatewayProxyEventV2 {
  const method = r.method ?? 'GET';
  const path = r.path ?? '/v1/essais';
  counter += 1;
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(r.query ?? {}).toString(),
    headers: r.headers ?? {},
    ...(r.query ? { queryStringParameters: r.query } : {}),
    ...(r.params ? { pathParameters: r.params } : {}),
    ...(r.body !== undefined ? { body: r.body } : {}),
    isBase64Encoded: r.isBase64Encoded ?? false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'vitest' },
      requestId: r.requestId ?? `req-${counter}`,
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '31/Mar/2025:10:00:00 +0000',
      timeEpoch: 1743415200000,
      ...(r.claims ? { authorizer: { jwt: { claims: r.claims, scopes: [] } } } : {}),
    },
  } as APIGatewayProxyEventV2;
}

/** A Lambda context without `getRemainingTimeInMillis` (as on the embedded platform): no early timeout. */
export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'essai',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-3:123456789012:function:essai',
    memoryLimitInMB: '256',
    awsRequestId: 'aws-req',
    logGroupName: '/aws/lambda/essai',
    logStreamName: 'stream',
  } as unknown as Context;
}

export function silentLogger(): Logger {
  return new Logger({ serviceName: 'essai', logLevel: 'SILENT' });
}

/** A middy request for running one middleware alone. */
export function middyRequest(event: APIGatewayProxyEventV2): HttpRequest {
  return { event, context: lambdaContext(), response: null, error: null, internal: {} };
}

export const USER = { sub: 'user-1', email: 'marie.durand@example.fr' };

export function fixedClock(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => new Date(now.getTime()), set: (v: string) => (now = new Date(v)) };
}

export function useClock(c: Clock): void {
  overrideContext({ clock: c });
}

export function restoreClock(): void {
  overrideContext(undefined);
}

export function json(response: HttpResponse | undefined): Record<string, unknown> {
  if (typeof response?.body !== 'string') throw new Error('no body');
  return JSON.parse(response.body) as Record<string, unknown>;
}

/** Header lookup ignoring case, as HTTP does. */
export function header(response: HttpResponse | undefined, name: string): string | undefined {
  const entry = Object.entries(response?.headers ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase());
  return entry === undefined ? undefined : String(entry[1]);
}

/** Runs a middleware step that may throw synchronously or reject, as a promise (for `.rejects`). */
export function attempt(step: () => unknown): Promise<unknown> {
  return Promise.resolve().then(step);
}
