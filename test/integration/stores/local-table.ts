import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { buildLocalModel, type TableDefinition } from '../../../infra/local/cdk-model';
import { type DynamoDbLocal, ensureTable, startDynamoDbLocal } from '../../../infra/local/dynamodb';
import { DocumentClient } from '../../../shared/adapters/dynamo/document-client';
import { IdentityStore } from '../../../shared/adapters/dynamo/identity-store';
import { MarcheStore } from '../../../shared/adapters/dynamo/marche-store';
import { DomainError } from '../../../shared/domain/errors';

/**
 * DynamoDB Local in memory (port chosen by the OS) with tables built from the CDK construct's definition, so the
 * stores are tested against the real engine and the real key schema. One JVM per test file; one table per test.
 */
export interface LocalDynamo {
  readonly raw: DynamoDBClient;
  readonly doc: DocumentClient;
  /** A fresh, empty table with the product's schema, and stores on it. */
  freshTable(): Promise<{ table: string; identity: IdentityStore; marches: MarcheStore }>;
  stop(): Promise<void>;
}

export async function startLocalDynamo(): Promise<LocalDynamo> {
  const local: DynamoDbLocal = await startDynamoDbLocal({ port: 0 });
  const def: TableDefinition = buildLocalModel({
    region: 'eu-west-3',
    account: '000000000000',
    tableName: 'factures-travaux',
    bucketName: 'factures-travaux',
  }).table;
  const raw = new DynamoDBClient({
    endpoint: local.endpoint,
    region: 'eu-west-3',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  // The functions' client (shared/adapters/dynamo/client.ts); `raw`, the SDK's, creates the tables
  const doc = DocumentClient.at(local.endpoint, 'eu-west-3', { accessKeyId: 'local', secretAccessKey: 'local' });
  let n = 0;
  return {
    raw,
    doc,
    async freshTable() {
      n += 1;
      const table = `table-${n}`;
      await ensureTable(raw, table, def);
      return { table, identity: new IdentityStore(doc, table), marches: new MarcheStore(doc, table) };
    },
    async stop() {
      raw.destroy();
      await local.stop();
    },
  };
}

/** Awaits `p` and returns the DomainError it rejects with (fails the test if it resolves or throws something else). */
export async function domainErrorOf(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError, but the operation succeeded');
}
