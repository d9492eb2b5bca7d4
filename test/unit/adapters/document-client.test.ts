import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as sdk from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../../shared/adapters/aws-json';
import {
  BatchGetCommand,
  BatchWriteCommand,
  ConditionalCheckFailedException,
  DeleteCommand,
  DocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteCommand,
  UpdateCommand,
} from '../../../shared/adapters/dynamo/document-client';
import { EXAMPLE_CREDENTIALS, type Received, type Reply, useRecordingServer } from '../../fixtures/recording-server';
import { verifySigV4 } from '../../fixtures/sigv4';

/**
 * The functions' DynamoDB client without the SDK (shared/adapters/dynamo/document-client.ts, aws-json.ts), against a
 * recording HTTP server: the same commands sent by the SDK's document client and by ours must put the same JSON on
 * the wire, both signed as Signature V4 says; the same answer must read the same; errors keep their names and are
 * tried again only when the SDK's standard retry would.
 */

const credentials = EXAMPLE_CREDENTIALS;
const recorder = useRecordingServer('application/x-amz-json-1.0', { status: 200, body: {} });

const ours = () =>
  new DocumentClient({
    endpoint: recorder.endpoint,
    region: async () => 'eu-west-3',
    credentials: async () => credentials,
    backoff: async () => undefined,
  });
const theSdks = () =>
  sdk.DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: recorder.endpoint, region: 'eu-west-3', credentials, maxAttempts: 1 }),
    {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    },
  );

/** An item with every kind of attribute value, and an undefined one the marshalling drops. */
const item = {
  pk: 'DOSSIER#D1',
  sk: 'META',
  n: 42,
  cents: -123_456,
  ok: true,
  none: null,
  bytes: new Uint8Array([0, 1, 2, 250, 255]),
  tags: new Set(['a', 'b']),
  amounts: new Set([1, 2.5]),
  nested: { list: [1, 'deux', { trois: 3 }], empty: {} },
  dropped: undefined,
};

const cases: [string, () => [unknown, unknown]][] = [
  ['GetItem', () => [new sdk.GetCommand(getInput), new GetCommand(getInput)]],
  ['PutItem', () => [new sdk.PutCommand(putInput), new PutCommand(putInput)]],
  ['UpdateItem', () => [new sdk.UpdateCommand(updateInput), new UpdateCommand(updateInput)]],
  ['DeleteItem', () => [new sdk.DeleteCommand(deleteInput), new DeleteCommand(deleteInput)]],
  ['Query', () => [new sdk.QueryCommand(queryInput), new QueryCommand(queryInput)]],
  ['BatchGetItem', () => [new sdk.BatchGetCommand(batchGetInput), new BatchGetCommand(batchGetInput)]],
  ['BatchWriteItem', () => [new sdk.BatchWriteCommand(batchWriteInput), new BatchWriteCommand(batchWriteInput)]],
  ['TransactWriteItems', () => [new sdk.TransactWriteCommand(transactInput), new TransactWriteCommand(transactInput)]],
];
const getInput = { TableName: 't', Key: { pk: 'DOSSIER#D1', sk: 'META' }, ConsistentRead: true };
const putInput = {
  TableName: 't',
  Item: item,
  ConditionExpression: 'attribute_not_exists(pk) OR version = :v',
  ExpressionAttributeValues: { ':v': 3 },
};
const updateInput = {
  TableName: 't',
  Key: { pk: 'P', sk: 'S' },
  UpdateExpression: 'SET #a = :a, blob = :b ADD tags :t',
  ExpressionAttributeNames: { '#a': 'a' },
  ExpressionAttributeValues: { ':a': { x: [1, 2] }, ':b': new Uint8Array([9]), ':t': new Set(['z']) },
  ReturnValues: 'ALL_NEW' as const,
};
const deleteInput = { TableName: 't', Key: { pk: 'P', sk: 'S' }, ConditionExpression: 'attribute_exists(pk)' };
const queryInput = {
  TableName: 't',
  IndexName: 'GSI1v2',
  KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :p)',
  ExpressionAttributeValues: { ':pk': 'STRUCT#1', ':p': 'OPEN#' },
  ExclusiveStartKey: { pk: 'P', sk: 'S', gsi1pk: 'STRUCT#1', gsi1sk: 'OPEN#2' },
  Limit: 25,
  ScanIndexForward: false,
};
const batchGetInput = {
  RequestItems: {
    t: {
      Keys: [
        { pk: 'A', sk: 'META' },
        { pk: 'B', sk: 'META' },
      ],
      ConsistentRead: true,
    },
  },
};
const batchWriteInput = {
  RequestItems: { t: [{ PutRequest: { Item: item } }, { DeleteRequest: { Key: { pk: 'C', sk: 'META' } } }] },
};
const transactInput = {
  TransactItems: [
    { Put: { TableName: 't', Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
    {
      Update: {
        TableName: 't',
        Key: { pk: 'P', sk: 'S' },
        UpdateExpression: 'SET v = :v',
        ExpressionAttributeValues: { ':v': 2, ':old': 1 },
        ConditionExpression: 'v = :old',
      },
    },
    { Delete: { TableName: 't', Key: { pk: 'Q', sk: 'S' } } },
    {
      ConditionCheck: {
        TableName: 't',
        Key: { pk: 'R', sk: 'S' },
        ConditionExpression: 'v = :v',
        ExpressionAttributeValues: { ':v': 7 },
      },
    },
  ],
};

describe('requests: what the SDK would send, signed', () => {
  it.each(cases)('%s: the same target and the same JSON body as the SDK’s document client', async (operation, make) => {
    const [theirs, mine] = make();
    await theSdks().send(theirs as never);
    await ours().send(mine as never);
    const [a, b] = recorder.received as [Received, Received];
    expect(b.req.headers['x-amz-target']).toBe(`DynamoDB_20120810.${operation}`);
    expect(b.req.headers['x-amz-target']).toBe(a.req.headers['x-amz-target']);
    expect(b.req.headers['content-type']).toBe('application/x-amz-json-1.0');
    // TransactWriteItems: both fill in an idempotency token of their own (a UUID), the same on every attempt
    const token = { ClientRequestToken: expect.stringMatching(/^[0-9a-f-]{36}$/) };
    const sent = (r: Received) => JSON.parse(r.body) as Record<string, unknown>;
    const { ClientRequestToken: _a, ...sdkBody } = sent(a);
    const { ClientRequestToken: _b, ...ourBody } = sent(b);
    expect(ourBody).toEqual(sdkBody);
    if (operation === 'TransactWriteItems')
      expect([sent(a), sent(b)]).toEqual([expect.objectContaining(token), expect.objectContaining(token)]);
  });

  it('tries a transaction again with the same idempotency token', async () => {
    recorder.replies = ['drop', { status: 200, body: {} }];
    await ours().send(new TransactWriteCommand(transactInput));
    const [first, second] = recorder.received.map((r) => JSON.parse(r.body).ClientRequestToken as string);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).toBe(first);
  });

  it('signs each request as Signature V4 says, the body and the session token included (the SDK’s passes too)', async () => {
    await theSdks().send(new sdk.PutCommand(putInput));
    await ours().send(new PutCommand(putInput));
    for (const { req, body } of recorder.received) {
      const { valid, signedHeaders } = verifySigV4(req, credentials.secretAccessKey, body);
      expect(valid).toBe(true);
      expect(signedHeaders).toEqual(
        expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token', 'x-amz-target']),
      );
      expect(req.headers['x-amz-security-token']).toBe(credentials.sessionToken);
      expect(req.headers.authorization).toContain('/eu-west-3/dynamodb/aws4_request');
    }
    // the check checks: another secret, or another body, fails it
    const mine = recorder.received[1] as Received;
    expect(verifySigV4(mine.req, 'other', mine.body).valid).toBe(false);
    expect(verifySigV4(mine.req, credentials.secretAccessKey, `${mine.body} `).valid).toBe(false);
  });
});

describe('answers: read as the SDK’s document client reads them', () => {
  /** An item as DynamoDB's JSON gives it: binary in base64 ("AAEC+v8=" is 0, 1, 2, 250, 255). */
  const wire = {
    pk: { S: 'DOSSIER#D1' },
    n: { N: '42' },
    price: { N: '-1234.5' },
    bytes: { B: 'AAEC+v8=' },
    blobs: { BS: ['AQ==', 'Ag=='] },
    tags: { SS: ['a', 'b'] },
    amounts: { NS: ['1', '2.5'] },
    ok: { BOOL: false },
    none: { NULL: true },
    B: { M: { B: { S: 'an attribute named B is not binary' }, list: { L: [{ N: '1' }, { S: 'x' }] } } },
  };

  it.each([
    ['GetItem', { Item: wire }, new sdk.GetCommand(getInput), new GetCommand(getInput)],
    [
      'Query',
      { Items: [wire, wire], Count: 2, ScannedCount: 2, LastEvaluatedKey: { pk: { S: 'P' }, sk: { S: 'S' } } },
      new sdk.QueryCommand(queryInput),
      new QueryCommand(queryInput),
    ],
    [
      'BatchGetItem',
      { Responses: { t: [wire] }, UnprocessedKeys: { t: { Keys: [{ pk: { S: 'B' }, sk: { S: 'META' } }] } } },
      new sdk.BatchGetCommand(batchGetInput),
      new BatchGetCommand(batchGetInput),
    ],
    ['UpdateItem', { Attributes: wire }, new sdk.UpdateCommand(updateInput), new UpdateCommand(updateInput)],
  ] as const)('%s', async (_operation, answer, theirs, mine) => {
    recorder.replies = [{ status: 200, body: answer }];
    const { $metadata: _a, ...expected } = await theSdks().send(theirs as never);
    const { $metadata: _b, ...got } = (await ours().send(mine as never)) as Record<string, unknown>;
    expect(got).toEqual(expected);
  });

  it('gives binary values as bytes: 0, 1, 2, 250, 255', async () => {
    recorder.replies = [{ status: 200, body: { Item: wire } }];
    const { Item } = await ours().send(new GetCommand(getInput));
    expect(Item?.bytes).toEqual(new Uint8Array([0, 1, 2, 250, 255]));
    expect(Item?.n).toBe(42);
    expect(Item?.B).toEqual({ B: 'an attribute named B is not binary', list: [1, 'x'] });
  });
});

describe('errors and retries', () => {
  const error = (type: string, status = 400, fields: Record<string, unknown> = {}): Reply => ({
    status,
    body: { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `${type} message`, ...fields },
  });

  it('a failed condition is a ConditionalCheckFailedException, sent once', async () => {
    recorder.replies = [error('ConditionalCheckFailedException')];
    const e = await ours()
      .send(new PutCommand(putInput))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConditionalCheckFailedException);
    expect(e).toMatchObject({
      name: 'ConditionalCheckFailedException',
      message: 'ConditionalCheckFailedException message',
    });
    expect(recorder.received).toHaveLength(1);
  });

  it('a cancelled transaction keeps its reasons, the item returned read as plain values', async () => {
    recorder.replies = [
      error('TransactionCanceledException', 400, {
        CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Item: { v: { N: '5' } } }],
      }),
    ];
    const e = (await ours()
      .send(new TransactWriteCommand(transactInput))
      .catch((x: unknown) => x)) as TransactionCanceledException;
    expect(e).toBeInstanceOf(TransactionCanceledException);
    expect(e.CancellationReasons).toEqual([{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Item: { v: 5 } }]);
    expect(recorder.received).toHaveLength(1);
  });

  it('throttling is tried three times in all, then thrown with its name', async () => {
    recorder.replies = [error('ProvisionedThroughputExceededException')];
    const e = await ours()
      .send(new GetCommand(getInput))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AwsServiceError);
    expect(e).toMatchObject({ name: 'ProvisionedThroughputExceededException', $metadata: { attempts: 3 } });
    expect(recorder.received).toHaveLength(3);
  });

  it('a 500, then a dropped connection, then the answer: one result after three attempts', async () => {
    recorder.replies = [error('InternalServerError', 500), 'drop', { status: 200, body: { Item: { pk: { S: 'P' } } } }];
    const out = await ours().send(new GetCommand(getInput));
    expect(out.Item).toEqual({ pk: 'P' });
    expect(out.$metadata.attempts).toBe(3);
    expect(recorder.received).toHaveLength(3);
  });

  it('reports each exchange on the wire, a retried one twice, until the listener is removed', async () => {
    recorder.replies = [error('InternalServerError', 500), { status: 200, body: { Item: { pk: { S: 'P' } } } }];
    const client = ours();
    const exchanges: number[] = [];
    const remove = client.onExchange((ms) => exchanges.push(ms));
    await client.send(new GetCommand(getInput));
    // two attempts (500, then the answer): two exchanges, each a duration
    expect(exchanges).toHaveLength(2);
    for (const ms of exchanges) expect(ms).toBeGreaterThanOrEqual(0);
    remove();
    await client.send(new GetCommand(getInput));
    expect(exchanges).toHaveLength(2);
    expect(recorder.received).toHaveLength(3);
  });

  it('a bad request is not tried again', async () => {
    recorder.replies = [error('ValidationException')];
    await expect(ours().send(new QueryCommand(queryInput))).rejects.toMatchObject({
      name: 'ValidationException',
      $fault: 'client',
    });
    expect(recorder.received).toHaveLength(1);
  });

  it('interceptors see each command with its input and output, the last added first', async () => {
    recorder.replies = [{ status: 200, body: { Item: { pk: { S: 'P' } } } }];
    const client = ours();
    const seen: string[] = [];
    client.use('outer', (next) => async (command) => {
      seen.push(`outer ${command.commandName}`);
      return next(command);
    });
    client.use('inner', (next) => async (command) => {
      seen.push(`inner ${command.operation}`);
      const out = await next(command.withInput({ ...command.input, ReturnConsumedCapacity: 'TOTAL' }));
      seen.push(`out ${JSON.stringify((out as { Item?: unknown }).Item)}`);
      return out;
    });
    await client.send(new GetCommand(getInput));
    expect(seen).toEqual(['inner GetItem', 'outer GetItemCommand', 'out {"pk":"P"}']);
    expect(JSON.parse((recorder.received[0] as Received).body).ReturnConsumedCapacity).toBe('TOTAL');
    client.remove('inner');
    seen.length = 0;
    await client.send(new GetCommand(getInput));
    expect(seen).toEqual(['outer GetItemCommand']);
  });
});
