import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { DomainError } from '../../../shared/domain/errors';
import { httpHandler } from '../../../shared/http/handler';
import { InMemoryIdempotencyStore } from '../../../shared/http/idempotency/memory-store';
import { problemSchema } from '../../../shared/http/problem';
import { ok } from '../../../shared/http/results';
import type { HttpEvent, HttpResponse } from '../../../shared/http/types';
import { amount, calendarDate, id, siret } from '../../../shared/schemas/common';
import { fixedClock, httpEvent, lambdaContext, restoreClock, silentLogger, useClock } from './fixtures';

/**
 * Random requests must never make the chain throw, nor answer 500, as long as the handler itself does not fail;
 * every refusal is a well-formed problem. A failing handler is answered, never propagated, and leaks nothing.
 */
const deps = () => ({ logger: silentLogger(), idempotencyStore: new InMemoryIdempotencyStore() });

const post = httpHandler(
  {
    operationId: 'fuzzDeposer',
    summary: 'Déposer',
    method: 'POST',
    path: '/v1/fuzz/{dossierId}',
    auth: 'user',
    params: z.object({ dossierId: id }),
    query: z.object({ page: z.optional(z.coerce.number().check(z.int(), z.gte(1))) }),
    body: z.object({
      siret,
      montant: amount,
      date: calendarDate,
      lignes: z.optional(z.array(z.object({ n: z.int() })).check(z.maxLength(5))),
    }),
    requiresIfMatch: true,
    responses: { 201: { description: 'Déposé' } },
    handler: async (ctx) => ok({ echo: ctx.body, version: ctx.ifMatch }, { status: 201, etag: (ctx.ifMatch ?? 0) + 1 }),
  },
  deps(),
);

const get = httpHandler(
  {
    operationId: 'fuzzLire',
    summary: 'Lire',
    method: 'GET',
    path: '/v1/fuzz',
    auth: 'public',
    query: z.object({
      q: z.optional(z.string().check(z.maxLength(20))),
      depuis: z.optional(calendarDate),
    }),
    responses: { 200: { description: 'Lu' } },
    handler: async (ctx) => ok({ query: ctx.query, identity: ctx.identity }),
  },
  deps(),
);

const headerName = fc.constantFrom(
  'content-type',
  'Content-Type',
  'if-match',
  'If-Match',
  'idempotency-key',
  'Idempotency-Key',
  'authorization',
  'x-random',
);
const headerValue = fc.oneof(
  fc.string(),
  fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', '"1"', 'W/"2"', '*', 'k-1', ''),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,130}$/),
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.string(),
  fc.json(),
  fc
    .record({
      siret: fc.oneof(fc.constant('21310555400017'), fc.string()),
      montant: fc.oneof(fc.stringMatching(/^-?\d{1,20}(\.\d{1,3})?$/), fc.string(), fc.double().map(String)),
      date: fc.oneof(fc.constant('2024-02-29'), fc.string()),
      lignes: fc.anything(),
    })
    .map((r) => JSON.stringify(r)),
);
const stringDict = fc.dictionary(fc.string({ maxLength: 12 }), fc.string(), { maxKeys: 4 });
const claims = fc.option(
  fc.record({ sub: fc.string(), email: fc.option(fc.string(), { nil: undefined }) }, { requiredKeys: ['sub'] }),
  { nil: undefined },
);

const eventArb = fc
  .record({
    headers: fc.dictionary(headerName, headerValue, { maxKeys: 6 }),
    body,
    base64: fc.boolean(),
    query: fc.option(stringDict, { nil: undefined }),
    params: fc.option(
      fc.oneof(fc.record({ dossierId: fc.oneof(fc.constant('01JQ8Z6X4C5V7B9N2M3K4J5H6G'), fc.string()) }), stringDict),
      { nil: undefined },
    ),
    claims,
  })
  .map(({ headers, body, base64, query, params, claims }) => {
    const event = httpEvent({
      method: 'POST',
      path: '/v1/fuzz/x',
      headers,
      ...(body !== undefined ? { body: base64 ? Buffer.from(body).toString('base64') : body } : {}),
      isBase64Encoded: base64,
      ...(query ? { query } : {}),
      ...(params ? { params } : {}),
      ...(claims ? { claims: claims as Record<string, string> } : {}),
    });
    return event;
  });

function wellFormed(response: HttpResponse): void {
  expect(Number.isInteger(response.statusCode)).toBe(true);
  expect(response.statusCode).not.toBe(500);
  if (response.body !== undefined) {
    const parsed = JSON.parse(response.body) as unknown;
    if ((response.statusCode ?? 0) >= 400) expect(problemSchema.safeParse(parsed).success).toBe(true);
  }
}

describe('HTTP chain under random input', () => {
  beforeAll(() => useClock(fixedClock('2025-03-31T08:00:00.000Z')));
  afterAll(restoreClock);

  it('never throws nor answers 500 to any request (POST with body, If-Match, idempotency)', async () => {
    await fc.assert(
      fc.asyncProperty(eventArb, async (event) => {
        wellFormed(await post(event, lambdaContext()));
      }),
      { numRuns: 400 },
    );
  });

  it('never throws nor answers 500 to any request (public GET with query)', async () => {
    await fc.assert(
      fc.asyncProperty(eventArb, async (event) => {
        wellFormed(await get({ ...event, routeKey: 'GET /v1/fuzz' } as HttpEvent, lambdaContext()));
      }),
      { numRuns: 300 },
    );
  });

  it('survives events missing their usual parts', async () => {
    const partial = fc.record(
      {
        headers: fc.constantFrom(undefined, null, {}, { 'content-type': 'application/json' }),
        body: fc.constantFrom(undefined, null, '', '{}', '{"siret":1}'),
        requestContext: fc.constantFrom(
          undefined,
          {},
          { requestId: '' },
          { authorizer: null },
          { authorizer: { jwt: {} } },
        ),
        queryStringParameters: fc.constantFrom(undefined, null, {}),
        pathParameters: fc.constantFrom(undefined, null, {}),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(partial, async (event) => {
        for (const handler of [post, get]) {
          const response = await handler(event as unknown as HttpEvent, lambdaContext());
          expect(response.statusCode).not.toBe(500);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('answers whatever a handler throws, mapping domain errors and leaking nothing else', async () => {
    const thrown = fc.oneof(
      fc.string({ minLength: 1 }).map((s) => new Error(`SECRET-${s}`)),
      fc.string().map((s) => `SECRET-${s}`),
      fc.anything(),
      fc
        .record({
          kind: fc.constantFrom('INVALID', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'STALE' as const),
          code: fc.stringMatching(/^[A-Z][A-Z_]{2,20}$/),
        })
        .map(({ kind, code }) => new DomainError(code, 'Refus français.', kind)),
    );
    await fc.assert(
      fc.asyncProperty(thrown, async (error) => {
        const handler = httpHandler(
          {
            operationId: 'fuzzEchouer',
            summary: 'Échouer',
            method: 'GET',
            path: '/v1/fuzz-echec',
            auth: 'public',
            responses: { 200: { description: 'Jamais' } },
            handler: async () => {
              throw error;
            },
          },
          deps(),
        );
        const response = await handler(httpEvent({ path: '/v1/fuzz-echec' }), lambdaContext());
        const problem = problemSchema.parse(JSON.parse(response.body ?? ''));
        if (error instanceof DomainError) {
          expect(problem.code).toBe(error.code);
          expect(response.statusCode).toBeLessThan(500);
        } else {
          expect(response.statusCode).toBe(500);
          expect(response.body).not.toContain('SECRET-');
        }
      }),
      { numRuns: 200 },
    );
  });
});
