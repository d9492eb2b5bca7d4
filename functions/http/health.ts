import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { dynamoClient, tableName } from '../../shared/adapters/dynamo/client';

/** Liveness: the function answers and its table is reachable. */
export async function handler(_event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> {
  const started = Date.now();
  let table: 'ok' | 'unreachable' = 'ok';
  try {
    await dynamoClient().send(new DescribeTableCommand({ TableName: tableName() }));
  } catch {
    table = 'unreachable';
  }
  const ok = table === 'ok';
  return {
    statusCode: ok ? 200 : 503,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status: ok ? 'ok' : 'degraded', components: { table }, latencyMs: Date.now() - started }),
  };
}
