import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from './cursor';
import { withDecodedState } from './dossier-state-codec';
import { gsi2, TABLE_KEYS } from './keys';

/**
 * "Dossiers of a marché" (keys.ts access-pattern map), newest first, with an opaque continuation cursor:
 * - every status: GSI2 pk = MARCHE#id, sk = DOSSIER#date, the META items themselves (one Query per page);
 * - one status: GSI2 pk = MARCHE#id#STATUT#status (the dossiers' MARCHE_STATUT entries), then their META items by key
 *   (one Query and one BatchGet per page): a page reads only dossiers in that status, however many others the
 *   marché has.
 * The `open` filter applies to the page read (a status mostly says whether the dossier is open).
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

const gsi = TABLE_KEYS.gsi2;

export class DossierListStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async ofMarche(marcheId: string, f: DossierFilter): Promise<DossierPage> {
    const pk =
      f.status === undefined ? `MARCHE#${marcheId}` : gsi2.dossierOfMarcheInStatus(marcheId, f.status, '').gsi2pk;
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: gsi.name,
        KeyConditionExpression: `${gsi.partitionKey} = :pk AND begins_with(${gsi.sortKey}, :p)`,
        ...(f.open !== undefined && f.status === undefined
          ? { FilterExpression: '#open = :open', ExpressionAttributeNames: { '#open': 'open' } }
          : {}),
        ExpressionAttributeValues: {
          ':pk': pk,
          ':p': 'DOSSIER#',
          ...(f.open !== undefined && f.status === undefined ? { ':open': f.open } : {}),
        },
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
    const next = page.LastEvaluatedKey ? { next: encodeCursor(page.LastEvaluatedKey) } : {};
    const found = (page.Items ?? []) as Record<string, unknown>[];
    if (f.status === undefined) return { items: found.map(withDecodedState), ...next };
    const metas = await this.metas(found.map((i) => String(i.pk)));
    const items = found
      .map((i) => metas.get(String(i.pk)))
      .filter((m): m is Record<string, unknown> => m !== undefined && m.status === f.status)
      .filter((m) => f.open === undefined || m.open === f.open);
    return { items, ...next };
  }

  /** The META items of these dossier partitions, by partition key (at most 100: one list page). */
  private async metas(pks: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
    const out = new Map<string, Record<string, unknown>>();
    let request: BatchGetCommandInput['RequestItems'] =
      pks.length > 0 ? { [this.table]: { Keys: pks.map((pk) => ({ pk, sk: 'META' })) } } : undefined;
    // Unprocessed keys (throttling) are asked again, a bounded number of times
    for (let attempt = 0; request && Object.keys(request).length > 0 && attempt < 5; attempt++) {
      const res: BatchGetCommandOutput = await this.client.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of res.Responses?.[this.table] ?? []) out.set(String(item.pk), withDecodedState(item));
      request = res.UnprocessedKeys;
    }
    return out;
  }
}
