import { decodeCursor, encodeCursor } from './cursor';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  type DocumentClient,
  QueryCommand,
} from './document-client';
import { withDecodedState } from './dossier-state-codec';
import { gsi1, gsi2, TABLE_KEYS } from './keys';

/**
 * "Dossiers of a marché" (keys.ts access-pattern map), newest first, with an opaque continuation cursor:
 * - no filter: GSI2 pk = MARCHE#id, sk = DOSSIER#date, the META items themselves (one Query per page);
 * - one status: GSI2 pk = MARCHE#id#STATUT#status (the dossiers' MARCHE_STATUT entries), then their META items by key
 *   (one Query and one BatchGet per page): a page reads only dossiers in that status, however many others the
 *   marché has;
 * - open (or closed) only: GSI1 pk = MARCHE#id#OUVERT (or #CLOS), the same entries, then their META items by key.
 * With both a status and `open`, the status's entries are read and `open` applies to them (a status mostly says
 * whether the dossier is open: only MANDATEE is both).
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

/** Which index partition a filtered page reads. */
interface Source {
  readonly index: typeof TABLE_KEYS.gsi1 | typeof TABLE_KEYS.gsi2;
  readonly pk: string;
  /** The partition holds the META items themselves (else entries whose META is read by key). */
  readonly metas: boolean;
}

function sourceOf(marcheId: string, f: DossierFilter): Source {
  if (f.status !== undefined) {
    return { index: TABLE_KEYS.gsi2, pk: gsi2.dossierOfMarcheInStatus(marcheId, f.status, '').gsi2pk, metas: false };
  }
  if (f.open !== undefined) {
    return { index: TABLE_KEYS.gsi1, pk: gsi1.dossierOfMarcheOpenOrClosed(marcheId, f.open, '').gsi1pk, metas: false };
  }
  return { index: TABLE_KEYS.gsi2, pk: `MARCHE#${marcheId}`, metas: true };
}

export class DossierListStore {
  constructor(
    private readonly client: DocumentClient,
    private readonly table: string,
  ) {}

  async ofMarche(marcheId: string, f: DossierFilter): Promise<DossierPage> {
    const { index, pk, metas } = sourceOf(marcheId, f);
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index.name,
        KeyConditionExpression: `${index.partitionKey} = :pk AND begins_with(${index.sortKey}, :p)`,
        ExpressionAttributeValues: { ':pk': pk, ':p': 'DOSSIER#' },
        ScanIndexForward: false,
        Limit: f.limit,
        ...(f.cursor
          ? {
              ExclusiveStartKey: decodeCursor(f.cursor, {
                attributes: [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, index.partitionKey, index.sortKey],
                partition: { name: index.partitionKey, value: pk },
                sortPrefix: { name: index.sortKey, value: 'DOSSIER#' },
              }),
            }
          : {}),
      }),
    );
    const next = page.LastEvaluatedKey ? { next: encodeCursor(page.LastEvaluatedKey) } : {};
    const found = (page.Items ?? []) as Record<string, unknown>[];
    if (metas) return { items: found.map(withDecodedState), ...next };
    const byPk = await this.metas(found.map((i) => String(i.pk)));
    const items = found
      .map((i) => byPk.get(String(i.pk)))
      .filter((m): m is Record<string, unknown> => m !== undefined)
      .filter((m) => (f.status === undefined || m.status === f.status) && (f.open === undefined || m.open === f.open));
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
