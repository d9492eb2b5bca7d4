import type { RoutedHandler, RouteHandler } from '../shared/http/router';

/** How a Lambda function of the product is declared (functions/registry.ts and each concern's lambdas.ts). */
export type LambdaKind = 'http' | 'task' | 's3' | 'schedule' | 'queue' | 'token' | 'authorizer' | 'worker';

export interface HttpRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway v2 route path, e.g. `/v1/dossiers/{dossierId}`. */
  readonly path: string;
  readonly public?: boolean;
}

export interface LambdaDefinition {
  readonly entry: string;
  readonly exportName?: string;
  readonly kind: LambdaKind;
  readonly description: string;
  /** `http` functions: derived from the entry's handler with `httpRoutes`, never written by hand. */
  readonly routes?: readonly HttpRoute[];
  /** What the function touches, for least-privilege grants. */
  readonly access?: {
    readonly table?: 'read' | 'readWrite';
    /** `readWritePacks`: reads every object, writes (and locks) only the evidence packs under `preuves/`. */
    readonly bucket?: 'read' | 'readWrite' | 'readWriteDelete' | 'readWritePacks';
    /** `resume`: start, and describe and stop the executions (the scheduled resume, shared/services/resume.ts). */
    readonly stateMachines?: 'start' | 'callback' | 'startAndCallback' | 'resume';
    /** Creates the technical accounts' app clients of the user pool and renews their secrets (Api construct). */
    readonly machineClients?: boolean;
    /**
     * The `worker` functions (registry keys) this function invokes: lambda:InvokeFunction on each and its name in
     * the variable `<KEY_IN_SNAKE_CASE>_FUNCTION` (`invokedFunctionEnv`), e.g. DOSSIERS_EVIDENCE_BUILD_FUNCTION.
     */
    readonly invokes?: readonly string[];
  };
  /** `schedule` functions: when EventBridge Scheduler runs them (a Scheduler `cron(…)`/`rate(…)` expression). */
  readonly schedule?: { readonly expression: string; readonly timeZone?: string };
  readonly timeoutSeconds?: number;
  /**
   * The bundle carries the API's OpenAPI document, built at synth from every operation's declaration
   * (functions/api/openapi-operation.ts), so that the function need not load every handler.
   */
  readonly embedsOpenApi?: boolean;
  readonly memoryMb?: number;
}

/**
 * The routes of an `http` function, read from the handler its entry exports: a route is declared once, by the
 * operation (`httpHandler({ method, path, auth, … })`), and given to a function by the entry's `route(routesOf(…))`
 * list. The CDK routes, the local gateway and the OpenAPI document all follow from here; moving an operation to
 * another function is moving its name from one `routesOf(…)` list to another. A route is public (no JWT
 * authorizer) exactly when its operation's `auth` is `public`.
 */
export function httpRoutes(handler: RoutedHandler | RouteHandler): readonly HttpRoute[] {
  const routes =
    'routes' in handler
      ? handler.routes
      : handler.operation
        ? [{ key: `${handler.operation.method} ${handler.operation.path}`, operation: handler.operation }]
        : [];
  if (routes.length === 0) throw new Error('httpRoutes: a handler without route (use httpHandler or route)');
  return routes.map(({ key, operation }) => {
    const space = key.indexOf(' ');
    return {
      method: key.slice(0, space) as HttpRoute['method'],
      path: key.slice(space + 1),
      public: operation?.auth === 'public',
    };
  });
}

/** The environment variable that names the invoked function `key`: `dossiersEvidenceBuild` → `DOSSIERS_EVIDENCE_BUILD_FUNCTION`. */
export function invokedFunctionEnv(key: string): string {
  return `${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_FUNCTION`;
}
