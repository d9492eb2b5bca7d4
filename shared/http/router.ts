import type { Context } from 'aws-lambda';
import { problem, problemResponse } from './problem';
import type { HttpEvent, HttpResponse, OperationDescription } from './types';

/**
 * One Lambda function for several routes of a resource: dispatch on API Gateway's `event.routeKey`
 * (`"POST /v1/structures/{siret}/services"`, payload 2.0), the same string as a registry route's
 * `${method} ${path}`. Each value is a complete handler (usually an `httpHandler(...)`, whose operation is
 * registered for the OpenAPI document when its module loads).
 *
 * ```ts
 * export const handler = route({
 *   'POST /v1/structures': creerStructure,
 *   'GET /v1/structures/{siret}': lireStructure,
 * });
 * ```
 *
 * A route key whose handler describes another operation (`handler.operation`) is refused when the module loads; an
 * unknown route key at run time (a route added to the registry but not here, or API Gateway's `$default` route)
 * answers 404 problem+json `ROUTE_INCONNUE`.
 */
export type RouteKey = `${'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} /${string}`;

export type RouteHandler = ((event: HttpEvent, context: Context) => Promise<HttpResponse>) & {
  readonly operation?: OperationDescription;
};

export type RoutedHandler = ((event: HttpEvent, context: Context) => Promise<HttpResponse>) & {
  /** The route keys this function answers (functions/registry.ts derives the function's routes from them). */
  readonly routeKeys: readonly RouteKey[];
  /** Each route key with the operation its handler describes (absent for a plain handler). */
  readonly routes: readonly { readonly key: RouteKey; readonly operation?: OperationDescription }[];
};

const ROUTE_KEY = /^(GET|POST|PUT|PATCH|DELETE) (\/\S*)$/;

export function route(routes: Readonly<Record<RouteKey, RouteHandler>>): RoutedHandler {
  const table = new Map<string, RouteHandler>();
  for (const [key, handler] of Object.entries(routes) as [RouteKey, RouteHandler][]) {
    if (!ROUTE_KEY.test(key)) throw new Error(`route: invalid route key « ${key} » (expected "METHOD /path")`);
    if (typeof handler !== 'function') throw new Error(`route: no handler for ${key}`);
    const op = handler.operation;
    if (op && `${op.method} ${op.path}` !== key) {
      throw new Error(`route: ${key} is given the handler of ${op.method} ${op.path} (${op.operationId})`);
    }
    table.set(key, handler);
  }
  const dispatch = async (event: HttpEvent, context: Context): Promise<HttpResponse> => {
    const key = event?.routeKey ?? '';
    const handler = table.get(key);
    if (!handler) {
      const requestId = event?.requestContext?.requestId || context?.awsRequestId || 'inconnue';
      return problemResponse(problem(404, 'ROUTE_INCONNUE', unknownRouteDetail(event, key), requestId));
    }
    return handler(event, context);
  };
  const described = [...table].map(([key, h]) => ({
    key: key as RouteKey,
    ...(h.operation ? { operation: h.operation } : {}),
  }));
  return Object.assign(dispatch, { routeKeys: described.map((r) => r.key), routes: described });
}

/**
 * On AWS, the HTTP API's `$default` route brings every request that matches no route here (infra/constructs/api.ts),
 * so that an unknown path or method is answered like the local gateway answers it, not API Gateway's own
 * `{"message":"Not Found"}`. The path is echoed bounded.
 */
function unknownRouteDetail(event: HttpEvent | undefined, key: string): string {
  if (key !== '$default') return `Aucune opération ne correspond à « ${key.slice(0, 200)} » dans cette fonction.`;
  const method = String(event?.requestContext?.http?.method ?? 'GET').slice(0, 10);
  const path = String(event?.rawPath ?? '/').slice(0, 200);
  return `Aucune opération ${method} ${path} : voir /v1/openapi.json pour la liste des opérations.`;
}

/** The route map of handlers built by `httpHandler`, keyed by their own method and path. */
export function routesOf(...handlers: readonly RouteHandler[]): Record<RouteKey, RouteHandler> {
  const out: Record<string, RouteHandler> = {};
  for (const h of handlers) {
    if (!h.operation) throw new Error('routesOf: a handler without operation (use route() with an explicit key)');
    const key = `${h.operation.method} ${h.operation.path}`;
    if (out[key]) throw new Error(`routesOf: ${key} given twice`);
    out[key] = h;
  }
  return out as Record<RouteKey, RouteHandler>;
}
