import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Clients are built once per process from the environment: in AWS the defaults; on the embedded platform
 * `AWS_ENDPOINT_URL_DYNAMODB` points at DynamoDB Local (the SDK reads it natively).
 */
let doc: { readonly endpoint: string | undefined; readonly client: DynamoDBDocumentClient } | undefined;

/** The process's client, rebuilt when the endpoint in the environment changes (a new local platform). */
export function dynamoClient(): DynamoDBDocumentClient {
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  if (!doc || doc.endpoint !== endpoint) {
    doc?.client.destroy();
    const base = new DynamoDBClient({});
    // The SDK's logger middleware filters every command's input and output for a log line (walking each item,
    // attribute by attribute) before calling the logger, even the no-op one the client has when none is configured
    // (this one): ~0.1 ms of CPU per round trip for nothing logged (issue 16, bench/api-latency.ts)
    base.middlewareStack.remove('loggerMiddleware');
    const client = DynamoDBDocumentClient.from(base, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    doc = { endpoint, client };
  }
  return doc.client;
}

export function tableName(): string {
  const name = process.env.TABLE_NAME;
  if (!name) throw new Error('TABLE_NAME is not set');
  return name;
}

/** The document client type, for the composition root (no SDK import above the adapters). */
export type DocumentClient = DynamoDBDocumentClient;
