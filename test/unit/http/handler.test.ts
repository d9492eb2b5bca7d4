import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import * as z from 'zod';
import { DomainError } from '../../../shared/domain/errors';
import { httpHandler } from '../../../shared/http/handler';
import { InMemoryIdempotencyStore } from '../../../shared/http/idempotency/memory-store';
import { problemSchema } from '../../../shared/http/problem';
import { operations } from '../../../shared/http/registry';
import { ok } from '../../../shared/http/results';
import type { HttpContext, Identity } from '../../../shared/http/types';
import { amount, id } from '../../../shared/schemas/common';
import {
  fixedClock,
  header,
  httpEvent,
  json,
  lambdaContext,
  restoreClock,
  silentLogger,
  USER,
  useClock,
} from './fixtures';

const DOSSIER = '01JQ8Z6X4C5V7B9N2M3K4J5H6G';

describe('httpHandler', () => {
  beforeEach(() => useClock(fixedClock('2025-03-31T08:00:00.000Z')));
  afterEach(restoreClock);

  const deps = () => ({ logger: silentLogger(), idempotencyStore: new InMemoryIdempotencyStore() });

  function modifier(handler: (ctx: HttpContext) => Promise<ReturnType<typeof ok>>) {
    return httpHandler(
      {
        operationId: 'modifierEssai',
        summary: 'Modifier un essai',
        method: 'PATCH',
        path: '/v1/essais/{dossierId}',
        auth: 'user',
        params: z.object({ dossierId: id }),
        query: z.object({ detail: z.enum(['oui', 'non']).optional() }),
        body: z.object({ montant: amount }),
        requiresIfMatch: true,
        responses: { 200: { description: 'Essai modifié', schema: z.object({ montant: z.int() }) } },
        handler,
      },
      deps(),
    );
  }

  const patch = (over: Parameters<typeof httpEvent>[0] = {}) =>
    httpEvent({
      method: 'PATCH',
      path: `/v1/essais/${DOSSIER}`,
      params: { dossierId: DOSSIER },
      headers: { 'content-type': 'application/json', 'if-match': '"4"' },
      body: '{"montant":"10.05"}',
      claims: USER,
      requestId: 'req-1',
      ...over,
    });

  it('gives the handler validated input and the request facts', async () => {
    let seen: HttpContext | undefined;
    const handler = modifier(async (ctx) => {
      seen = ctx;
      return ok({ montant: (ctx.body as { montant: number }).montant }, { etag: 5 });
    });
    const response = await handler(patch({ query: { detail: 'oui' } }), lambdaContext());
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({ montant: 1005 });
    expect(header(response, 'etag')).toBe('"5"');
    expect(seen).toMatchObject({
      body: { montant: 1005 },
      params: { dossierId: DOSSIER },
      query: { detail: 'oui' },
      identity: { userId: 'user-1', loginAddress: 'marie.durand@example.fr' },
      ifMatch: 4,
      requestId: 'req-1',
      now: new Date('2025-03-31T08:00:00.000Z'),
    });
    expect(seen?.headers['if-match']).toBe('"4"');
  });

  it('starts each invocation afresh, even with the same event object', async () => {
    const seen: HttpContext[] = [];
    const clock = fixedClock('2025-03-31T08:00:00.000Z');
    useClock(clock);
    const handler = modifier(async (ctx) => {
      seen.push(ctx);
      return ok({ montant: 0 });
    });
    const event = patch();
    await handler(event, lambdaContext());
    clock.set('2025-04-01T09:00:00.000Z');
    event.headers['if-match'] = '"5"';
    await handler(event, lambdaContext());
    expect(seen.map((c) => [c.now.toISOString(), c.ifMatch])).toEqual([
      ['2025-03-31T08:00:00.000Z', 4],
      ['2025-04-01T09:00:00.000Z', 5],
    ]);
  });

  it('checks authentication before anything about the body', async () => {
    const run = vi.fn();
    const response = await modifier(run)(
      patch({ claims: undefined, headers: { 'content-type': 'text/xml' } }),
      lambdaContext(),
    );
    expect(response.statusCode).toBe(401);
    expect(run).not.toHaveBeenCalled();
  });

  it.each([
    [
      'wrong content type',
      { headers: { 'content-type': 'text/plain', 'if-match': '"4"' } },
      415,
      'TYPE_CONTENU_NON_SUPPORTE',
    ],
    ['bad JSON', { body: '{"montant":' }, 400, 'JSON_INVALIDE'],
    ['invalid field', { body: '{"montant":"dix"}' }, 422, 'DONNEES_INVALIDES'],
    ['no If-Match', { headers: { 'content-type': 'application/json' } }, 428, 'PRECONDITION_REQUISE'],
  ])('answers %s with a problem and does not run the handler', async (_label, over, status, code) => {
    const run = vi.fn();
    const response = await modifier(run)(patch(over), lambdaContext());
    expect(response.statusCode).toBe(status);
    expect(header(response, 'content-type')).toBe('application/problem+json');
    const body = json(response);
    expect(body).toMatchObject({ status, code, instance: 'req-1' });
    expect(problemSchema.safeParse(body).success).toBe(true);
    expect(run).not.toHaveBeenCalled();
  });

  it.each([
    ['INVALID', 422],
    ['FORBIDDEN', 403],
    ['NOT_FOUND', 404],
    ['CONFLICT', 409],
    ['STALE', 412],
  ] as const)('maps a DomainError %s thrown by the handler to %i', async (kind, status) => {
    const response = await modifier(async () => {
      throw new DomainError('REFUS_ESSAI', 'Refusé pour l’essai.', kind, [{ path: 'montant', message: 'Trop élevé.' }]);
    })(patch(), lambdaContext());
    expect(response.statusCode).toBe(status);
    expect(json(response)).toMatchObject({
      code: 'REFUS_ESSAI',
      detail: 'Refusé pour l’essai.',
      fields: [{ path: 'montant' }],
    });
  });

  it('answers an unexpected error with a 500 that says nothing of it', async () => {
    const response = await modifier(async () => {
      throw new Error('password=hunter2 at db.internal');
    })(patch(), lambdaContext());
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toMatch(/hunter2|db\.internal/);
    expect(json(response)).toMatchObject({ code: 'ERREUR_INTERNE', instance: 'req-1' });
  });

  it('answers a handler result that is not an HttpResult with a 500', async () => {
    const response = await modifier(async () => ({ montant: 3 }) as never)(patch(), lambdaContext());
    expect(response.statusCode).toBe(500);
  });

  it('registers its operation for the OpenAPI document, idempotent by default on POST only', () => {
    const post = httpHandler(
      {
        operationId: 'creerEssaiRegistre',
        summary: 'Créer',
        method: 'POST',
        path: '/v1/essais-registre',
        auth: 'public',
        responses: { 201: { description: 'Créé' } },
        handler: async () => ok({}, { status: 201 }),
      },
      deps(),
    );
    expect(post.operation.idempotent).toBe(true);
    expect(operations()).toContainEqual(expect.objectContaining({ operationId: 'creerEssaiRegistre', method: 'POST' }));
    expect(modifier(vi.fn()).operation.idempotent).toBe(false);
  });

  it.each([
    ['a path parameter without schema', { path: '/v1/x/{id}' }],
    ['a params key not in the path', { params: z.object({ id }) }],
    ['no 2xx response', { responses: { 404: { description: 'Introuvable' } } }],
    ['a body on GET', { body: z.object({}) }],
    ['an operationId that is not camelCase', { operationId: 'Lire-X' }],
    ['upper-case header names', { headers: z.object({ 'X-Trace': z.string() }) }],
  ])('refuses, when the module loads, %s', (_label, over) => {
    expect(() =>
      httpHandler({
        operationId: 'lireX',
        summary: 'Lire',
        method: 'GET',
        path: '/v1/x',
        auth: 'public',
        responses: { 200: { description: 'Lu' } },
        handler: async () => ok({}),
        ...over,
      } as never),
    ).toThrow();
  });

  it('types ctx from the schemas and the auth mode (checked by tsc)', async () => {
    const typed = httpHandler(
      {
        operationId: 'typerEssai',
        summary: 'Typer',
        method: 'POST',
        path: '/v1/typer/{dossierId}',
        auth: 'user',
        params: z.object({ dossierId: id }),
        query: z.object({ page: z.coerce.number().optional() }),
        body: z.object({ montant: amount }),
        responses: { 201: { description: 'Typé' } },
        handler: async (ctx) => {
          expectTypeOf(ctx.body.montant).toEqualTypeOf<number>();
          expectTypeOf(ctx.params.dossierId).toEqualTypeOf<string>();
          expectTypeOf(ctx.query.page).toEqualTypeOf<number | undefined>();
          expectTypeOf(ctx.identity).toEqualTypeOf<Identity>();
          return ok({ montant: ctx.body.montant, user: ctx.identity.userId }, { status: 201 });
        },
      },
      deps(),
    );
    const response = await typed(
      httpEvent({
        method: 'POST',
        path: `/v1/typer/${DOSSIER}`,
        params: { dossierId: DOSSIER },
        headers: { 'content-type': 'application/json', 'idempotency-key': 'k' },
        body: '{"montant":"1.00"}',
        claims: USER,
      }),
      lambdaContext(),
    );
    expect(json(response)).toEqual({ montant: 100, user: 'user-1' });
    httpHandler(
      {
        operationId: 'typerPublic',
        summary: 'Typer',
        method: 'GET',
        path: '/v1/typer-public',
        auth: 'public',
        responses: { 200: { description: 'Typé' } },
        handler: async (ctx) => {
          expectTypeOf(ctx.identity).toEqualTypeOf<Identity | null>();
          expectTypeOf(ctx.body).toEqualTypeOf<undefined>();
          return ok({});
        },
      },
      deps(),
    );
  });

  it('resolves the person’s address from a Cognito ID token (the portal’s bearer); an access token carries none', async () => {
    const seen: (Identity | null)[] = [];
    const whoami = httpHandler(
      {
        operationId: 'lireQuiSuisJe',
        summary: 'Qui suis-je',
        method: 'GET',
        path: '/v1/qui-suis-je',
        auth: 'user',
        responses: { 200: { description: 'Vous' } },
        handler: async (ctx) => {
          seen.push(ctx.identity);
          return ok({});
        },
      },
      deps(),
    );
    const sub = '5b8e3f2a-1c4d-4e6f-9a0b-7c2d1e3f4a5b';
    // The claims API Gateway's JWT authorizer hands over for each of Cognito's two tokens (same user, same client)
    const idToken = { sub, token_use: 'id', aud: 'portail-client', email: 'marie.durand@example.fr' };
    const accessToken = { sub, token_use: 'access', client_id: 'portail-client', scope: 'openid email' };
    // A technical account's client credentials token: `sub` is the client, the token hook names the account
    const machine = {
      sub: '3n4f8q2l0vexample',
      client_id: '3n4f8q2l0vexample',
      token_use: 'access',
      scope: 'factures-travaux-api/api',
      compte_technique: 'TECH_53819959700013',
    };
    // The same claim in a person's token (client ≠ sub) names nobody
    const forged = { ...accessToken, compte_technique: 'TECH_53819959700013' };
    for (const claims of [idToken, accessToken, machine, forged]) {
      const call = httpEvent({ method: 'GET', path: '/v1/qui-suis-je', claims });
      expect((await whoami(call, lambdaContext())).statusCode).toBe(200);
    }
    expect(seen).toEqual([
      { userId: sub, loginAddress: 'marie.durand@example.fr' },
      { userId: sub, loginAddress: null },
      { userId: 'TECH_53819959700013', loginAddress: null },
      { userId: sub, loginAddress: null },
    ]);

    // On AWS with the user pool, the product's Lambda authorizer has resolved the caller already
    // (functions/auth/api-authorizer.ts): `requestContext.authorizer.lambda`, for a person and a technical account
    seen.length = 0;
    for (const lambda of [
      { userId: sub, loginAddress: 'marie.durand@example.fr' },
      { userId: 'TECH_53819959700013', clientId: '3n4f8q2l0vexample' },
    ]) {
      const call = httpEvent({ method: 'GET', path: '/v1/qui-suis-je' });
      (call.requestContext as { authorizer?: unknown }).authorizer = { lambda };
      expect((await whoami(call, lambdaContext())).statusCode).toBe(200);
    }
    expect(seen).toEqual([
      { userId: sub, loginAddress: 'marie.durand@example.fr' },
      { userId: 'TECH_53819959700013', loginAddress: null },
    ]);
  });
});
