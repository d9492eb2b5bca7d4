import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { capacityEstimator, itemSize } from '../../../bench/transaction-capacity';

describe('itemSize (DynamoDB capacity sizing)', () => {
  it('counts attribute names and values', () => {
    // "pk" 2 + "ab" 2 = 4; "n" 1 + 12345 (5 digits → ceil(5/2) + 1 = 4) = 5; "ok" 2 + BOOL 1 = 3
    expect(itemSize({ pk: { S: 'ab' }, n: { N: '12345' }, ok: { BOOL: true } })).toBe(4 + 5 + 3);
    // "m" 1 + map 3 + ("x" 1 + "é" 2 + 1) = 8; "l" 1 + list 3 + ("a" 1 + 1) + ("b" 1 + 1) = 8
    expect(itemSize({ m: { M: { x: { S: 'é' } } }, l: { L: [{ S: 'a' }, { S: 'b' }] } })).toBe(8 + 8);
    expect(itemSize(undefined)).toBe(0);
  });
});

describe('capacityEstimator', () => {
  it('bills 2 units per KB of each item of a transaction, and each index entry it writes or removes', async () => {
    const big = 'x'.repeat(1500);
    // before: A exists outside the index; B is in the index under g=old; C is only checked
    const before: Record<string, Record<string, { S: string }>> = {
      A: { pk: { S: 'A' } },
      B: { pk: { S: 'B' }, g: { S: 'old' }, v: { S: big } },
      C: { pk: { S: 'C' }, v: { S: big } },
    };
    const after: Record<string, Record<string, { S: string }>> = {
      A: { pk: { S: 'A' }, g: { S: 'new' }, v: { S: big } },
      B: { pk: { S: 'B' }, g: { S: 'new' }, v: { S: big } },
      C: before.C as Record<string, { S: string }>,
      D: { pk: { S: 'D' } },
    };
    let state = before;
    const client = {
      send: async (command: { input: { Key: { pk: { S: string } } } }) => ({ Item: state[command.input.Key.pk.S] }),
    } as unknown as DynamoDBClient;
    const estimator = capacityEstimator(
      client,
      ['pk'],
      [{ IndexName: 'G', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }] }],
    );
    const measure = await estimator.before([
      { Update: { TableName: 't', Key: { pk: 'A' } as never, UpdateExpression: 'SET g = :g' } },
      { Update: { TableName: 't', Key: { pk: 'B' } as never, UpdateExpression: 'SET g = :g' } },
      { ConditionCheck: { TableName: 't', Key: { pk: 'C' } as never, ConditionExpression: 'attribute_exists(pk)' } },
      { Put: { TableName: 't', Item: { pk: 'D' } as never } },
    ]);
    state = after;
    // table: A 1,5xx bytes after → 2 KB → 4; B 2 KB → 4; C checked, 2 KB → 4; D 1 KB → 2: 14
    // index G: A enters (2 KB → 4); B moves from old to new (removal 4 + entry 4); C and D carry no g: 12
    const units = await measure();
    expect({ table: units.table, indexes: units.indexes }).toEqual({ table: 14, indexes: 12 });
    // the same, item by item: A 4 + 4, B 4 + 8, C 4 + 0, D 2 + 0
    expect(units.items).toEqual([
      { key: { pk: 'A' }, table: 4, indexes: 4 },
      { key: { pk: 'B' }, table: 4, indexes: 8 },
      { key: { pk: 'C' }, table: 4, indexes: 0 },
      { key: { pk: 'D' }, table: 2, indexes: 0 },
    ]);
  });
});

describe('capacityEstimator, with projections', () => {
  it('sizes an index entry as what the index projects, and bills none when the projection stays as it was', async () => {
    const big = 'x'.repeat(1500);
    const item = (pk: string, extra: Record<string, string>) =>
      Object.fromEntries(Object.entries({ pk, ...extra }).map(([k, v]) => [k, { S: v }]));
    // E in the keys-only index K; F and G in the index I, which also projects x
    let state: Record<string, Record<string, { S: string }>> = {
      E: item('E', { k: 'a', v: big }),
      F: item('F', { i: 'b', x: '1', v: big }),
      G: item('G', { i: 'b', x: '1', v: big }),
    };
    const client = {
      send: async (command: { input: { Key: { pk: { S: string } } } }) => ({ Item: state[command.input.Key.pk.S] }),
    } as unknown as DynamoDBClient;
    const estimator = capacityEstimator(
      client,
      ['pk'],
      [
        {
          IndexName: 'K',
          KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
        {
          IndexName: 'I',
          KeySchema: [{ AttributeName: 'i', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['x'] },
        },
      ],
    );
    const update = (pk: string) => ({
      Update: { TableName: 't', Key: { pk } as never, UpdateExpression: 'SET v = :v' },
    });
    const measure = await estimator.before([update('E'), update('F'), update('G')]);
    state = {
      E: item('E', { k: 'a', v: `${big}!` }), // v is not projected by K: its entry stays
      F: item('F', { i: 'b', x: '2', v: big }), // x is: its entry is written again, pk + i + x, a few bytes → 1 KB → 2
      G: item('G', { i: 'b', x: '1', v: `${big}!` }), // only v moved: I's entry stays
    };
    // table: each item ~1.5 KB → 2 KB → 4 units, three items: 12
    expect(await measure()).toMatchObject({ table: 12, indexes: 2 });
  });
});
