import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Clients are built once per process from the environment: in AWS the defaults; on the embedded platform
 * `AWS_ENDPOINT_URL_DYNAMODB` points at DynamoDB Local (the SDK reads it natively).
 */
let doc: DynamoDBDocumentClient | undefined;

export function dynamoClient(): DynamoDBDocumentClient {
  if (!doc) {
    doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
  }
  return doc;
}

/** Replaces the client (embedded platform, tests). */
export function setDynamoClient(client: DynamoDBDocumentClient | undefined): void {
  doc = client;
}

export function tableName(): string {
  const name = process.env.TABLE_NAME;
  if (!name) throw new Error('TABLE_NAME is not set');
  return name;
}
