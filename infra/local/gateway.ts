import type * as http from 'node:http';
import type { LocalAuth } from './auth';
import { corsHeadersOf, lambdaFront } from './gateway-lambda';
import { localEndpoints } from './gateway-local-endpoints';
import type { GatewayOptions } from './gateway-options';
import { problem } from './gateway-problems';
import { bestMatch, MalformedPath } from './gateway-routing';
import { sendJson } from './net';

export type { ComponentState, GatewayOptions } from './gateway-options';
export { answerClientError, problem } from './gateway-problems';
export type { GatewayRoute } from './gateway-routing';

/**
 * The local HTTP gateway: API Gateway HTTP API (payload 2.0) in front of the registry's `http` functions, with a
 * local sign-in standing in for the JWT authorizer, plus the platform's own endpoints (`/health`, `/_local/…`).
 */
export function createGatewayHandler(options: GatewayOptions): http.RequestListener {
  const corsHeaders = corsHeadersOf(options);
  const front = lambdaFront(options, corsHeaders);
  const { maxBody, buildEvent, invoke, reply } = front;
  const { health, login, clockState, moveClock } = localEndpoints(options, front, corsHeaders);

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
