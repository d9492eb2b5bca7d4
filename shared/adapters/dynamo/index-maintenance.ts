import {
  ConditionalCheckFailedException,
  type DocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  UpdateCommand,
} from './document-client';
import { gsi1, gsi2, keys } from './keys';
import { LEGACY_OPEN_DOSSIERS_PARTITION, openDossiersPartition } from './open-dossiers';
import type { RawItem } from './query';
import { PENDING_COUNTER, statusCounter } from './structure-counters';
import { ConditionsFailed, TransactionRace, transactWrite } from './transactions';

/**
 * Upkeep of what the dossier saves maintain beside the dossiers, for data written before they did or drifted since
 * (`npm run compteurs -- verifier | reparer`, and once when `npm start` opens a data folder of an older layout):
 * the structures' counters (structure-counters.ts), recounted from the index entries they count (board entries,
 * pending entries), the open dossiers still indexed under the single key they had before it was sharded
 * (open-dossiers.ts), moved to their shard, the dossiers' entries under their status and open or closed state in their
 * marché's list (dossier-list-store.ts), written where missing, and the board entries of closed dossiers still on
 * their structure's open board (dossier-search-store.ts), moved to its closed board.
 *
 * It reads the whole table (a parallel Scan: an operator's command, never a user's path). The recount and the stored
 * counters are read in the same pass, so a save that lands during it can make a counter look off by one: run it on
 * a quiet table, or run `verifier` again after `reparer`.
 */
export interface CounterDrift {
  readonly siret: string;
  /** `st#STATUS` (dossiers in that status) or `pending` (waits). */
  readonly counter: string;
  readonly stored: number;
  readonly counted: number;
}

export interface MaintenanceReport {
  /** Items read by the Scan. */
  readonly scanned: number;
  /** Structures whose counters were checked. */
  readonly structures: number;
  readonly drifts: CounterDrift[];
  /** Open dossiers indexed under the unsharded `OPEN_DOSSIERS` key (moved by `repair`). */
  readonly unshardedOpenDossiers: number;
  /**
   * Dossiers missing from their marché's list under their status and open or closed state, or listed under others
   * (written by `repair`).
   */
  readonly unlistedByStatus: number;
  /** Board entries on the open board of a closed dossier, or the reverse (moved by `repair`). */
  readonly misplacedBoardEntries: number;
}

/** A dossier's marché list entry under its status, as its META item says it should be. */
interface StatusEntry {
  readonly dossierId: string;
  readonly marcheId: string;
  readonly status: string;
  readonly open: boolean;
  readonly createdAt: string;
}

/** A board entry on the wrong board for its dossier's open or closed state. */
interface MisplacedBoardEntry {
  readonly dossierId: string;
  readonly siret: string;
  readonly status: string;
  readonly open: boolean;
}

/** The data layout this code writes; a data folder marked with an older one is brought up to it once. */
export const INDEX_LAYOUT = 4;

const SEGMENTS = 4;

type Tally = Map<string, Map<string, number>>;

/** A dossier's entries in its marché's lists, by status (GSI2) and by open or closed state (GSI1), as they should be. */
function listItems(e: StatusEntry): [RawItem & { gsi2pk: string }, RawItem & { gsi1pk: string }] {
  return [
    { ...keys.marcheStatusEntry(e.dossierId), ...gsi2.dossierOfMarcheInStatus(e.marcheId, e.status, e.createdAt) },
    { ...keys.marcheStateEntry(e.dossierId), ...gsi1.dossierOfMarcheOpenOrClosed(e.marcheId, e.open, e.createdAt) },
  ];
}

function add(t: Tally, siret: string, counter: string, by: number): void {
  const of = t.get(siret) ?? new Map<string, number>();
  of.set(counter, (of.get(counter) ?? 0) + by);
  t.set(siret, of);
}

export class IndexMaintenance {
  constructor(
    private readonly client: DocumentClient,
    private readonly table: string,
  ) {}

  /** Recounts every structure's counters and says which differ from the stored ones; writes nothing. */
  async verify(): Promise<MaintenanceReport> {
    return (await this.check()).report;
  }

  private async check(): Promise<{
    report: MaintenanceReport;
    unsharded: string[];
    unlisted: StatusEntry[];
    misplaced: MisplacedBoardEntry[];
  }> {
    const { counted, stored, scanned, unsharded, unlisted, misplaced } = await this.survey();
    const sirets = new Set([...counted.keys(), ...stored.keys()]);
    const drifts: CounterDrift[] = [];
    for (const siret of [...sirets].sort()) {
      const c = counted.get(siret) ?? new Map<string, number>();
      const s = stored.get(siret) ?? new Map<string, number>();
      for (const counter of [...new Set([...c.keys(), ...s.keys()])].sort()) {
        const drift = { siret, counter, stored: s.get(counter) ?? 0, counted: c.get(counter) ?? 0 };
        if (drift.stored !== drift.counted) drifts.push(drift);
      }
    }
    return {
      report: {
        scanned,
        structures: sirets.size,
        drifts,
        unshardedOpenDossiers: unsharded.length,
        unlistedByStatus: unlisted.length,
        misplacedBoardEntries: misplaced.length,
      },
      unsharded,
      unlisted,
      misplaced,
    };
  }

  /**
   * Verifies, then brings each drifted counter to its recount by adding the difference to the structure's first
   * shard (an `ADD`, so that a save landing meanwhile is not overwritten), moves the unsharded open dossiers to
   * their shard and lists the unlisted dossiers under their status. Idempotent: a second run finds nothing.
   */
  async repair(): Promise<MaintenanceReport> {
    const { report, unsharded, unlisted, misplaced } = await this.check();
    await this.shardOpenDossiers(unsharded);
    await this.placeEntries(unlisted, misplaced);
    for (const d of report.drifts) {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.structureCounter(d.siret, 0),
          UpdateExpression: 'ADD #c :by',
          ExpressionAttributeNames: { '#c': d.counter },
          ExpressionAttributeValues: { ':by': d.counted - d.stored },
        }),
      );
    }
    return report;
  }

  /**
   * Brings the table to the current layout once: repairs when the table's layout mark is older (or absent), then
   * marks it. Returns the repair's report, or null when the table was already up to date.
   */
  async upgrade(): Promise<MaintenanceReport | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: keys.indexLayout(), ConsistentRead: true }),
    );
    if (typeof Item?.layout === 'number' && Item.layout >= INDEX_LAYOUT) return null;
    const report = await this.repair();
    await this.client.send(
      new PutCommand({ TableName: this.table, Item: { ...keys.indexLayout(), layout: INDEX_LAYOUT } }),
    );
    return report;
  }

  /** One parallel Scan: the counts the index entries give, and the stored counters summed over their shards. */
  private async survey(): Promise<{
    counted: Tally;
    stored: Tally;
    scanned: number;
    unsharded: string[];
    unlisted: StatusEntry[];
    misplaced: MisplacedBoardEntry[];
  }> {
    const counted: Tally = new Map();
    const stored: Tally = new Map();
    const unsharded: string[] = [];
    const expectedEntries: StatusEntry[] = [];
    const listedUnder = new Map<string, string>();
    const openOf = new Map<string, boolean>();
    const boardEntries: { dossierId: string; siret: string; status: string; board: string }[] = [];
    let scanned = 0;
    const visit = (i: RawItem) => {
      const pk = String(i.pk);
      const sk = String(i.sk);
      if (pk.startsWith('DOSSIER#') && sk === 'META') {
        const dossierId = pk.slice('DOSSIER#'.length);
        if (i.gsi1pk === LEGACY_OPEN_DOSSIERS_PARTITION) unsharded.push(dossierId);
        const { marcheId, status, createdAt, open } = i;
        if (typeof open === 'boolean') openOf.set(dossierId, open);
        if (
          typeof marcheId === 'string' &&
          typeof status === 'string' &&
          typeof createdAt === 'string' &&
          typeof open === 'boolean'
        ) {
          expectedEntries.push({ dossierId, marcheId, status, open, createdAt });
        }
      } else if (sk === keys.marcheStatusEntry('').sk || sk === keys.marcheStateEntry('').sk) {
        listedUnder.set(`${pk} ${sk}`, String(sk === keys.marcheStatusEntry('').sk ? i.gsi2pk : i.gsi1pk));
      } else if (pk.startsWith('COUNT#')) {
        const siret = pk.slice('COUNT#'.length);
        for (const [name, value] of Object.entries(i)) {
          if (typeof value === 'number' && (name === PENDING_COUNTER || name.startsWith('st#'))) {
            add(stored, siret, name, value);
          }
        }
      } else if (sk.startsWith('BOARD#') && typeof i.gsi2sk === 'string') {
        const siret = sk.slice('BOARD#'.length);
        const status = i.gsi2sk.split('#')[0] ?? '';
        add(counted, siret, statusCounter(status), 1);
        boardEntries.push({ dossierId: pk.slice('DOSSIER#'.length), siret, status, board: String(i.gsi2pk) });
      } else if ((sk === 'PENDING' || sk.startsWith('PENDING#')) && typeof i.gsi1pk === 'string') {
        add(counted, i.gsi1pk.slice('PENDING#'.length), PENDING_COUNTER, 1);
      }
    };
    await Promise.all(
      Array.from({ length: SEGMENTS }, async (_, segment) => {
        const pages = paginateScan(
          { client: this.client },
          {
            TableName: this.table,
            Segment: segment,
            TotalSegments: SEGMENTS,
            FilterExpression:
              'begins_with(pk, :count) OR begins_with(sk, :board) OR begins_with(sk, :pending) OR ' +
              '(begins_with(pk, :dossier) AND sk IN (:meta, :listed, :stated))',
            ExpressionAttributeValues: {
              ':count': 'COUNT#',
              ':board': 'BOARD#',
              ':pending': 'PENDING',
              ':dossier': 'DOSSIER#',
              ':meta': 'META',
              ':listed': keys.marcheStatusEntry('').sk,
              ':stated': keys.marcheStateEntry('').sk,
            },
          },
        );
        for await (const page of pages) {
          scanned += page.ScannedCount ?? 0;
          for (const i of page.Items ?? []) visit(i as RawItem);
        }
      }),
    );
    // A stored counter at zero is no drift from an absent count
    for (const t of [stored, counted]) for (const of of t.values()) for (const [k, v] of of) if (v === 0) of.delete(k);
    const unlisted = expectedEntries.filter((e) =>
      listItems(e).some((item) => listedUnder.get(`${item.pk} ${item.sk}`) !== (item.gsi2pk ?? item.gsi1pk)),
    );
    const misplaced = boardEntries.flatMap(({ dossierId, siret, status, board }) => {
      const open = openOf.get(dossierId);
      return open !== undefined && board !== gsi2.boardOf(siret, status, dossierId, open).gsi2pk
        ? [{ dossierId, siret, status, open }]
        : [];
    });
    return { counted, stored, scanned, unsharded, unlisted, misplaced };
  }

  /**
   * Lists each dossier under its status and open or closed state in its marché's list, and puts each misplaced board
   * entry on the board its dossier's state says; each only if the dossier's status and state are still the ones read
   * (a save changing them rewrites the entry itself, in its own transaction).
   */
  private async placeEntries(
    unlisted: readonly StatusEntry[],
    misplaced: readonly MisplacedBoardEntry[],
  ): Promise<void> {
    for (const e of unlisted) {
      await this.putIfStill(e, listItems(e));
    }
    for (const e of misplaced) {
      await this.putIfStill(e, [
        { ...keys.boardEntry(e.dossierId, e.siret), ...gsi2.boardOf(e.siret, e.status, e.dossierId, e.open) },
      ]);
    }
  }

  private async putIfStill(
    e: { readonly dossierId: string; readonly status: string; readonly open: boolean },
    items: readonly RawItem[],
  ): Promise<void> {
    try {
      await transactWrite(this.client, [
        {
          ConditionCheck: {
            TableName: this.table,
            Key: keys.dossier(e.dossierId),
            ConditionExpression: '#status = :status AND #open = :open',
            ExpressionAttributeNames: { '#status': 'status', '#open': 'open' },
            ExpressionAttributeValues: { ':status': e.status, ':open': e.open },
          },
        },
        ...items.map((Item) => ({ Put: { TableName: this.table, Item } })),
      ]);
    } catch (error) {
      if (!(error instanceof ConditionsFailed || error instanceof TransactionRace)) throw error;
    }
  }

  /**
   * Moves each unsharded open dossier's index entry to its shard, only if it is still under the old key (a save
   * closing the dossier meanwhile removes it: then there is nothing to move). The dossier's version is untouched.
   */
  private async shardOpenDossiers(unsharded: readonly string[]): Promise<void> {
    for (const dossierId of unsharded) {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key: keys.dossier(dossierId),
            UpdateExpression: 'SET gsi1pk = :shard',
            ConditionExpression: 'gsi1pk = :legacy',
            ExpressionAttributeValues: {
              ':shard': openDossiersPartition(dossierId),
              ':legacy': LEGACY_OPEN_DOSSIERS_PARTITION,
            },
          }),
        );
      } catch (e) {
        if (!(e instanceof ConditionalCheckFailedException)) throw e;
      }
    }
  }
}
