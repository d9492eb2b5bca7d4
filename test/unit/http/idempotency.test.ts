import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import type { IdempotencyStore } from '../../../shared/adapters/idempotency-records';
import { DomainError } from '../../../shared/domain/errors';
import { httpHandler } from '../../../shared/http/handler';
import { InMemoryIdempotencyStore } from '../../../shared/http/idempotency/memory-store';
import { created } from '../../../shared/http/results';
import type { HttpContext, HttpResult } from '../../../shared/http/types';
import { amount } from '../../../shared/schemas/common';
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

type Run = (ctx: HttpContext) => Promise<HttpResult>;

const clock = fixedClock('2025-03-31T08:00:00.000Z');

function endpoint(run: Run, store: IdempotencyStore = new InMemoryIdempotencyStore(), logger = silentLogger()) {
  return httpHandler(
    {
      operationId: 'deposerEssai',
      summary: 'Déposer un essai',
      method: 'POST',
      path: '/v1/essais',
      auth: 'user',
      body: z.object({ montant: amount }),
      responses: { 201: { description: 'Déposé' } },
      handler: run as never,
    },
    { logger, idempotencyStore: store },
  );
}

const post = (
  over: {
    key?: string | null;
    body?: string;
    claims?: Record<string, string>;
    requestId?: string;
    ifMatch?: string;
  } = {},
) =>
  httpEvent({
    method: 'POST',
    path: '/v1/essais',
    headers: {
      'content-type': 'application/json',
      ...(over.key === null ? {} : { 'idempotency-key': over.key ?? 'cle-1' }),
      ...(over.ifMatch ? { 'if-match': over.ifMatch } : {}),
    },
    body: over.body ?? '{"montant":"100.00"}',
    claims: over.claims ?? USER,
    ...(over.requestId ? { requestId: over.requestId } : {}),
  });

let sequence = 0;
const createsPiece: Run = async (ctx) => {
  sequence += 1;
  return created({ numero: sequence, montant: (ctx.body as { montant: number }).montant }, `/v1/essais/${sequence}`);
};

describe('idempotency (in-memory store)', () => {
  beforeEach(() => {
    clock.set('2025-03-31T08:00:00.000Z');
    useClock(clock);
  });
  afterEach(restoreClock);

  it('replays the first response to a retry, marked Idempotent-Replayed, without running the handler again', async () => {
    const run = vi.fn(createsPiece);
    const handler = endpoint(run);
    const first = await handler(post({ requestId: 'req-a' }), lambdaContext());
    const second = await handler(post({ requestId: 'req-b' }), lambdaContext());
    expect(run).toHaveBeenCalledTimes(1);
    expect(first.statusCode).toBe(201);
    expect(header(first, 'idempotent-replayed')).toBeUndefined();
    expect(second.statusCode).toBe(201);
    expect(second.body).toBe(first.body);
    expect(header(second, 'location')).toBe(header(first, 'location'));
    expect(header(second, 'idempotent-replayed')).toBe('true');
  });

  it('refuses the same key with another payload: 422 IDEMPOTENCY_KEY_REUTILISEE', async () => {
    const run = vi.fn(createsPiece);
    const handler = endpoint(run);
    await handler(post(), lambdaContext());
    const other = await handler(post({ body: '{"montant":"999.00"}' }), lambdaContext());
    expect(other.statusCode).toBe(422);
    expect(json(other).code).toBe('IDEMPOTENCY_KEY_REUTILISEE');
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('treats another If-Match under the same key as another request', async () => {
    const handler = endpoint(createsPiece);
    await handler(post({ ifMatch: '"1"' }), lambdaContext());
    const retry = await handler(post({ ifMatch: '"2"' }), lambdaContext());
    expect(json(retry).code).toBe('IDEMPOTENCY_KEY_REUTILISEE');
  });

  it('answers 409 REQUETE_EN_COURS to a duplicate that arrives while the first is running', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const run = vi.fn(async (ctx: HttpContext) => {
      await gate;
      return createsPiece(ctx);
    });
    const handler = endpoint(run);
    const first = handler(post(), lambdaContext());
    await vi.waitFor(() => expect(run).toHaveBeenCalledTimes(1));
    const duplicate = await handler(post(), lambdaContext());
    expect(duplicate.statusCode).toBe(409);
    expect(json(duplicate).code).toBe('REQUETE_EN_COURS');
    release();
    expect((await first).statusCode).toBe(201);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('keeps a 4xx refusal: the retry gets the same problem, the handler runs once', async () => {
    const run = vi.fn(async () => {
      throw new DomainError('NUMERO_DEJA_UTILISE', 'Numéro déjà utilisé.', 'CONFLICT');
    });
    const handler = endpoint(run);
    const first = await handler(post({ requestId: 'req-a' }), lambdaContext());
    const second = await handler(post({ requestId: 'req-b' }), lambdaContext());
    expect(first.statusCode).toBe(409);
    expect(second.statusCode).toBe(409);
    expect(json(second)).toEqual(json(first)); // instance included: it is the first response
    expect(header(second, 'idempotent-replayed')).toBe('true');
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('releases the key after a 5xx, so that the retry runs the handler again', async () => {
    const run = vi.fn<Run>().mockRejectedValueOnce(new Error('table unreachable')).mockImplementation(createsPiece);
    const handler = endpoint(run);
    expect((await handler(post(), lambdaContext())).statusCode).toBe(500);
    const retry = await handler(post(), lambdaContext());
    expect(retry.statusCode).toBe(201);
    expect(header(retry, 'idempotent-replayed')).toBeUndefined();
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('does not remember a request refused before the handler (validation): the corrected retry runs', async () => {
    const run = vi.fn(createsPiece);
    const handler = endpoint(run);
    expect((await handler(post({ body: '{"montant":"cent"}' }), lambdaContext())).statusCode).toBe(422);
    expect((await handler(post({ body: '{"montant":"cent"}', key: 'cle-2' }), lambdaContext())).statusCode).toBe(422);
    expect((await handler(post({ key: 'cle-2' }), lambdaContext())).statusCode).toBe(201);
  });

  it('forgets a key after 24 hours', async () => {
    const run = vi.fn(createsPiece);
    const handler = endpoint(run);
    await handler(post(), lambdaContext());
    clock.set('2025-04-01T07:59:59.000Z');
    expect(header(await handler(post(), lambdaContext()), 'idempotent-replayed')).toBe('true');
    clock.set('2025-04-01T08:00:00.000Z');
    const later = await handler(post(), lambdaContext());
    expect(header(later, 'idempotent-replayed')).toBeUndefined();
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('takes over a record left IN_PROGRESS by a request that died, once its lock expires', async () => {
    const store = new InMemoryIdempotencyStore();
    const handler = endpoint(createsPiece, store);
    const hung = endpoint(() => new Promise<HttpResult>(() => {}), store);
    void hung(post(), lambdaContext());
    await vi.waitFor(() => expect(store.records.size).toBe(1));
    expect((await handler(post(), lambdaContext())).statusCode).toBe(409);
    clock.set('2025-03-31T08:01:00.000Z'); // the default lock: 60 s
    expect((await handler(post(), lambdaContext())).statusCode).toBe(201);
  });

  it('scopes keys by user: two users may use the same key', async () => {
    const run = vi.fn(createsPiece);
    const handler = endpoint(run);
    await handler(post(), lambdaContext());
    const other = await handler(post({ claims: { sub: 'user-2' } }), lambdaContext());
    expect(header(other, 'idempotent-replayed')).toBeUndefined();
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('requires the header: 428 IDEMPOTENCY_KEY_REQUISE', async () => {
    const run = vi.fn(createsPiece);
    const response = await endpoint(run)(post({ key: null }), lambdaContext());
    expect(response.statusCode).toBe(428);
    expect(json(response).code).toBe('IDEMPOTENCY_KEY_REQUISE');
    expect(run).not.toHaveBeenCalled();
  });

  it.each(['', 'a b', 'clé', 'x'.repeat(129), 'a/b'])(
    'refuses the key %j: 400 IDEMPOTENCY_KEY_INVALIDE',
    async (key) => {
      const response = await endpoint(createsPiece)(post({ key }), lambdaContext());
      expect(response.statusCode).toBe(400);
      expect(json(response).code).toBe('IDEMPOTENCY_KEY_INVALIDE');
    },
  );

  it('accepts a UUID and a 128-character key', async () => {
    const handler = endpoint(createsPiece);
    expect((await handler(post({ key: '9b2c1f0e-3a4d-4c8b-9f1e-2d3c4b5a6978' }), lambdaContext())).statusCode).toBe(
      201,
    );
    expect((await handler(post({ key: 'K_'.repeat(64) }), lambdaContext())).statusCode).toBe(201);
  });

  it('still answers when the outcome cannot be stored, and logs it', async () => {
    const store = new InMemoryIdempotencyStore();
    vi.spyOn(store, 'saveCompleted').mockRejectedValue(new Error('throttled'));
    // The request logs through its own child of the handler's logger
    const errorLog = vi.spyOn(Logger.prototype, 'error');
    const response = await endpoint(createsPiece, store)(post(), lambdaContext());
    expect(response.statusCode).toBe(201);
    expect(errorLog).toHaveBeenCalledWith(
      'Enregistrement d’idempotence impossible',
      expect.objectContaining({ key: 'cle-1' }),
    );
    errorLog.mockRestore();
  });

  it('answers 500 when the store cannot be reached before the handler, which does not run', async () => {
    const store = new InMemoryIdempotencyStore();
    vi.spyOn(store, 'saveInProgress').mockRejectedValue(new Error('ECONNREFUSED'));
    const run = vi.fn(createsPiece);
    const response = await endpoint(run, store)(post(), lambdaContext());
    expect(response.statusCode).toBe(500);
    expect(run).not.toHaveBeenCalled();
  });
});
