import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { ShiftableClock } from '../../shared/adapters/clock';
import { parisDateOf } from '../../shared/domain/calendar';
import type { Activity } from './activity';
import type { LocalAuth } from './auth';
import type { HttpCors } from './cdk-model';
import type { LambdaRuntime } from './lambda-runtime';
import { readBody, sendJson } from './net';
import type { FiredTimer, VirtualTimers } from './timers';
import type { LocalLambdaHandler } from './types';

export interface GatewayRoute {
  readonly method: string;
  readonly path: string;
  readonly public: boolean;
  /** Registry key, or an in-process handler (extension routes). */
  readonly target: string | LocalLambdaHandler;
}

export type ComponentState = 'starting' | 'ok' | 'error';

export interface GatewayOptions {
  readonly routes: readonly GatewayRoute[];
  readonly runtime: () => LambdaRuntime | undefined;
  readonly auth: LocalAuth;
  readonly clock: ShiftableClock;
  readonly timers: VirtualTimers;
  readonly activity: Activity;
  readonly cors: () => HttpCors | undefined;
  readonly account: string;
  readonly components: () => Record<string, ComponentState>;
  readonly ready: () => boolean;
  /** userId of a login address, from the table. */
  readonly findUser: (loginAddress: string) => Promise<string | undefined>;
  /**
   * Sign-in of a structure's technical account with its login and password (docs/rules/structures.md#technical-account):
   * its user id, or the refusal (code, French message).
   */
  readonly signInTechnical?: (
    login: string,
    password: string,
  ) => Promise<{ readonly userId: string } | { readonly code: string; readonly message: string }>;
  readonly maxBodyBytes?: number;
  /**
   * The token endpoint of the technical accounts' machine clients (`POST /_local/oauth2/token`, client credentials),
   * standing in for the user pool's (infra/local/client-token.ts).
   */
  readonly clientToken?: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;
  /** Serves the portal (the built web app) for paths outside the API; false when the request is not its own. */
  readonly portal?: (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<boolean>;
  /** The platform's own pages under `/_local/` (the local inbox); false when the request is not theirs. */
  readonly pages?: (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<boolean>;
}

/** A path whose percent-encoding does not decode (`/v1/dossiers/%FF`): the client's fault, answered 400. */
class MalformedPath extends Error {}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new MalformedPath(segment);
  }
}

interface Match {
  route: GatewayRoute;
  pathParameters: Record<string, string>;
  score: number[];
}

const TEXT_TYPES =
  /^(text\/|application\/(json|[\w.+-]*\+json|xml|[\w.+-]*\+xml|javascript|x-www-form-urlencoded|problem\+json|graphql))/i;

function matchRoute(route: GatewayRoute, method: string, segments: string[]): Match | undefined {
  if (route.method !== method) return undefined;
  const template = route.path.split('/').slice(1);
  const pathParameters: Record<string, string> = {};
  const score: number[] = [];
  for (let i = 0; i < template.length; i += 1) {
    const t = template[i] as string;
    const greedy = /^\{(.+)\+\}$/.exec(t);
    if (greedy) {
      if (i >= segments.length) return undefined;
      pathParameters[greedy[1] as string] = segments.slice(i).map(decodeSegment).join('/');
      score.push(0);
      return { route, pathParameters, score };
    }
    const seg = segments[i];
    if (seg === undefined) return undefined;
    const param = /^\{(.+)\}$/.exec(t);
    if (param) {
      if (seg === '') return undefined;
      pathParameters[param[1] as string] = decodeSegment(seg);
      score.push(1);
    } else if (t === seg) score.push(2);
    else return undefined;
  }
  return segments.length === template.length ? { route, pathParameters, score } : undefined;
}

/** API Gateway picks the most specific route: literal segments before parameters before greedy ones. */
function bestMatch(routes: readonly GatewayRoute[], method: string, path: string): Match | undefined {
  const segments = path.split('/').slice(1);
  let best: Match | undefined;
  for (const route of routes) {
    const m = matchRoute(route, method, segments);
    if (!m) continue;
    if (!best || compareScores(m.score, best.score) > 0) best = m;
  }
  return best;
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

function apiGatewayTime(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/**
 * The gateway's own refusals, in the API's format (RFC 9457 problem+json, stable code, French detail), so that a
 * client handles them like the handlers' own: unknown route, missing token, malformed path, body too large.
 */
export function problem(
  res: http.ServerResponse,
  status: number,
  code: string,
  title: string,
  detail?: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({
    type: `https://factures-travaux.example/problemes/${code}`,
    title,
    status,
    code,
    detail: detail ?? title,
    instance: randomUUID(),
  });
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * Requests Node's HTTP parser refuses before any handler sees them (headers over 16 KB, a malformed request line):
 * answered as problem+json too, rather than Node's bare `431` or `400` without a body. Wired as the gateway server's
 * `clientError` listener.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const code = tooLarge ? 'EN_TETES_TROP_GRANDS' : 'REQUETE_HTTP_MAL_FORMEE';
  const body = JSON.stringify({
    type: `https://factures-travaux.example/problemes/${code}`,
    title: tooLarge ? 'En-têtes trop grands' : 'Requête mal formée',
    status,
    code,
    detail: tooLarge
      ? 'Les en-têtes de la requête dépassent 16 Ko : raccourcissez-les (jeton, clé d’idempotence, cookies).'
      : 'La requête HTTP est mal formée (ligne de requête ou en-têtes illisibles) : vérifiez le client qui l’envoie.',
    instance: randomUUID(),
  });
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `content-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

const DAY_MS = 86_400_000;

/**
 * The local HTTP gateway: API Gateway HTTP API (payload 2.0) in front of the registry's `http` functions, with a
 * local sign-in standing in for the JWT authorizer, plus the platform's own endpoints (`/health`, `/_local/…`).
 */
export function createGatewayHandler(options: GatewayOptions): http.RequestListener {
  let clockQueue: Promise<unknown> = Promise.resolve();
  const maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024;

  const corsHeaders = (req: http.IncomingMessage): Record<string, string> => {
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

  const route = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    const match = bestMatch(options.routes, req.method ?? 'GET', url.pathname);
    if (!match) {
      problem(
        res,
        404,
        'ROUTE_INCONNUE',
        'Ressource introuvable',
        `Aucune opération ${req.method ?? 'GET'} ${url.pathname.slice(0, 200)} : voir /v1/openapi.json pour la liste des opérations.`,
        corsHeaders(req),
      );
      return;
    }
    let authorizer: Awaited<ReturnType<LocalAuth['verify']>>;
    if (!match.route.public) {
      authorizer = await options.auth.verify(req.headers.authorization);
      if (!authorizer) {
        problem(
          res,
          401,
          'AUTHENTIFICATION_REQUISE',
          'Authentification requise',
          'Jeton absent, invalide ou expiré : connectez-vous (POST /_local/login) et envoyez « Authorization: Bearer <jeton> ».',
          { 'www-authenticate': 'Bearer', ...corsHeaders(req) },
        );
        return;
      }
    }
    const event = await buildEvent(req, url, match, authorizer);
    let result: unknown;
    try {
      result = await invoke(match.route.target, event);
    } catch (error) {
      console.error(`plateforme locale : ${match.route.method} ${match.route.path} a échoué`, error);
      problem(
        res,
        500,
        'ERREUR_INTERNE',
        'Erreur interne',
        'La fonction n’a pas répondu : voir le journal de la plateforme locale.',
        corsHeaders(req),
      );
      return;
    }
    reply(req, res, result);
  };

  const health = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    const components: Record<string, unknown> = { ...options.components() };
    const now = options.clock.now();
    const clockInfo = { now: now.toISOString(), offsetMs: options.clock.offset, parisDate: parisDateOf(now) };
    const allUp = options.ready() && Object.values(components).every((s) => s === 'ok');
    if (!allUp) {
      sendJson(res, 503, { status: 'starting', components, clock: clockInfo });
      return;
    }
    // The registry's health function, reached through the same route and event as in AWS.
    const match = bestMatch(options.routes, 'GET', url.pathname);
    let status = 200;
    let fromFunction: Record<string, unknown> = {};
    if (match) {
      try {
        const result = (await invoke(match.route.target, await buildEvent(req, url, match))) as {
          statusCode?: number;
          body?: string;
        };
        status = Number(result?.statusCode ?? 200);
        if (status >= 400 && status < 500) {
          // the client's fault (e.g. a malformed If-Match): the function's problem goes back untouched
          reply(req, res, result);
          return;
        }
        fromFunction = result?.body ? (JSON.parse(result.body) as Record<string, unknown>) : {};
      } catch (error) {
        console.error('plateforme locale : la fonction health a échoué', error);
        status = 503;
      }
    }
    sendJson(
      res,
      status,
      {
        ...fromFunction,
        status: status === 200 ? 'ok' : 'degraded',
        components: { ...((fromFunction.components as object) ?? {}), ...components },
        clock: clockInfo,
      },
      corsHeaders(req),
    );
  };

  const login = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    let loginAddress: unknown;
    let body: { loginAddress?: unknown; login?: unknown; password?: unknown };
    try {
      body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8') || '{}') as typeof body;
      loginAddress = body.loginAddress;
    } catch {
      problem(res, 400, 'REQUETE_INVALIDE', 'Le corps de la requête doit être du JSON : {"loginAddress": "…"}.');
      return;
    }
    // A technical (API) account signs in with its login and password, checked like the user pool would
    if (body.login !== undefined && options.signInTechnical) {
      if (typeof body.login !== 'string' || typeof body.password !== 'string') {
        problem(
          res,
          422,
          'IDENTIFIANTS_INCOMPLETS',
          'Compte technique : indiquez {"login": "TECH_<siret>", "password": "…"}.',
        );
        return;
      }
      const outcome = await options.signInTechnical(body.login, body.password);
      if ('code' in outcome) {
        problem(res, 401, outcome.code, outcome.message);
        return;
      }
      const issued = await options.auth.issue(outcome.userId, '');
      sendJson(res, 200, {
        token: issued.token,
        tokenType: 'Bearer',
        expiresAt: issued.expiresAt.toISOString(),
        userId: outcome.userId,
        login: body.login,
      });
      return;
    }
    if (typeof loginAddress !== 'string' || !/^\S+@\S+$/.test(loginAddress.trim())) {
      problem(
        res,
        422,
        'ADRESSE_CONNEXION_INVALIDE',
        'Indiquez une adresse de connexion (courriel) dans « loginAddress ».',
      );
      return;
    }
    const address = loginAddress.trim().toLowerCase();
    const userId = await options.findUser(address);
    if (!userId) {
      problem(res, 401, 'CONNEXION_INCONNUE', 'Aucun utilisateur n’est enregistré sous cette adresse de connexion.');
      return;
    }
    const { token, expiresAt } = await options.auth.issue(userId, address);
    sendJson(res, 200, {
      token,
      tokenType: 'Bearer',
      expiresAt: expiresAt.toISOString(),
      userId,
      loginAddress: address,
    });
  };

  const clockState = (extra: Record<string, unknown> = {}) => {
    const now = options.clock.now();
    return {
      now: now.toISOString(),
      offsetMs: options.clock.offset,
      parisDate: parisDateOf(now),
      ...extra,
      pendingTimers: options.timers.pending().map(timerJson),
    };
  };

  const moveClock = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      problem(
        res,
        400,
        'REQUETE_INVALIDE',
        'Le corps de la requête doit être du JSON, par exemple {"advanceDays": 15}.',
      );
      return;
    }
    const units: Record<string, number> = {
      advanceDays: DAY_MS,
      advanceHours: 3_600_000,
      advanceMinutes: 60_000,
      advanceSeconds: 1000,
    };
    const given = Object.keys(body).filter((k) => k in units || k === 'to');
    if (given.length === 0 || (given.includes('to') && given.length > 1)) {
      problem(
        res,
        422,
        'HORLOGE_REQUETE_INVALIDE',
        'Indiquez advanceDays, advanceHours, advanceMinutes, advanceSeconds (nombres) ou to (instant ISO 8601).',
      );
      return;
    }
    let ms = 0;
    if (given.includes('to')) {
      const target = typeof body.to === 'string' ? Date.parse(body.to) : Number.NaN;
      if (Number.isNaN(target)) {
        problem(
          res,
          422,
          'HORLOGE_REQUETE_INVALIDE',
          '« to » doit être un instant ISO 8601, par exemple 2026-03-01T00:00:00Z.',
        );
        return;
      }
      ms = target - options.clock.now().getTime();
    } else {
      for (const k of given) {
        const n = body[k];
        if (typeof n !== 'number' || !Number.isFinite(n)) {
          problem(res, 422, 'HORLOGE_REQUETE_INVALIDE', `« ${k} » doit être un nombre.`);
          return;
        }
        ms += n * (units[k] as number);
      }
    }
    if (ms < 0) {
      problem(
        res,
        422,
        'HORLOGE_RECUL_INTERDIT',
        'L’horloge locale ne peut qu’avancer.',
        'Les délais déjà décomptés et les minuteurs déjà déclenchés ne peuvent pas être rejoués : redémarrez la plateforme pour repartir de l’heure réelle.',
      );
      return;
    }
    const run = clockQueue.then(async () => {
      const mark = options.timers.mark();
      await options.timers.advanceBy(Math.round(ms));
      await options.activity.settle();
      return options.timers.firedSince(mark);
    });
    clockQueue = run.catch(() => undefined);
    const fired: FiredTimer[] = await run;
    sendJson(res, 200, clockState({ advancedMs: Math.round(ms), fired: fired.map(timerJson) }));
  };

  return (req, res) => {
    void (async () => {
      const method = req.method ?? 'GET';
      try {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const cors = options.cors();
        if (method === 'OPTIONS' && cors && req.headers.origin && req.headers['access-control-request-method']) {
          res.writeHead(204, {
            ...corsHeaders(req),
            'access-control-allow-methods': cors.allowMethods.includes('*') ? '*' : cors.allowMethods.join(','),
            'access-control-allow-headers': cors.allowHeaders.join(','),
            ...(cors.maxAge !== undefined ? { 'access-control-max-age': String(cors.maxAge) } : {}),
          });
          res.end();
          return;
        }
        if (url.pathname === '/health' && method === 'GET') return await health(req, res, url);
        if (url.pathname === '/_local/clock' && method === 'GET') return sendJson(res, 200, clockState());
        if (options.portal && (await options.portal(req, res, url))) return;
        if (options.pages && url.pathname.startsWith('/_local/') && (await options.pages(req, res, url))) return;
        if (!options.ready()) {
          problem(
            res,
            503,
            'PLATEFORME_EN_DEMARRAGE',
            'Service indisponible',
            'La plateforme locale démarre : réessayez quand GET /health répond 200.',
            { 'retry-after': '1' },
          );
          return;
        }
        if (url.pathname === '/_local/clock' && method === 'POST') return await moveClock(req, res);
        if (url.pathname === '/_local/login' && method === 'POST') return await login(req, res);
        if (url.pathname === '/_local/oauth2/token' && method === 'POST' && options.clientToken) {
          return await options.clientToken(req, res);
        }
        await route(req, res, url);
      } catch (error) {
        if (res.headersSent) {
          console.error('plateforme locale (passerelle) :', error);
          res.destroy();
        } else if (error instanceof MalformedPath) {
          problem(
            res,
            400,
            'CHEMIN_INVALIDE',
            'Requête mal formée',
            'Le chemin contient un encodage « %xx » qui ne se décode pas en UTF-8 : encodez chaque segment avec encodeURIComponent.',
            corsHeaders(req),
          );
        } else if ((error as { code?: string }).code === 'BODY_TOO_LARGE') {
          problem(
            res,
            413,
            'CORPS_TROP_VOLUMINEUX',
            'Requête trop volumineuse',
            `Le corps de la requête dépasse ${maxBody} octets : les fichiers se déposent par les formulaires d’envoi, pas dans l’API.`,
            corsHeaders(req),
          );
        } else {
          console.error('plateforme locale (passerelle) :', error);
          problem(res, 500, 'ERREUR_INTERNE', 'Erreur interne', 'Voir le journal de la plateforme locale.');
        }
      }
    })();
  };
}

function timerJson(t: { kind: string; dueAt: Date; executionArn?: string; stateName?: string; firedAt?: Date }) {
  return {
    kind: t.kind,
    dueAt: t.dueAt.toISOString(),
    ...(t.firedAt ? { firedAt: t.firedAt.toISOString() } : {}),
    ...(t.executionArn ? { executionArn: t.executionArn } : {}),
    ...(t.stateName ? { stateName: t.stateName } : {}),
  };
}
