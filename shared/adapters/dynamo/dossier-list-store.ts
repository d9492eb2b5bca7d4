import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from './cursor';
import { TABLE_KEYS } from './keys';

/**
 * "Dossiers of a marché" (keys.ts access-pattern map: GSI2 pk = MARCHE#id, sk = DOSSIER#date), newest first, with
 * an optional status / open filter and an opaque continuation cursor. One Query per page.
 */
export interface DossierPage {
  readonly items: Record<string, unknown>[];
  readonly next?: string;
}

export interface DossierFilter {
  readonly status?: string;
  readonly open?: boolean;
  readonly limit: number;
  readonly cursor?: string;
}

export class DossierListStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async ofMarche(marcheId: string, f: DossierFilter): Promise<DossierPage> {
    return dossiersOfMarche(this.client, this.table, marcheId, f);
  }
}

async function dossiersOfMarche(
  client: DynamoDBDocumentClient,
  table: string,
  marcheId: string,
  f: DossierFilter,
): Promise<DossierPage> {
  const pk = `MARCHE#${marcheId}`;
  const filters: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': pk, ':p': 'DOSSIER#' };
  if (f.status !== undefined) {
    filters.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = f.status;
  }
  if (f.open !== undefined) {
    filters.push('#open = :open');
    names['#open'] = 'open';
    values[':open'] = f.open;
  }
  const gsi = TABLE_KEYS.gsi2;
  const page = await client.send(
    new QueryCommand({
      TableName: table,
      IndexName: gsi.name,
      KeyConditionExpression: `${gsi.partitionKey} = :pk AND begins_with(${gsi.sortKey}, :p)`,
      ...(filters.length ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      Limit: f.limit,
      ...(f.cursor
        ? {
            ExclusiveStartKey: decodeCursor(f.cursor, {
              attributes: [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, gsi.partitionKey, gsi.sortKey],
              partition: { name: gsi.partitionKey, value: pk },
              sortPrefix: { name: gsi.sortKey, value: 'DOSSIER#' },
            }),
          }
        : {}),
    }),
  );
  return {
    items: (page.Items ?? []) as Record<string, unknown>[],
    ...(page.LastEvaluatedKey ? { next: encodeCursor(page.LastEvaluatedKey) } : {}),
  };
}
