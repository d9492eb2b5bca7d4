import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { dynamoClient } from '../../../shared/adapters/dynamo/client';
import {
  ConditionalCheckFailedException,
  DeleteCommand,
  DocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '../../../shared/adapters/dynamo/document-client';
import { matchesPartially, mockDocumentClient, mockedClient } from '../../fixtures/document-client-mock';

/** The DocumentClient mock of the unit tests (test/fixtures/document-client-mock.ts): the semantics they rely on. */
const ddb = mockDocumentClient();
afterAll(() => ddb.restore());

const client = mockedClient();
const get = (pk: string) => client.send(new GetCommand({ TableName: 't', Key: { pk, sk: 'META' } }));
const put = (pk: string) => client.send(new PutCommand({ TableName: 't', Item: { pk, sk: 'META' } }));

beforeEach(() => {
  ddb.reset();
});

describe('interception', () => {
  it('answers every DocumentClient, one built after the rules and the process’s own included', async () => {
    ddb.on(GetCommand).resolves({ Item: { pk: 'A' } });
    vi.stubEnv('AWS_REGION', 'eu-west-3');
    try {
      const later = new DocumentClient({
        region: async () => 'eu-west-1',
        credentials: async () => ({ accessKeyId: 'y', secretAccessKey: 'y' }),
      });
      const command = new GetCommand({ TableName: 't', Key: { pk: 'A' } });
      await expect(later.send(command)).resolves.toEqual({ Item: { pk: 'A' } });
      await expect(dynamoClient().send(command)).resolves.toEqual({ Item: { pk: 'A' } });
      expect(ddb.calls()).toHaveLength(2);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('resolves undefined for a command no rule matches', async () => {
    ddb.on(PutCommand).resolves({});
    await expect(get('A')).resolves.toBeUndefined();
  });

  it('is put back by reset() after vi.restoreAllMocks() removed it, and removed by restore()', async () => {
    vi.restoreAllMocks();
    expect(vi.isMockFunction(DocumentClient.prototype.send)).toBe(false);
    ddb.reset();
    expect(vi.isMockFunction(DocumentClient.prototype.send)).toBe(true);
    ddb.on(GetCommand).resolves({ Item: { pk: 'B' } });
    await expect(get('B')).resolves.toEqual({ Item: { pk: 'B' } });

    ddb.restore();
    expect(vi.isMockFunction(DocumentClient.prototype.send)).toBe(false);
    // A new rule puts it back (as reset() does, like aws-sdk-client-mock's reset(), which stubs the client again)
    ddb.on(GetCommand).resolves({ Item: { pk: 'C' } });
    await expect(get('C')).resolves.toEqual({ Item: { pk: 'C' } });
  });
});

describe('rules', () => {
  it('lets the rule defined last answer among those that match; the others still answer their own commands', async () => {
    ddb.onAnyCommand().resolves({ Attributes: { from: 'any' } });
    ddb.on(GetCommand).resolves({ Item: { from: 'every get' } });
    ddb.on(GetCommand, { Key: { pk: 'A' } }).resolves({ Item: { from: 'get A' } });
    await expect(get('A')).resolves.toEqual({ Item: { from: 'get A' } });
    await expect(get('B')).resolves.toEqual({ Item: { from: 'every get' } });
    await expect(put('A')).resolves.toEqual({ Attributes: { from: 'any' } });
    // Defined after the specific rule, the general one now wins for A too
    ddb.on(GetCommand).resolves({ Item: { from: 'every get, again' } });
    await expect(get('A')).resolves.toEqual({ Item: { from: 'every get, again' } });
  });

  it('uses the once-answers of a rule in order, then its default', async () => {
    const first = new Error('first');
    ddb
      .on(PutCommand)
      .rejectsOnce(first)
      .rejectsOnce('second')
      .resolves({ Attributes: { n: 3 } });
    await expect(put('A')).rejects.toBe(first);
    await expect(put('A')).rejects.toThrow(new Error('second'));
    await expect(put('A')).resolves.toEqual({ Attributes: { n: 3 } });
    await expect(put('A')).resolves.toEqual({ Attributes: { n: 3 } });
  });

  it('resolves undefined once a rule without a default has used its once-answers', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { n: 1 } })
      .resolvesOnce({ Item: { n: 2 } });
    await expect(get('A')).resolves.toEqual({ Item: { n: 1 } });
    await expect(get('A')).resolves.toEqual({ Item: { n: 2 } });
    await expect(get('A')).resolves.toBeUndefined();
  });

  it('rejects with the error given, a string as an Error', async () => {
    const conflict = new ConditionalCheckFailedException('ConditionalCheckFailedException', 'condition', 400, 1);
    ddb.on(PutCommand).rejects(conflict);
    ddb.on(DeleteCommand).rejects('network');
    await expect(put('A')).rejects.toBe(conflict);
    const error = await client.send(new DeleteCommand({ TableName: 't', Key: { pk: 'A' } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ message: 'network' });
  });

  it('hands a fake the command’s input and answers what it returns, or rejects with what it throws', async () => {
    ddb.on(GetCommand).callsFake((input) => {
      if (input.Key?.pk === 'X') throw new Error('no X');
      return { Item: { echoed: input.Key?.pk } };
    });
    await expect(get('A')).resolves.toEqual({ Item: { echoed: 'A' } });
    await expect(get('X')).rejects.toThrow('no X');
  });

  it('chains rules: .onAnyCommand().resolves(x).on(A).resolves(y).on(B)…', async () => {
    ddb
      .onAnyCommand()
      .resolves({ Items: [] })
      .on(GetCommand)
      .resolves({ Item: { n: 1 } })
      .on(PutCommand)
      .resolves({ Attributes: { n: 2 } });
    await expect(get('A')).resolves.toEqual({ Item: { n: 1 } });
    await expect(put('A')).resolves.toEqual({ Attributes: { n: 2 } });
    await expect(client.send(new QueryCommand({ TableName: 't' }))).resolves.toEqual({ Items: [] });
  });

  it('matches onAnyCommand on a partial input, whatever the command', async () => {
    ddb.onAnyCommand({ TableName: 'other' }).rejects('wrong table');
    await expect(client.send(new GetCommand({ TableName: 'other', Key: { pk: 'A' } }))).rejects.toThrow('wrong table');
    await expect(put('A')).resolves.toBeUndefined();
  });
});

describe('partial input matching', () => {
  const input = {
    TableName: 't',
    Key: { pk: 'A', sk: 'META' },
    ExpressionAttributeValues: { ':list': [1, { a: 1, b: 2 }], ':n': 3 },
  };

  it('matches every expected key of an object, recursively, whatever else the input holds', () => {
    expect(matchesPartially(input, {})).toBe(true);
    expect(matchesPartially(input, { Key: { pk: 'A' } })).toBe(true);
    expect(matchesPartially(input, { ExpressionAttributeValues: { ':n': 3 } })).toBe(true);
    expect(matchesPartially(input, { Key: { pk: 'B' } })).toBe(false);
    expect(matchesPartially(input, { Key: { pk: 'A', other: 'x' } })).toBe(false);
    expect(matchesPartially(input, { Missing: { pk: 'A' } })).toBe(false);
  });

  it('compares arrays and primitives whole', () => {
    expect(matchesPartially(input, { ExpressionAttributeValues: { ':list': [1, { a: 1, b: 2 }] } })).toBe(true);
    // a part of the array, or a part of an object inside it, is not the array
    expect(matchesPartially(input, { ExpressionAttributeValues: { ':list': [1] } })).toBe(false);
    expect(matchesPartially(input, { ExpressionAttributeValues: { ':list': [1, { a: 1 }] } })).toBe(false);
    expect(matchesPartially(input, { ExpressionAttributeValues: { ':n': '3' } })).toBe(false);
    expect(matchesPartially(input, { Key: 'A' })).toBe(false);
  });

  it('selects the rule by it', async () => {
    ddb.on(UpdateCommand, { ExpressionAttributeValues: { ':pk': 'OUTBOX' } }).resolves({ Attributes: { n: 1 } });
    const update = (values: Record<string, unknown>) =>
      client.send(new UpdateCommand({ TableName: 't', Key: { pk: 'A' }, ExpressionAttributeValues: values }));
    await expect(update({ ':pk': 'OUTBOX', ':now': 'x' })).resolves.toEqual({ Attributes: { n: 1 } });
    await expect(update({ ':pk': 'INBOX' })).resolves.toBeUndefined();
  });
});

describe('calls', () => {
  it('lists the commands sent in order, all of them or those of a class and partial input', async () => {
    await get('A');
    await put('A');
    await get('B');
    expect(ddb.calls().map((c) => c.args[0].operation)).toEqual(['GetItem', 'PutItem', 'GetItem']);
    expect(ddb.commandCalls(GetCommand).map((c) => c.args[0].input.Key)).toEqual([
      { pk: 'A', sk: 'META' },
      { pk: 'B', sk: 'META' },
    ]);
    expect(ddb.commandCalls(GetCommand, { Key: { pk: 'B' } })).toHaveLength(1);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0]).toBeInstanceOf(PutCommand);
    expect(ddb.commandCalls(DeleteCommand)).toEqual([]);
  });

  it('are forgotten by reset(), with the rules', async () => {
    ddb.on(GetCommand).resolves({ Item: { pk: 'A' } });
    await get('A');
    ddb.reset();
    expect(ddb.calls()).toEqual([]);
    await expect(get('A')).resolves.toBeUndefined();
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });
});
