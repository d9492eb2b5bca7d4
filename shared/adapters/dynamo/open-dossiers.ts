import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from './cursor';
import { TABLE_KEYS } from './keys';
import { queryCount } from './query';

/**
 * The open dossiers (sparse GSI1 partition `OPEN_DOSSIERS`, one entry per open dossier's META item, oldest first),
 * walked page by page. Nothing here stops at an arbitrary count: a
 * caller walks every page, and a page's cursor lets an interrupted walk go on where it stopped.
 */
export const OPEN_DOSSIERS_PARTITION = 'OPEN_DOSSIERS';

export interface OpenDossierRef {
  readonly dossierId: string;
  readonly version: number;
  readonly status: string;
  readonly executionGeneration: number;
}

export interface OpenDossiersPage {
  readonly items: OpenDossierRef[];
  /** Where the next page starts; absent on the last page. */
  readonly next?: string;
}

const gsi = TABLE_KEYS.gsi1;
const cursorShape = {
  attributes: [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, gsi.partitionKey, gsi.sortKey],
  partition: { name: gsi.partitionKey, value: OPEN_DOSSIERS_PARTITION },
};

export class OpenDossierIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** One page of open dossiers, oldest first (`pageSize` items at most; DynamoDB may return fewer, up to 1 MB). */
  async page(cursor?: string, pageSize = 500): Promise<OpenDossiersPage> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: gsi.name,
        KeyConditionExpression: `${gsi.partitionKey} = :pk`,
        ExpressionAttributeValues: { ':pk': OPEN_DOSSIERS_PARTITION },
        ProjectionExpression: 'pk, version, #status, executionGeneration',
        ExpressionAttributeNames: { '#status': 'status' },
        Limit: pageSize,
        ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor, cursorShape, 'cursor') } : {}),
      }),
    );
    return {
      items: (page.Items ?? []).map((i) => ({
        dossierId: String(i.pk).slice('DOSSIER#'.length),
        version: Number(i.version),
        status: String(i.status),
        executionGeneration: (i.executionGeneration as number | undefined) ?? 0,
      })),
      ...(page.LastEvaluatedKey ? { next: encodeCursor(page.LastEvaluatedKey) } : {}),
    };
  }

  /** Every open dossier, page after page. */
  async *all(pageSize?: number): AsyncGenerator<OpenDossierRef> {
    let cursor: string | undefined;
    do {
      const page = await this.page(cursor, pageSize);
      yield* page.items;
      cursor = page.next;
    } while (cursor);
  }

  /** How many dossiers the index holds as open (a count Query, paginated: a count page stops at 1 MB too). */
  async count(): Promise<number> {
    return queryCount(this.client, {
      TableName: this.table,
      IndexName: gsi.name,
      KeyConditionExpression: `${gsi.partitionKey} = :pk`,
      ExpressionAttributeValues: { ':pk': OPEN_DOSSIERS_PARTITION },
    });
  }
}
