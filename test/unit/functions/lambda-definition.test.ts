import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { httpRoutes } from '../../../functions/lambda-definition';
import { httpHandler } from '../../../shared/http/handler';
import { InMemoryIdempotencyStore } from '../../../shared/http/idempotency/memory-store';
import { ok } from '../../../shared/http/results';
import { route, routesOf } from '../../../shared/http/router';
import { silentLogger } from '../http/fixtures';

/** functions/lambda-definition.ts: a function's routes are read from the handler its entry exports. */

const deps = { logger: silentLogger(), idempotencyStore: new InMemoryIdempotencyStore() };
const answer = { 200: { description: 'ok', schema: z.object({ ok: z.boolean() }) } };

const publique = httpHandler(
  {
    operationId: 'definitionPublique',
    summary: 'Publique',
    method: 'GET',
    path: '/v1/essais-definition',
    auth: 'public',
    responses: answer,
    handler: async () => ok({ ok: true }),
  },
  deps,
);
const privee = httpHandler(
  {
    operationId: 'definitionPrivee',
    summary: 'Privée',
    method: 'PATCH',
    path: '/v1/essais-definition/{essaiId}',
    auth: 'user',
    params: z.object({ essaiId: z.string() }),
    body: z.object({ nom: z.string().max(10) }),
    responses: answer,
    handler: async () => ok({ ok: true }),
  },
  deps,
);

describe('httpRoutes', () => {
  it('lists each route of a routed handler, public exactly when its operation needs no token', () => {
    expect(httpRoutes(route(routesOf(publique, privee)))).toEqual([
      { method: 'GET', path: '/v1/essais-definition', public: true },
      { method: 'PATCH', path: '/v1/essais-definition/{essaiId}', public: false },
    ]);
  });

  it('reads the one route of a single operation handler', () => {
    expect(httpRoutes(privee)).toEqual([{ method: 'PATCH', path: '/v1/essais-definition/{essaiId}', public: false }]);
  });

  it('keeps a plain route (no operation) behind the authorizer', () => {
    const plain = async () => ({ statusCode: 204 });
    expect(httpRoutes(route({ 'DELETE /v1/brut': plain }))).toEqual([
      { method: 'DELETE', path: '/v1/brut', public: false },
    ]);
  });

  it('refuses a handler that answers no route', () => {
    expect(() => httpRoutes(async () => ({ statusCode: 204 }))).toThrow(/without route/);
  });
});
