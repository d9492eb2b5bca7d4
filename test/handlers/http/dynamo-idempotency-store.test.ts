import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import {
  ConditionalCheckFailedException,
  DeleteCommand,
  GetCommand,
  PutCommand,
} from '../../../shared/adapters/dynamo/document-client';
import { IdempotencyRecordExistsError } from '../../../shared/adapters/idempotency-records';
import { DynamoIdempotencyStore, isIdempotencyWrite } from '../../../shared/adapters/idempotency-store';
import { httpHandler } from '../../../shared/http/handler';
import { payloadHash } from '../../../shared/http/middlewares/idempotency';
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

const doc = mockedClient();
const ddb = mockDocumentClient();
const store = new DynamoIdempotencyStore(
  () => doc,
  () => 'table-essai',
);

const NOW = new Date('2025-03-31T08:00:00.000Z');
const NOW_S = NOW.getTime() / 1000;
const conditionFailed = () =>
  new ConditionalCheckFailedException('ConditionalCheckFailedException', 'The conditional request failed', 400, 1);
const record = {
  scope: 'user-1#deposer',
  key: 'cle-1',
  payloadHash: 'h1',
  expiresAt: NOW_S + 86_400,
  lockExpiresAt: NOW.getTime() + 60_000,
};

describe('DynamoIdempotencyStore', () => {
  beforeEach(() => ddb.reset());

  it('takes the key with one conditional Put on the idempotency item, TTL in `ttl`', async () => {
    ddb.on(PutCommand).resolves({});
    await store.saveInProgress(record, NOW);
    const input = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(input.TableName).toBe('table-essai');
    expect(input.Item).toEqual({
      pk: 'IDEMP#user-1#deposer#cle-1',
      sk: 'IDEMP',
      status: 'IN_PROGRESS',
      payloadHash: 'h1',
      ttl: NOW_S + 86_400,
      lockExpiresAt: NOW.getTime() + 60_000,
    });
    expect(input.ConditionExpression).toBe(
      'attribute_not_exists(#pk) OR #ttl <= :nowS OR (#status = :inProgress AND #lock <= :nowMs)',
    );
    expect(input.ExpressionAttributeValues).toEqual({
      ':nowS': NOW_S,
      ':nowMs': NOW.getTime(),
      ':inProgress': 'IN_PROGRESS',
    });
  });

  it('reports a lost condition as IdempotencyRecordExistsError', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    await expect(store.saveInProgress(record, NOW)).rejects.toBeInstanceOf(IdempotencyRecordExistsError);
  });

  it('lets any other DynamoDB error through', async () => {
    ddb.on(PutCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    await expect(store.saveInProgress(record, NOW)).rejects.toThrow('ProvisionedThroughputExceededException');
  });

  it('stores the completed response', async () => {
    ddb.on(PutCommand).resolves({});
    const response = { statusCode: 201, headers: { Location: '/v1/x/1' }, body: '{"id":1}' };
    await store.saveCompleted({
      scope: record.scope,
      key: record.key,
      payloadHash: 'h1',
      expiresAt: record.expiresAt,
      response,
    });
    const input = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(input.Item).toMatchObject({ status: 'COMPLETED', response, ttl: record.expiresAt });
    expect(input.ConditionExpression).toBeUndefined();
  });

  it('keeps a large response gzipped, far under the 400 KB item limit, and replays its exact bytes', async () => {
    ddb.on(PutCommand).resolves({});
    // 1 MB of JSON, e.g. a refusal that quoted a huge input: once over the 400 KB limit, the record was lost
    const body = JSON.stringify({ detail: 'x'.repeat(1024 * 1024) });
    const response = { statusCode: 422, headers: { 'Content-Type': 'application/problem+json' }, body };
    await store.saveCompleted({ ...record, response });
    const item = ddb.commandCalls(PutCommand)[0]!.args[0].input.Item as Record<string, unknown>;
    expect(item.response).toEqual({ statusCode: 422, headers: response.headers });
    expect((item.bodyGzip as Uint8Array).length).toBeLessThan(400 * 1024);

    ddb.on(GetCommand).resolves({ Item: item });
    expect((await store.get(record.scope, record.key, NOW))?.response).toEqual(response);
  });

  it('writes a completed record only where no live one is, alone or as an item of a decision’s transaction', async () => {
    const { lockExpiresAt: _lock, ...completed } = record;
    const response = { statusCode: 200, headers: { ETag: '"3"' }, body: '{"version":3}' };
    ddb.on(PutCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    await store.saveCompletedIfAbsent({ ...completed, response }, NOW);
    await expect(store.saveCompletedIfAbsent({ ...completed, response }, NOW)).rejects.toBeInstanceOf(
      IdempotencyRecordExistsError,
    );
    const alone = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(alone.Item).toMatchObject({ status: 'COMPLETED', response, lockExpiresAt: 0 });
    const inTransaction = store.completedWrite({ ...completed, response }, NOW);
    // The same item, on the same condition as taking the key (no record, or a dead one)
    expect(inTransaction.Put).toMatchObject({
      TableName: 'table-essai',
      Item: alone.Item,
      ConditionExpression: alone.ConditionExpression,
      ExpressionAttributeValues: { ':nowS': NOW_S, ':nowMs': NOW.getTime(), ':inProgress': 'IN_PROGRESS' },
    });
    expect(isIdempotencyWrite(inTransaction)).toBe(true);
    expect(isIdempotencyWrite({ Put: { TableName: 't', Item: { pk: 'DOSSIER#d', sk: 'META' } } })).toBe(false);
  });

  it('gzips a response of more than 1 KB written in a transaction (2 units per KB there), and replays its bytes', async () => {
    const { lockExpiresAt: _lock, ...completed } = record;
    // 1,025 bytes of body: one byte past the threshold
    const body = JSON.stringify({ d: 'x'.repeat(1025 - '{"d":""}'.length) });
    expect(Buffer.byteLength(body)).toBe(1025);
    const response = { statusCode: 200, headers: {}, body };
    const item = store.completedWrite({ ...completed, response }, NOW).Put?.Item as Record<string, unknown>;
    expect(item.response).toEqual({ statusCode: 200, headers: {} });
    expect((item.bodyGzip as Uint8Array).length).toBeLessThan(100);
    ddb.on(GetCommand).resolves({ Item: item });
    expect((await store.get(record.scope, record.key, NOW))?.response).toEqual(response);
    // 1,024 bytes stay as they are
    const small = { ...response, body: body.slice(1) };
    expect(store.completedWrite({ ...completed, response: small }, NOW).Put?.Item).toMatchObject({ response: small });
  });

  it('reads with a consistent Get and hides dead records', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({
        Item: { pk: 'p', sk: 's', status: 'COMPLETED', payloadHash: 'h1', ttl: NOW_S + 10, lockExpiresAt: 0 },
      })
      .resolvesOnce({
        Item: { pk: 'p', sk: 's', status: 'COMPLETED', payloadHash: 'h1', ttl: NOW_S, lockExpiresAt: 0 },
      })
      .resolvesOnce({
        Item: {
          pk: 'p',
          sk: 's',
          status: 'IN_PROGRESS',
          payloadHash: 'h1',
          ttl: NOW_S + 10,
          lockExpiresAt: NOW.getTime(),
        },
      })
      .resolvesOnce({});
    expect(await store.get(record.scope, record.key, NOW)).toMatchObject({ status: 'COMPLETED', payloadHash: 'h1' });
    expect(await store.get(record.scope, record.key, NOW)).toBeUndefined(); // TTL passed, not yet swept
    expect(await store.get(record.scope, record.key, NOW)).toBeUndefined(); // lock expired
    expect(await store.get(record.scope, record.key, NOW)).toBeUndefined();
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({
      ConsistentRead: true,
      Key: { pk: 'IDEMP#user-1#deposer#cle-1', sk: 'IDEMP' },
    });
  });

  it('releases only an IN_PROGRESS record, and ignores one already gone or completed', async () => {
    ddb.on(DeleteCommand).rejectsOnce(conditionFailed()).resolves({});
    await expect(store.release(record.scope, record.key)).resolves.toBeUndefined();
    await store.release(record.scope, record.key);
    expect(ddb.commandCalls(DeleteCommand)[1]!.args[0].input).toMatchObject({
      ConditionExpression: '#status = :inProgress',
      ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS' },
    });
  });

  it('lets a failed release surface', async () => {
    ddb.on(DeleteCommand).rejects(new Error('network'));
    await expect(store.release(record.scope, record.key)).rejects.toThrow('network');
  });
});

describe('httpHandler with the DynamoDB store', () => {
  beforeEach(() => {
    ddb.reset();
    useClock(fixedClock(NOW.toISOString()));
  });
  afterEach(restoreClock);

  const run = vi.fn(async () => created({ id: 1 }, '/v1/essais/1'));
  const handler = httpHandler(
    {
      operationId: 'deposerEssaiDynamo',
      summary: 'Déposer',
      method: 'POST',
      path: '/v1/essais-dynamo',
      auth: 'user',
      body: z.object({ n: z.int() }),
      responses: { 201: { description: 'Déposé' } },
      handler: run,
    },
    { logger: silentLogger(), idempotencyStore: store },
  );
  const event = () =>
    httpEvent({
      method: 'POST',
      path: '/v1/essais-dynamo',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k1' },
      body: '{"n":1}',
      claims: USER,
    });

  it('first request: Put IN_PROGRESS, run, Put COMPLETED with the response', async () => {
    run.mockClear();
    ddb.on(PutCommand).resolves({});
    const response = await handler(event(), lambdaContext());
    expect(response.statusCode).toBe(201);
    expect(run).toHaveBeenCalledTimes(1);
    const puts = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item);
    expect(puts.map((i) => i?.status)).toEqual(['IN_PROGRESS', 'COMPLETED']);
    expect(puts[1]?.response).toMatchObject({
      statusCode: 201,
      body: '{"id":1}',
      headers: { Location: '/v1/essais/1' },
    });
    expect(puts[0]?.pk).toBe('IDEMP#user-1#deposerEssaiDynamo#k1');
  });

  it('replay: the conditional Put fails, the stored response is returned, the handler does not run', async () => {
    run.mockClear();
    ddb.on(PutCommand).resolves({});
    await handler(event(), lambdaContext());
    const stored = ddb.commandCalls(PutCommand)[1]!.args[0].input.Item!;
    ddb.reset();
    run.mockClear();
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: stored });
    const replay = await handler(event(), lambdaContext());
    expect(run).not.toHaveBeenCalled();
    expect(replay.statusCode).toBe(201);
    expect(replay.body).toBe('{"id":1}');
    expect(header(replay, 'idempotent-replayed')).toBe('true');
  });

  it('in progress elsewhere: 409 REQUETE_EN_COURS', async () => {
    run.mockClear();
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({
      Item: {
        status: 'IN_PROGRESS',
        payloadHash: payloadHash('POST', '/v1/essais-dynamo', undefined, '{"n":1}'),
        ttl: NOW_S + 100,
        lockExpiresAt: NOW.getTime() + 5_000,
      },
    });
    const response = await handler(event(), lambdaContext());
    expect(response.statusCode).toBe(409);
    expect(json(response).code).toBe('REQUETE_EN_COURS');
    expect(run).not.toHaveBeenCalled();
  });

  it('another payload under the key: 422 IDEMPOTENCY_KEY_REUTILISEE', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb
      .on(GetCommand)
      .resolves({ Item: { status: 'COMPLETED', payloadHash: 'autre', ttl: NOW_S + 100, lockExpiresAt: 0 } });
    const response = await handler(event(), lambdaContext());
    expect(json(response).code).toBe('IDEMPOTENCY_KEY_REUTILISEE');
  });

  it('record gone between the failed Put and the Get: takes the key on the second try', async () => {
    run.mockClear();
    ddb.on(PutCommand).rejectsOnce(conditionFailed()).resolves({});
    ddb.on(GetCommand).resolves({});
    const response = await handler(event(), lambdaContext());
    expect(response.statusCode).toBe(201);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('handler fails: the record is deleted (conditional on IN_PROGRESS) so that the client may retry', async () => {
    run.mockClear();
    run.mockRejectedValueOnce(new Error('boom'));
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    const response = await handler(event(), lambdaContext());
    expect(response.statusCode).toBe(500);
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(1);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
  });
});
