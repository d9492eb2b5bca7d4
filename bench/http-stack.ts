/**
 * Per-request cost of the HTTP chain (shared/http/handler.ts) against a bare handler doing the same work.
 * Run: `npx tsx bench/http-stack.ts` (prints ops/s and p50/p99 in µs; figures only, nothing asserted).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { httpHandler } from '../shared/http/handler';
import { InMemoryIdempotencyStore } from '../shared/http/idempotency/memory-store';
import { ok } from '../shared/http/results';
import type { HttpResponse } from '../shared/http/types';
import { amount, id, siret } from '../shared/schemas/common';

const WARMUP = 2_000;
const ITERATIONS = 20_000;
const DOSSIER = '01JQ8Z6X4C5V7B9N2M3K4J5H6G';
const logger = new Logger({ serviceName: 'bench', logLevel: 'SILENT' });
const context = { functionName: 'bench', awsRequestId: 'bench' } as Context;

function event(method: string, path: string, extra: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    isBase64Encoded: false,
    requestContext: {
      requestId: 'bench',
      http: { method, path },
      authorizer: { jwt: { claims: { sub: 'user-1', email: 'a@example.fr' }, scopes: [] } },
    },
    ...extra,
  } as unknown as APIGatewayProxyEventV2;
}

const body = JSON.stringify({ siret: '21310555400017', montant: '1234.56', libelle: 'Situation n° 3' });

const bare = async (e: APIGatewayProxyEventV2): Promise<HttpResponse> => {
  const parsed = JSON.parse(e.body ?? '{}') as { montant: string };
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ montant: parsed.montant }),
  };
};

const get = httpHandler(
  {
    operationId: 'benchLire',
    summary: 'Lire',
    method: 'GET',
    path: '/v1/dossiers/{dossierId}',
    auth: 'user',
    params: z.object({ dossierId: id }),
    query: z.object({ detail: z.optional(z.enum(['oui', 'non'])) }),
    responses: { 200: { description: 'Lu' } },
    handler: async (ctx) => ok({ id: ctx.params.dossierId }, { etag: 3 }),
  },
  { logger },
);

const post = httpHandler(
  {
    operationId: 'benchDeposer',
    summary: 'Déposer',
    method: 'POST',
    path: '/v1/dossiers',
    auth: 'user',
    body: z.object({ siret, montant: amount, libelle: z.string().check(z.maxLength(200)) }),
    responses: { 201: { description: 'Déposé' } },
    handler: async (ctx) => ok({ montant: ctx.body.montant }, { status: 201 }),
  },
  { logger, idempotencyStore: new InMemoryIdempotencyStore() },
);

async function measure(name: string, run: (i: number) => Promise<HttpResponse>, expected: number): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await run(-i - 1);
  const samples = new Float64Array(ITERATIONS);
  const started = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) {
    const t0 = process.hrtime.bigint();
    const response = await run(i);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
    if (response.statusCode !== expected) throw new Error(`${name}: status ${response.statusCode}`);
  }
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  samples.sort();
  const p = (q: number) => samples[Math.min(ITERATIONS - 1, Math.floor(q * ITERATIONS))]!;
  const p50 = p(0.5);
  console.log(
    `${name.padEnd(44)} ${Math.round((ITERATIONS / totalMs) * 1000)
      .toString()
      .padStart(8)} ops/s   p50 ${p50.toFixed(1).padStart(7)} µs   p99 ${p(0.99).toFixed(1).padStart(7)} µs`,
  );
  return p50;
}

const bareP50 = await measure(
  'bare handler (JSON.parse + stringify)',
  (_) => bare(event('POST', '/v1/dossiers', { body })),
  200,
);
const getP50 = await measure(
  'chain GET (params + query, ETag)',
  (_) =>
    get(
      event('GET', `/v1/dossiers/${DOSSIER}`, {
        pathParameters: { dossierId: DOSSIER },
        queryStringParameters: { detail: 'oui' },
      }),
      context,
    ),
  200,
);
const postP50 = await measure(
  'chain POST (body + idempotency, memory store)',
  (i) =>
    post(
      event('POST', '/v1/dossiers', {
        body,
        headers: { 'content-type': 'application/json', 'idempotency-key': `k${i}` },
      }),
      context,
    ),
  201,
);
const replayP50 = await measure(
  'chain POST replay (same key)',
  (_) =>
    post(
      event('POST', '/v1/dossiers', { body, headers: { 'content-type': 'application/json', 'idempotency-key': 'k1' } }),
      context,
    ),
  201,
);
console.log(
  `overhead over bare at p50: GET +${(getP50 - bareP50).toFixed(1)} µs, POST +${(postP50 - bareP50).toFixed(1)} µs, replay +${(replayP50 - bareP50).toFixed(1)} µs`,
);
