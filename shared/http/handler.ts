import type { Logger } from '@aws-lambda-powertools/logger';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { IdempotencyStore } from '../adapters/idempotency-records';
import { rootLogger, runWithLogger } from '../adapters/logger';
import { idempotencyStore } from '../services/wiring';
import { authentication } from './middlewares/authentication';
import { errorMapping } from './middlewares/error-mapping';
import { idempotency } from './middlewares/idempotency';
import { jsonBody } from './middlewares/json-body';
import { logging } from './middlewares/logging';
import { preconditions } from './middlewares/preconditions';
import { validation } from './middlewares/validation';
import { registerOperation } from './registry';
import { toHttpResponse } from './results';
import { stateOf } from './state';
import type {
  AuthMode,
  HttpContext,
  HttpEvent,
  HttpResponse,
  ObjectSchema,
  OperationDescription,
  OperationSpec,
} from './types';

export interface HttpHandlerDeps {
  readonly logger?: Logger;
  readonly idempotencyStore?: IdempotencyStore;
}

export type HttpLambdaHandler = MiddyfiedHandler<HttpEvent, HttpResponse, Error, Context> & {
  readonly operation: OperationDescription;
};

/**
 * An API Gateway HTTP API (payload 2.0) Lambda handler for one operation, and its entry in the OpenAPI registry.
 *
 * The chain, in the order a request meets it (middy runs `before` in this order, `after` and `onError` in reverse):
 *
 *   1. logging         a Powertools logger of the request's own: Lambda context, operation, correlation id =
 *                      requestContext.requestId
 *   2. authentication  `user` routes: no JWT subject → 401
 *   3. jsonBody        JSON only: other media type → 415, bad JSON → 400
 *   4. validation      zod on path, query, headers, body → 422 listing every field, in French; an unknown
 *                      parameter of a strict query schema → 400 PARAMETRE_INCONNU
 *   5. preconditions   If-Match → ctx.ifMatch; required and absent → 428
 *   6. idempotency     Idempotency-Key: replay, 409 while in progress, 422 on another payload; stores the outcome
 *   7. errorMapping    (onError only) any error → application/problem+json; runs first on the way out, so that
 *                      idempotency stores problems, not errors
 *   → handler          receives `ctx`, returns `ok()` / `created()` / `noContent()`
 *
 * Nothing escapes: every error becomes a problem response (unexpected ones a generic 500, logged).
 */
export function httpHandler<
  A extends AuthMode,
  B extends z.core.$ZodType | undefined = undefined,
  Q extends ObjectSchema | undefined = undefined,
  P extends ObjectSchema | undefined = undefined,
  H extends ObjectSchema | undefined = undefined,
>(spec: OperationSpec<A, B, Q, P, H>, deps: HttpHandlerDeps = {}): HttpLambdaHandler {
  const { handler, ...rest } = spec;
  const idempotent = spec.idempotent ?? spec.method === 'POST';
  const operation: OperationDescription = { ...rest, idempotent };
  registerOperation(operation);

  const lambda = async (event: HttpEvent, context: Context): Promise<HttpResponse> => {
    const state = stateOf({ event, context });
    const ctx: HttpContext = {
      body: state.body,
      query: state.query,
      params: state.params,
      headers: (spec.headers ? state.validatedHeaders : state.headers) as Record<string, string>,
      identity: state.identity,
      ...(state.ifMatch !== undefined ? { ifMatch: state.ifMatch } : {}),
      now: state.now,
      requestId: state.requestId,
      get logger() {
        return state.logger;
      },
      lambdaContext: context,
      ...(state.idempotencySlot ? { idempotency: state.idempotencySlot } : {}),
    };
    // Services and stores log through `currentLogger()`: this request's logger, not another one's
    return runWithLogger(
      () => state.logger,
      async () => toHttpResponse(await handler(ctx as never)),
    );
  };

  const chain = middy<HttpEvent, HttpResponse, Error, Context>(lambda).use([
    logging(deps.logger ?? rootLogger, spec.operationId),
    authentication(spec.auth),
    jsonBody(spec.body !== undefined),
    validation({ params: spec.params, query: spec.query, headers: spec.headers, body: spec.body }),
    preconditions(spec.requiresIfMatch ?? false),
    ...(idempotent
      ? [
          idempotency({
            operationId: spec.operationId,
            method: spec.method,
            store: () => deps.idempotencyStore ?? idempotencyStore(),
            inTransaction: spec.idempotencyInTransaction ?? false,
          }),
        ]
      : []),
    errorMapping(),
  ]);
  return Object.assign(chain, { operation });
}
