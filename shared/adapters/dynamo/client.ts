import { DocumentClient } from './document-client';

/**
 * The process's DynamoDB client, built from the environment: in AWS the region and the role's credentials; on the
 * embedded platform `AWS_ENDPOINT_URL_DYNAMODB` points at DynamoDB Local. Signed JSON requests, without the SDK's
 * DynamoDB client (document-client.ts).
 */
let doc: { readonly endpoint: string | undefined; readonly client: DocumentClient } | undefined;

/** The process's client, rebuilt when the endpoint in the environment changes (a new local platform). */
export function dynamoClient(): DocumentClient {
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  if (!doc || doc.endpoint !== endpoint) doc = { endpoint, client: DocumentClient.fromEnv() };
  return doc.client;
}

export function tableName(): string {
  const name = process.env.TABLE_NAME;
  if (!name) throw new Error('TABLE_NAME is not set');
  return name;
}

export type { DocumentClient } from './document-client';
