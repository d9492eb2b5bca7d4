import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import type { TransactItem } from '../../../shared/adapters/dynamo/transactions';
import type { CompletedRecord } from '../../../shared/adapters/idempotency-records';
import { DomainError } from '../../../shared/domain/errors';
import { httpHandler } from '../../../shared/http/handler';
import { InMemoryIdempotencyStore } from '../../../shared/http/idempotency/memory-store';
import { created } from '../../../shared/http/results';
import type { HttpContext } from '../../../shared/http/types';
import { withinTransaction } from '../../../shared/http/within-transaction';
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

/**
 * Operations whose effect is one transaction (`idempotencyInTransaction`, an actor's decision): the completed record
 * is written by that transaction, with the response, instead of an IN_PROGRESS record before and the response after.
 * The store here is the in-memory one, given the transactional write; the "transaction" commits the record with the
 * store's conditional write, as DynamoDB would with the item's condition (no live record holds the key).
 */
class TransactionalStore extends InMemoryIdempotencyStore {
  readonly completedWrite = (record: CompletedRecord, now: Date): TransactItem =>
    ({ Put: { TableName: 'essais', Item: { record, now } } }) as unknown as TransactItem;

  /** The decision's transaction: its effect and the record, together or not at all. */
  async commit(item: TransactItem, effect: () => void): Promise<void> {
    const { record, now } = (item.Put as unknown as { Item: { record: CompletedRecord; now: Date } }).Item;
    await this.saveCompletedIfAbsent(record, now);
    effect();
  }
}

const clock = fixedClock('2025-03-31T08:00:00.000Z');

/** The decision of the test: `effects` counts what was applied; `gate` holds it just before its transaction. */
function decision(store: TransactionalStore, options: { gate?: Promise<void>; refuseIf?: () => boolean } = {}) {
  const effects: number[] = [];
  const run = vi.fn(async (ctx: HttpContext) =>
    withinTransaction<{ numero: number }>(
      ctx,
      async (completion) => {
        if (options.refuseIf?.()) throw new DomainError('VERSION_PERIMEE', 'Le dossier a changé.', 'STALE');
        const result = { numero: effects.length + 1 };
        if (!completion) throw new Error('the operation offers the record to its transaction');
        const item = await completion(result);
        await options.gate;
        await store.commit(item, () => effects.push(result.numero));
        return result;
      },
      async (r) =>
        created({ numero: r.numero, montant: (ctx.body as { montant: number }).montant }, `/v1/essais/${r.numero}`),
    ),
  );
  const handler = httpHandler(
    {
      operationId: 'deciderEssai',
      summary: 'Décider un essai',
      method: 'POST',
      path: '/v1/essais',
      auth: 'user',
      body: z.object({ montant: amount }),
      idempotencyInTransaction: true,
      responses: { 201: { description: 'Décidé' } },
      handler: run as never,
    },
    { logger: silentLogger(), idempotencyStore: store },
  );
  return { handler, run, effects };
}

const post = (key = 'cle-1', body = '{"montant":"100.00"}') =>
  httpEvent({
    method: 'POST',
    path: '/v1/essais',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body,
    claims: USER,
  });

describe('idempotency written in the decision’s transaction', () => {
  beforeEach(() => {
    clock.set('2025-03-31T08:00:00.000Z');
    useClock(clock);
  });
  afterEach(restoreClock);

  it('takes no IN_PROGRESS record: one read before, the COMPLETED record with the response in the transaction', async () => {
    const store = new TransactionalStore();
    const inProgress = vi.spyOn(store, 'saveInProgress');
    const afterwards = vi.spyOn(store, 'saveCompleted');
    const { handler, effects } = decision(store);
    const first = await handler(post(), lambdaContext());
    expect(first.statusCode).toBe(201);
    expect(inProgress).not.toHaveBeenCalled();
    // saveCompleted only through the transaction's conditional write (saveCompletedIfAbsent → saveCompleted): once
    expect(afterwards).toHaveBeenCalledTimes(1);
    const stored = await store.get(`${USER.sub}#deciderEssai`, 'cle-1', clock.now());
    expect(stored?.status).toBe('COMPLETED');
    expect(stored?.response?.body).toBe(first.body);
    expect(effects).toEqual([1]);
  });

  it('replays the stored response to a retry without deciding again; another payload is 422', async () => {
    const store = new TransactionalStore();
    const { handler, run, effects } = decision(store);
    const first = await handler(post(), lambdaContext());
    const retry = await handler(post(), lambdaContext());
    expect(retry.body).toBe(first.body);
    expect(header(retry, 'location')).toBe('/v1/essais/1');
    expect(header(retry, 'idempotent-replayed')).toBe('true');
    const other = await handler(post('cle-1', '{"montant":"999.00"}'), lambdaContext());
    expect([other.statusCode, json(other).code]).toEqual([422, 'IDEMPOTENCY_KEY_REUTILISEE']);
    expect(run).toHaveBeenCalledTimes(1);
    expect(effects).toEqual([1]);
  });

  it('makes one effect of concurrent duplicates: the one whose transaction loses replays the winner’s response', async () => {
    const store = new TransactionalStore();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const slow = decision(store, { gate });
    const fast = decision(store);
    // Both read no record; the slow one is held just before its transaction while the fast one commits
    const pending = slow.handler(post(), lambdaContext());
    await vi.waitFor(() => expect(slow.run).toHaveBeenCalledTimes(1));
    const winner = await fast.handler(post(), lambdaContext());
    open();
    const loser = await pending;
    expect(winner.statusCode).toBe(201);
    expect(loser.statusCode).toBe(201);
    expect(loser.body).toBe(winner.body);
    expect(header(loser, 'idempotent-replayed')).toBe('true');
    expect([...slow.effects, ...fast.effects]).toEqual([1]);
  });

  it('a duplicate refused because the winner moved the dossier on replays the winner’s response, not its refusal', async () => {
    const store = new TransactionalStore();
    const first = decision(store);
    const winner = await first.handler(post(), lambdaContext());
    // As if it had read the record before the winner wrote it: it runs, and the dossier's version has moved
    const late = decision(store, { refuseIf: () => true });
    vi.spyOn(store, 'get').mockResolvedValueOnce(undefined);
    const loser = await late.handler(post(), lambdaContext());
    expect(loser.statusCode).toBe(201);
    expect(loser.body).toBe(winner.body);
    expect(header(loser, 'idempotent-replayed')).toBe('true');
  });

  it('stores a refusal after the handler (no transaction carried it): the retry gets the same problem', async () => {
    const store = new TransactionalStore();
    const { handler, run } = decision(store, { refuseIf: () => true });
    const first = await handler(post(), lambdaContext());
    const retry = await handler(post(), lambdaContext());
    expect([first.statusCode, json(first).code]).toEqual([412, 'VERSION_PERIMEE']);
    expect(json(retry)).toEqual(json(first));
    expect(header(retry, 'idempotent-replayed')).toBe('true');
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('stores nothing after a 5xx: the retry with the same key decides', async () => {
    const store = new TransactionalStore();
    const failing = vi.spyOn(store, 'commit').mockRejectedValueOnce(new Error('table unreachable'));
    const { handler, effects } = decision(store);
    expect((await handler(post(), lambdaContext())).statusCode).toBe(500);
    expect(store.records.size).toBe(0);
    const retry = await handler(post(), lambdaContext());
    expect(retry.statusCode).toBe(201);
    expect(header(retry, 'idempotent-replayed')).toBeUndefined();
    expect(failing).toHaveBeenCalledTimes(2);
    expect(effects).toEqual([1]);
  });
});
