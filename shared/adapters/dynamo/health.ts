import { DescribeTableCommand, type DocumentClient } from './document-client';

/** Whether the table answers (the health check's one probe). */
export async function tableReachable(client: DocumentClient, table: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: table }));
    return true;
  } catch {
    return false;
  }
}
