import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import type { GatewayOptions } from './gateway-options';
import type { Match } from './gateway-routing';
import { readBody } from './net';
import type { LocalLambdaHandler } from './types';

const TEXT_TYPES =
  /^(text\/|application\/(json|[\w.+-]*\+json|xml|[\w.+-]*\+xml|javascript|x-www-form-urlencoded|problem\+json|graphql))/i;

function apiGatewayTime(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** The headers CORS adds to a response to `req`, from the HTTP API's CORS configuration (none without one). */
export type CorsHeaders = (req: http.IncomingMessage) => Record<string, string>;

export function corsHeadersOf(options: Pick<GatewayOptions, 'cors'>): CorsHeaders {
  return (req) => {
    const origin = req.headers.origin;
    const cors = options.cors();
    if (!origin || !cors) return {};
    const allowed = cors.allowOrigins.includes('*') ? '*' : cors.allowOrigins.includes(origin) ? origin : undefined;
    if (!allowed) return {};
    return {
      'access-control-allow-origin': allowed,
      ...(cors.exposeHeaders.length ? { 'access-control-expose-headers': cors.exposeHeaders.join(',') } : {}),
      ...(allowed !== '*' ? { vary: 'Origin' } : {}),
    };
  };
}

/** How the gateway reaches a function: the payload 2.0 event it builds, the invocation, the response it writes. */
export interface LambdaFront {
  readonly maxBody: number;
  readonly buildEvent: (
    req: http.IncomingMessage,
    url: URL,
    match: Match,
    authorizer?: { claims: Record<string, string>; scopes: string[] | null },
  ) => Promise<unknown>;
  readonly invoke: (target: string | LocalLambdaHandler, event: unknown) => Promise<unknown>;
  readonly reply: (req: http.IncomingMessage, res: http.ServerResponse, result: unknown) => void;
}

export function lambdaFront(options: GatewayOptions, corsHeaders: CorsHeaders): LambdaFront {
  const maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024;

  const buildEvent = async (
    req: http.IncomingMessage,
    url: URL,
    match: Match,
    authorizer?: { claims: Record<string, string>; scopes: string[] | null },
  ) => {
    const raw = await readBody(req, maxBody);
    const headers: Record<string, string> = {};
    let cookies: string[] | undefined;
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = (req.rawHeaders[i] as string).toLowerCase();
      const value = req.rawHeaders[i + 1] as string;
      if (name === 'cookie') {
        cookies = [
          ...(cookies ?? []),
          ...value
            .split(';')
            .map((c) => c.trim())
            .filter(Boolean),
        ];
        continue;
      }
      headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
    }
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
    const isText = TEXT_TYPES.test(headers['content-type'] ?? 'application/json');
    const now = options.clock.now();
    const routeKey = `${match.route.method} ${match.route.path}`;
    return {
      version: '2.0',
      routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      ...(cookies ? { cookies } : {}),
      headers,
      ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
      requestContext: {
        accountId: options.account,
        apiId: 'local',
        ...(authorizer ? { authorizer: { jwt: authorizer } } : {}),
        domainName: headers.host ?? 'localhost',
        domainPrefix: (headers.host ?? 'localhost').split('.')[0],
        http: {
          method: req.method,
          path: url.pathname,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey,
        stage: '$default',
        time: apiGatewayTime(now),
        timeEpoch: now.getTime(),
      },
      ...(Object.keys(match.pathParameters).length ? { pathParameters: match.pathParameters } : {}),
      ...(raw.length ? { body: isText ? raw.toString('utf8') : raw.toString('base64') } : {}),
      isBase64Encoded: raw.length > 0 && !isText,
    };
  };

  const invoke = async (target: string | LocalLambdaHandler, event: unknown): Promise<unknown> => {
    if (typeof target !== 'string') {
      return options.activity.track(
        (async () =>
          target(event, {
            functionName: 'local-route',
            functionVersion: '$LATEST',
            invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:local-route',
            memoryLimitInMB: '512',
            awsRequestId: randomUUID(),
            logGroupName: '/aws/lambda/local-route',
            logStreamName: 'local',
            callbackWaitsForEmptyEventLoop: true,
            getRemainingTimeInMillis: () => 30_000,
            done: () => undefined,
            fail: () => undefined,
            succeed: () => undefined,
          }))(),
      );
    }
    const runtime = options.runtime();
    if (!runtime) throw new Error('plateforme en cours de démarrage');
    return runtime.invoke(target, event);
  };

  /** Payload 2.0 response: a structured result, or any other value as a 200 JSON body. */
  const reply = (req: http.IncomingMessage, res: http.ServerResponse, result: unknown) => {
    const structured = result !== null && typeof result === 'object' && 'statusCode' in (result as object);
    let status = 200;
    const headers: Record<string, string | string[]> = { ...corsHeaders(req) };
    let body: Buffer;
    if (structured) {
      const r = result as {
        statusCode: number;
        headers?: Record<string, unknown>;
        body?: string;
        isBase64Encoded?: boolean;
        cookies?: string[];
      };
      status = Number(r.statusCode);
      for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
      if (r.cookies?.length) headers['set-cookie'] = r.cookies;
      body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8');
    } else {
      headers['content-type'] = 'application/json';
      body = Buffer.from(typeof result === 'string' ? result : JSON.stringify(result ?? null));
    }
    headers['content-length'] = String(body.length);
    res.writeHead(status, headers);
    res.end(body);
  };

  return { maxBody, buildEvent, invoke, reply };
}
