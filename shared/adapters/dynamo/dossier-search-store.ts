import { CLOSING_STATUSES, type Dossier } from '../../domain/circuits';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  type DocumentClient,
  QueryCommand,
} from './document-client';
import { decodeDossierState } from './dossier-state-codec';
import { gsi2, keys, TABLE_KEYS } from './keys';

/**
 * The reads behind « Rechercher » (a structure's dossiers across its marchés), from the indexes only (keys.ts):
 * - the structure's board entries (GSI2 pk = BOARD#siret for its open dossiers, BOARD_CLOS#siret for its closed
 *   ones, sk = status#dossierId: one per dossier it is a party to), read per status below a cursor and merged newest
 *   first (dossier ids are time-ordered); the closed board is read only for the statuses a dossier can close in;
 * - the dossiers' META items by key (BatchGet);
 * - the dossiers waiting for the structure (GSI1 pk = PENDING#siret).
 * No Scan; every call is bounded by its `limit`.
 */
export interface BoardHit {
  readonly dossierId: string;
  readonly status: string;
}

export type SearchOrder = 'RECENT' | 'ANCIEN';

/** Characters above every id character: `status#~` ends a status's key range. */
const HIGH = '~';

const CLOSING: ReadonlySet<string> = new Set(CLOSING_STATUSES);

export class DossierSearchStore {
  constructor(
    private readonly client: DocumentClient,
    private readonly table: string,
  ) {}

  /**
   * At most `limit` of the structure's dossiers, in `order` of their ids, strictly after `afterId` when given,
   * restricted to `statuses`, and to its open (or closed) ones when `open` is given: one Query per status and board
   * (each with Limit), merged.
   */
  async board(
    siret: string,
    statuses: readonly string[],
    opts: { readonly limit: number; readonly order: SearchOrder; readonly afterId?: string; readonly open?: boolean },
  ): Promise<BoardHit[]> {
    const queries = [
      ...(opts.open !== false ? statuses.map((status) => ({ status, open: true })) : []),
      ...(opts.open !== true ? statuses.filter((s) => CLOSING.has(s)).map((status) => ({ status, open: false })) : []),
    ];
    const recent = opts.order === 'RECENT';
    const pages = await Promise.all(
      queries.map(async ({ status, open }) => {
        const { gsi2pk } = gsi2.boardOf(siret, '', '', open);
        const lo = recent ? `${status}#` : `${status}#${opts.afterId ?? ''}`;
        const hi = recent && opts.afterId ? `${status}#${opts.afterId}` : `${status}#${HIGH}`;
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: TABLE_KEYS.gsi2.name,
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
            ExpressionAttributeNames: { '#pk': TABLE_KEYS.gsi2.partitionKey, '#sk': TABLE_KEYS.gsi2.sortKey },
            ExpressionAttributeValues: { ':pk': gsi2pk, ':lo': lo, ':hi': hi },
            ScanIndexForward: !recent,
            // +1: BETWEEN includes the cursor's own entry, skipped below
            Limit: opts.limit + 1,
          }),
        );
        return (page.Items ?? []).map((i) => ({
          dossierId: String(i[TABLE_KEYS.gsi2.sortKey]).slice(status.length + 1),
          status,
        }));
      }),
    );
    const hits = pages.flat().filter((h) => h.dossierId !== opts.afterId);
    hits.sort((a, b) => (a.dossierId < b.dossierId ? 1 : a.dossierId > b.dossierId ? -1 : 0) * (recent ? 1 : -1));
    return hits.slice(0, opts.limit);
  }

  /** The dossiers' states, by id (missing ones are left out). At most 100 ids (one BatchGet). */
  async dossiers(ids: readonly string[]): Promise<Map<string, { state: Dossier; version: number }>> {
    const out = new Map<string, { state: Dossier; version: number }>();
    if (ids.length === 0) return out;
    if (ids.length > 100) throw new RangeError('at most 100 dossiers per read');
    let request: BatchGetCommandInput['RequestItems'] = {
      [this.table]: {
        Keys: ids.map((id) => keys.dossier(id)),
        ProjectionExpression: '#st, #v',
        ExpressionAttributeNames: { '#st': 'state', '#v': 'version' },
      },
    };
    // Unprocessed keys (throttling) are asked again, a bounded number of times.
    for (let attempt = 0; request && Object.keys(request).length > 0 && attempt < 5; attempt++) {
      const res: BatchGetCommandOutput = await this.client.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of res.Responses?.[this.table] ?? []) {
        const state = decodeDossierState(item.state) as Dossier | undefined;
        if (state?.id) out.set(state.id, { state, version: Number(item.version) });
      }
      request = res.UnprocessedKeys;
    }
    return out;
  }

  /** Ids of the dossiers waiting for the structure (its « Synthèse »), at most `limit`. */
  async waitingFor(siret: string, limit: number): Promise<Set<string>> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: TABLE_KEYS.gsi1.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE_KEYS.gsi1.partitionKey },
        ExpressionAttributeValues: { ':pk': `PENDING#${siret}` },
        ProjectionExpression: 'pk',
        Limit: limit,
      }),
    );
    return new Set((page.Items ?? []).map((i) => String(i.pk).slice('DOSSIER#'.length)));
  }
}
