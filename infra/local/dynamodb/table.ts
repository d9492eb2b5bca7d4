import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { TableDefinition } from '../cdk-model';
import { PlatformError } from '../errors';

/**
 * Creates the table from the construct's definition, or brings an existing one (persisted data) in line: the
 * model's indexes it lacks are created, those the model no longer has dropped.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  def: TableDefinition,
): Promise<'created' | 'existing'> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const sameKeys =
      JSON.stringify(Table?.KeySchema?.map((k) => [k.AttributeName, k.KeyType])) ===
      JSON.stringify(def.keySchema.map((k) => [k.AttributeName, k.KeyType]));
    if (!sameKeys) {
      throw new PlatformError(
        'TABLE_INCOMPATIBLE',
        `La table locale ${tableName} n'a pas les clés du modèle CDK : supprimez le dossier de données DynamoDB local ` +
          'pour la recréer.\nThe local table has other keys than the CDK model: delete the local DynamoDB data folder.',
      );
    }
    const existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
    for (const gsi of def.globalSecondaryIndexes.filter((g) => !existing.has(g.IndexName))) {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: def.attributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: gsi }],
        }),
      );
    }
    // An index the model no longer has (e.g. GSI1, replaced by GSI1v2 with a smaller projection) is dropped, once
    // its replacement exists: it would cost a write at every update of the items it holds
    const wanted = new Set(def.globalSecondaryIndexes.map((g) => g.IndexName));
    for (const { IndexName: name, IndexStatus } of Table?.GlobalSecondaryIndexes ?? []) {
      if (!name || wanted.has(name) || IndexStatus === 'DELETING') continue;
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: name } }],
        }),
      );
    }
    return 'existing';
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: def.keySchema,
      AttributeDefinitions: def.attributeDefinitions,
      ...(def.globalSecondaryIndexes.length ? { GlobalSecondaryIndexes: def.globalSecondaryIndexes } : {}),
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  if (def.ttlAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
      }),
    );
  }
  return 'created';
}
