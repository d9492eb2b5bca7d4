import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { httpHandler } from '../../../shared/http/handler';
import { InMemoryIdempotencyStore } from '../../../shared/http/idempotency/memory-store';
import { ok } from '../../../shared/http/results';
import { route, routesOf } from '../../../shared/http/router';
import { httpEvent, lambdaContext, silentLogger } from '../http/fixtures';

/** shared/http/router.ts: one Lambda function, several routes, dispatched on API Gateway's route key. */

const deps = { logger: silentLogger(), idempotencyStore: new InMemoryIdempotencyStore() };

const lire = httpHandler(
  {
    operationId: 'routeurLire',
    summary: 'Lire',
    method: 'GET',
    path: '/v1/essais-routeur/{essaiId}',
    auth: 'public',
    params: z.object({ essaiId: z.string() }),
    responses: { 200: { description: 'ok', schema: z.object({ lu: z.string() }) } },
    handler: async (ctx) => ok({ lu: ctx.params.essaiId }),
  },
  deps,
);
const lister = httpHandler(
  {
    operationId: 'routeurLister',
    summary: 'Lister',
    method: 'GET',
    path: '/v1/essais-routeur',
    auth: 'public',
    responses: { 200: { description: 'ok', schema: z.object({ liste: z.boolean() }) } },
    handler: async () => ok({ liste: true }),
  },
  deps,
);

describe('route()', () => {
  const handler = route(routesOf(lire, lister));

  it('dispatches on the route key, whatever the raw path', async () => {
    const one = await handler(
      {
        ...httpEvent({ method: 'GET', path: '/v1/essais-routeur/42', params: { essaiId: '42' } }),
        routeKey: 'GET /v1/essais-routeur/{essaiId}',
      },
      lambdaContext(),
    );
    expect(one.statusCode).toBe(200);
    expect(JSON.parse(one.body as string)).toEqual({ lu: '42' });
    const all = await handler(httpEvent({ method: 'GET', path: '/v1/essais-routeur' }), lambdaContext());
    expect(JSON.parse(all.body as string)).toEqual({ liste: true });
    expect([...handler.routeKeys].sort()).toEqual(['GET /v1/essais-routeur', 'GET /v1/essais-routeur/{essaiId}']);
  });

  it('answers an unknown route key with a 404 problem', async () => {
    const res = await handler(
      { ...httpEvent({ method: 'DELETE', path: '/v1/essais-routeur' }), routeKey: 'DELETE /v1/essais-routeur' },
      lambdaContext(),
    );
    expect(res.statusCode).toBe(404);
    expect(res.headers?.['Content-Type']).toBe('application/problem+json');
    expect(JSON.parse(res.body as string)).toMatchObject({ status: 404, code: 'ROUTE_INCONNUE' });
  });

  it('answers API Gateway’s $default route (no route matched) with a French 404 problem naming the request', async () => {
    const event = httpEvent({ method: 'PATCH', path: '/v1/nulle-part' });
    const res = await handler({ ...event, routeKey: '$default' }, lambdaContext());
    expect(res.statusCode).toBe(404);
    expect(res.headers?.['Content-Type']).toBe('application/problem+json');
    expect(JSON.parse(res.body as string)).toMatchObject({
      code: 'ROUTE_INCONNUE',
      detail: 'Aucune opération PATCH /v1/nulle-part : voir /v1/openapi.json pour la liste des opérations.',
    });
    // a long path is echoed bounded: 200 characters at most
    const long = await handler(
      { ...httpEvent({ method: 'GET', path: `/${'x'.repeat(5000)}` }), routeKey: '$default' },
      lambdaContext(),
    );
    expect(JSON.parse(long.body as string).detail.length).toBeLessThan(300);
  });

  it('refuses, when the module loads, a key given the handler of another operation, or a malformed key', () => {
    expect(() => route({ 'GET /v1/autre': lire })).toThrow(/routeurLire/);
    expect(() => route({ 'GET v1/sans-barre': lister } as never)).toThrow(/invalid route key/);
    expect(() => routesOf(lire, lire)).toThrow(/twice/);
    const plain = async () => ({ statusCode: 204 });
    expect(() => routesOf(plain)).toThrow(/without operation/);
    expect(route({ 'POST /v1/brut': plain }).routeKeys).toEqual(['POST /v1/brut']);
  });
});
