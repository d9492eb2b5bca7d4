/**
 * A table client for the benchmarks that asks DynamoDB for the capacity each call consumed and reports it, item by
 * item for writes, to `onUnits`. DynamoDB Local reports a transaction's capacity as if it held one item, so
 * transactions are estimated from their items' sizes before and after instead (transaction-capacity.ts), with reads
 * of their items by a client of their own, not reported.
 */
import { DescribeTableCommand, DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { DocumentClient } from '../shared/adapters/dynamo/document-client';
import { type CapacityEstimator, capacityEstimator, type ItemUnits } from './transaction-capacity';

/** What one call consumed: the items written (units per item), or the read units. */
export type Consumption =
  | { readonly kind: 'write'; readonly command: string; readonly items: readonly ItemUnits[] }
  | { readonly kind: 'read'; readonly command: string; readonly units: number };

const WRITE_COMMANDS = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
]);
const READ_COMMANDS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
  'ScanCommand',
]);

interface Consumed {
  CapacityUnits?: number;
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

/** The key a single-item write names (plain values, before the document client marshals them). */
function keyOfInput(input: Record<string, unknown>): Record<string, unknown> | undefined {
  const key = (input.Key ?? input.Item) as Record<string, unknown> | undefined;
  if (key) return { pk: key.pk, sk: key.sk };
  const batch = Object.values((input.RequestItems ?? {}) as Record<string, Record<string, unknown>[]>)[0]?.[0];
  const first = (batch?.PutRequest as { Item?: Record<string, unknown> })?.Item ?? batch?.DeleteRequest;
  return first ? keyOfInput(first as Record<string, unknown>) : undefined;
}

function estimators(raw: DynamoDBClient) {
  const byTable = new Map<string, Promise<CapacityEstimator>>();
  return (table: string) => {
    let e = byTable.get(table);
    if (!e) {
      e = raw.send(new DescribeTableCommand({ TableName: table })).then(({ Table }) =>
        capacityEstimator(
          raw,
          (Table?.KeySchema ?? []).map((k) => k.AttributeName ?? ''),
          Table?.GlobalSecondaryIndexes ?? [],
        ),
      );
      byTable.set(table, e);
    }
    return e;
  };
}

const tableOf = (t: TransactWriteItem | undefined) =>
  t?.Put?.TableName ?? t?.Update?.TableName ?? t?.Delete?.TableName ?? t?.ConditionCheck?.TableName ?? '';

export function meteredDocumentClient(
  endpoint: string,
  region: string,
  onUnits: (c: Consumption) => void,
): DocumentClient {
  const config = { endpoint, region, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };
  const estimatorOf = estimators(new DynamoDBClient(config));
  const client = DocumentClient.at(endpoint, region, config.credentials);
  client.use('consumedCapacityMeter', (next) => async (cmd) => {
    const command = cmd.commandName;
    const input = cmd.input as Record<string, unknown>;
    const write = WRITE_COMMANDS.has(command);
    const metered = write || READ_COMMANDS.has(command) ? { ...input, ReturnConsumedCapacity: 'INDEXES' } : input;
    const sent = cmd.withInput(metered);
    if (command === 'TransactWriteItemsCommand') {
      const items = input.TransactItems as TransactWriteItem[];
      const after = await (await estimatorOf(tableOf(items[0]))).before(items);
      const result = await next(sent);
      onUnits({ kind: 'write', command, items: (await after()).items });
      return result;
    }
    const result = await next(sent);
    const consumed = (result as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity;
    let units = 0;
    let indexes = 0;
    for (const c of [consumed ?? []].flat()) {
      units += c.CapacityUnits ?? 0;
      indexes += Object.values(c.GlobalSecondaryIndexes ?? {}).reduce((s, i) => s + (i.CapacityUnits ?? 0), 0);
    }
    if (write)
      onUnits({ kind: 'write', command, items: [{ key: keyOfInput(input), table: units - indexes, indexes }] });
    else if (READ_COMMANDS.has(command)) onUnits({ kind: 'read', command, units });
    return result;
  });
  return client;
}
