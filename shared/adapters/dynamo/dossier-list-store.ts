import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../../domain/errors';
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
      ...(f.cursor ? { ExclusiveStartKey: decodeCursor(f.cursor, pk) } : {}),
    }),
  );
  return {
    items: (page.Items ?? []) as Record<string, unknown>[],
    ...(page.LastEvaluatedKey ? { next: encodeCursor(page.LastEvaluatedKey) } : {}),
  };
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, pk: string): Record<string, unknown> {
  const invalid = () =>
    new DomainError(
      'CURSEUR_INVALIDE',
      'Valeur de « suivant » invalide : reprenez la liste depuis le début.',
      'INVALID',
      [{ path: 'query.suivant', message: 'Curseur invalide.' }],
    );
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!key || typeof key !== 'object' || (key as Record<string, unknown>)[TABLE_KEYS.gsi2.partitionKey] !== pk) {
    throw invalid();
  }
  const allowed = new Set(['pk', 'sk', TABLE_KEYS.gsi2.partitionKey, TABLE_KEYS.gsi2.sortKey]);
  for (const [k, v] of Object.entries(key)) if (!allowed.has(k) || typeof v !== 'string') throw invalid();
  return key as Record<string, unknown>;
}
