import {
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { transactWrite } from '../../../shared/adapters/dynamo/transactions';
import { DynamoIdempotencyStore } from '../../../shared/adapters/idempotency-store';
import { httpHandler } from '../../../shared/http/handler';
import { created } from '../../../shared/http/results';
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
 * Fault injection on DynamoDB (aws-sdk-client-mock): throttling that outlasts the SDK's own retries, and a
 * transaction cancelled by a concurrent one. The client gets a documented problem (503 with Retry-After, or 409),
 * never a 500; nothing is half-written (the write is one transaction, refused whole); and the idempotency key is
 * released on the 503, so the retry with the same key does the work exactly once.
 */
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-3' }));
const ddb = mockClient(doc);
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

const throttled = () =>
  new ProvisionedThroughputExceededException({
    message: 'Rate of requests exceeds the allowed throughput',
    $metadata: {},
  });

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
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
        $metadata: {},
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
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }],
        $metadata: {},
      }),
    );
    const res = await handler(event('cle-panne-3'), lambdaContext());
    expect(res.statusCode).toBe(503);
    expect(json(res)).toMatchObject({ code: 'SERVICE_SATURE' });
  });
});
