import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { AwsServiceError, MAX_ATTEMPTS } from '../../../shared/adapters/aws-json';
import {
  DeleteCommand,
  PutCommand,
  TransactionCanceledException,
  TransactWriteCommand,
} from '../../../shared/adapters/dynamo/document-client';
import { transactWrite } from '../../../shared/adapters/dynamo/transactions';
import { DynamoIdempotencyStore } from '../../../shared/adapters/idempotency-store';
import { httpHandler } from '../../../shared/http/handler';
import { created } from '../../../shared/http/results';
import { mockDocumentClient, mockedClient } from '../../fixtures/document-client-mock';
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
} from '../../unit/http/fixtures';

/**
 * Fault injection on DynamoDB (test/fixtures/document-client-mock.ts, which stubs DocumentClient's `send`):
 * throttling that outlasts the client's own retries, and a transaction cancelled by a concurrent one. The retries
 * are below `send` (AwsJsonService.call tries a throttled request MAX_ATTEMPTS times): a mocked `send` failing with
 * a throttling error is what the client throws once they gave up. The client gets a documented problem (503 with Retry-After, or 409),
 * never a 500; nothing is half-written (the write is one transaction, refused whole); and the idempotency key is
 * released on the 503, so the retry with the same key does the work exactly once.
 */
const doc = mockedClient();
const ddb = mockDocumentClient();
const store = new DynamoIdempotencyStore(
  () => doc,
  () => 'table-essai',
);
const NOW = new Date('2026-12-03T10:00:00.000Z');

const handler = httpHandler(
  {
    operationId: 'deposerEssaiPanne',
    summary: 'Déposer (deux écritures dans une transaction)',
    method: 'POST',
    path: '/v1/essais-panne',
    auth: 'user',
    body: z.object({ n: z.int() }),
    responses: { 201: { description: 'Déposé' } },
    handler: async (ctx) => {
      await transactWrite(doc, [
        { Put: { TableName: 'table-essai', Item: { pk: `ESSAI#${ctx.body.n}`, sk: 'META' } } },
        { Put: { TableName: 'table-essai', Item: { pk: `ESSAI#${ctx.body.n}`, sk: 'EVENT#1' } } },
      ]);
      return created({ n: ctx.body.n }, `/v1/essais-panne/${ctx.body.n}`);
    },
  },
  { logger: silentLogger(), idempotencyStore: store },
);

const event = (key: string) =>
  httpEvent({
    method: 'POST',
    path: '/v1/essais-panne',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: '{"n":7}',
    claims: USER,
  });

/** What `send` throws once the client's own attempts (MAX_ATTEMPTS, in AwsJsonService.call) were all throttled. */
const throttled = () =>
  new AwsServiceError(
    'ProvisionedThroughputExceededException',
    'Rate of requests exceeds the allowed throughput',
    400,
    MAX_ATTEMPTS,
  );

describe('DynamoDB faults seen by an API operation', () => {
  beforeEach(() => {
    ddb.reset();
    useClock(fixedClock(NOW.toISOString()));
  });
  afterEach(restoreClock);

  it('throttling: 503 SERVICE_SATURE with Retry-After, nothing written, the key released; the retry writes once', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    ddb.on(TransactWriteCommand).rejectsOnce(throttled()).resolves({});

    const first = await handler(event('cle-panne-1'), lambdaContext());
    expect(first.statusCode).toBe(503);
    expect(header(first, 'content-type')).toBe('application/problem+json');
    expect(header(first, 'retry-after')).toBe('1');
    expect(json(first)).toMatchObject({ status: 503, code: 'SERVICE_SATURE' });
    expect(String(json(first).detail)).toContain('réessayez');
    // The idempotency record was released (deleted), not stored as the outcome
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(1);
    expect(ddb.commandCalls(DeleteCommand)[0]?.args[0].input.Key).toEqual({
      pk: `IDEMP#${USER.sub}#deposerEssaiPanne#cle-panne-1`,
      sk: 'IDEMP',
    });

    const retry = await handler(event('cle-panne-1'), lambdaContext());
    expect(retry.statusCode).toBe(201);
    // Two attempts of the one transaction (the refused one wrote nothing: DynamoDB applies a transaction whole or
    // not at all), one that succeeded
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('a transaction cancelled by a concurrent one: 409 MODIFICATION_CONCURRENTE, stored for replay', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException('TransactionCanceledException', 'Transaction cancelled', 400, 1, {
        CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
      }),
    );
    const res = await handler(event('cle-panne-2'), lambdaContext());
    expect(res.statusCode).toBe(409);
    expect(json(res)).toMatchObject({ status: 409, code: 'MODIFICATION_CONCURRENTE' });
  });

  it('a transaction cancelled by throttling of one of its items: 503, not 500', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException('TransactionCanceledException', 'Transaction cancelled', 400, 1, {
        CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }],
      }),
    );
    const res = await handler(event('cle-panne-3'), lambdaContext());
    expect(res.statusCode).toBe(503);
    expect(json(res)).toMatchObject({ code: 'SERVICE_SATURE' });
  });
});
