import type * as http from 'node:http';
import { parisDateOf } from '../../shared/domain/calendar';
import type { CorsHeaders, LambdaFront } from './gateway-lambda';
import type { GatewayOptions } from './gateway-options';
import { problem } from './gateway-problems';
import { bestMatch } from './gateway-routing';
import { readBody, sendJson } from './net';
import type { FiredTimer } from './timers';

const DAY_MS = 86_400_000;

/**
 * The platform's own endpoints: `GET /health` (the components, then the registry's health function), `POST
 * /_local/login` (the local sign-in standing in for the user pool), `GET|POST /_local/clock` (the shiftable clock and
 * its timers, advanced one request at a time).
 */
export function localEndpoints(options: GatewayOptions, front: LambdaFront, corsHeaders: CorsHeaders) {
  const { buildEvent, invoke, reply } = front;
  let clockQueue: Promise<unknown> = Promise.resolve();

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

  return { health, login, clockState, moveClock };
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
