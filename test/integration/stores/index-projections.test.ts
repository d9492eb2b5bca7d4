import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLocalModel } from '../../../infra/local/cdk-model';
import { ensureTable } from '../../../infra/local/dynamodb';
import { PutCommand, QueryCommand, UpdateCommand } from '../../../shared/adapters/dynamo/document-client';
import { keys, TABLE_KEYS } from '../../../shared/adapters/dynamo/keys';
import { type LocalDynamo, startLocalDynamo } from './local-table';

/**
 * The index on gsi1pk/gsi1sk projects what its readers read (docs/DESIGN.md#index-projections), and a table made
 * before (its index GSI1 projecting ALL) is brought onto it by the embedded platform's start.
 */
let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
}, 60_000);
afterAll(() => dynamo?.stop());

const model = () =>
  buildLocalModel({
    region: 'eu-west-3',
    account: '000000000000',
    tableName: 'factures-travaux',
    bucketName: 'factures-travaux',
  }).table;

/** An open dossier's META item as a save writes it, indexed among the open dossiers (GSI1). */
const meta = (version: number) => ({
  ...keys.dossier('D1'),
  gsi1pk: 'OPEN_DOSSIERS#03',
  gsi1sk: '2026-06-01T08:00:00.000Z#D1',
  status: 'MISE_A_DISPOSITION_MOE',
  version,
  state: new Uint8Array([1, 2, 3]),
  executionGeneration: 1,
});

/** The GSI1 entries of `meta`'s open-dossier partition, as the index projects them. */
async function openDossierEntries(table: string) {
  const { Items } = await dynamo.doc.send(
    new QueryCommand({
      TableName: table,
      IndexName: TABLE_KEYS.gsi1.name,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'OPEN_DOSSIERS#03' },
    }),
  );
  return Items;
}

describe('GSI1v2: the projection', () => {
  it('gives the attributes its readers read, not the rest of the item', async () => {
    const { table } = await dynamo.freshTable();
    await dynamo.doc.send(new PutCommand({ TableName: table, Item: meta(4) }));
    const Items = await openDossierEntries(table);
    // The keys (table's and index's) and executionGeneration; not the state, status or version a decision rewrites
    expect(Items).toEqual([
      {
        pk: 'DOSSIER#D1',
        sk: 'META',
        gsi1pk: 'OPEN_DOSSIERS#03',
        gsi1sk: '2026-06-01T08:00:00.000Z#D1',
        executionGeneration: 1,
      },
    ]);
  });

  it('is not written by an update that changes neither its key nor what it projects', async () => {
    const { table } = await dynamo.freshTable();
    await dynamo.doc.send(new PutCommand({ TableName: table, Item: meta(4) }));
    const update = (set: string, values: Record<string, unknown>) =>
      dynamo.doc.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.dossier('D1'),
          UpdateExpression: set,
          ...(set.includes('#st') ? { ExpressionAttributeNames: { '#st': 'status' } } : {}),
          ExpressionAttributeValues: values,
          ReturnConsumedCapacity: 'INDEXES',
        }),
      );
    // A decision: the version and the status change (the item stays under 1 KB): nothing written to the index
    const decision = await update('SET version = :v, #st = :s', { ':v': 5, ':s': 'VALIDEE' });
    expect(decision.ConsumedCapacity?.GlobalSecondaryIndexes?.[TABLE_KEYS.gsi1.name]?.CapacityUnits ?? 0).toBe(0);
    // A resume: the execution's generation (projected) changes: 1 unit on the index
    const resume = await update('SET executionGeneration = :g', { ':g': 2 });
    expect(resume.ConsumedCapacity?.GlobalSecondaryIndexes?.[TABLE_KEYS.gsi1.name]?.CapacityUnits).toBe(1);
  });
});

describe('a table made with GSI1 (ALL)', () => {
  it('gets GSI1v2 with the items already indexed, and loses GSI1, at the next start', async () => {
    const table = 'table-before-gsi1v2';
    const current = model();
    const gsi1v2 = current.globalSecondaryIndexes.find((g) => g.IndexName === TABLE_KEYS.gsi1.name);
    const before = {
      ...current,
      globalSecondaryIndexes: current.globalSecondaryIndexes.map((g) =>
        g === gsi1v2 ? { ...g, IndexName: 'GSI1', Projection: { ProjectionType: 'ALL' as const } } : g,
      ),
    };
    expect(await ensureTable(dynamo.raw, table, before)).toBe('created');
    await dynamo.doc.send(new PutCommand({ TableName: table, Item: meta(7) }));

    expect(await ensureTable(dynamo.raw, table, current)).toBe('existing');
    const { Table } = await dynamo.raw.send(new DescribeTableCommand({ TableName: table }));
    // GSI1 is being deleted (DynamoDB Local answers DELETING for a while, as AWS does), the model's two are ACTIVE
    const indexes = (Table?.GlobalSecondaryIndexes ?? []).filter((g) => g.IndexStatus !== 'DELETING');
    expect(indexes.map((g) => [g.IndexName, g.IndexStatus]).sort()).toEqual([
      ['GSI1v2', 'ACTIVE'],
      ['GSI2', 'ACTIVE'],
    ]);
    const Items = await openDossierEntries(table);
    expect(Items?.map((i) => [i.pk, i.executionGeneration, i.version])).toEqual([['DOSSIER#D1', 1, undefined]]);
  });
});
