import { decodeCursor, encodeCursor, invalidCursor } from './cursor';
import { type DocumentClient, QueryCommand } from './document-client';
import { shardOf, TABLE_KEYS } from './keys';
import { queryCount } from './query';

/**
 * The open dossiers: a sparse GSI1 index of the open dossiers' META items, oldest first within each of
 * `OPEN_DOSSIER_SHARDS` partitions (`OPEN_DOSSIERS#nn`, by hash of the dossier id). Every save of an open dossier
 * rewrites its entry, and on AWS an index partition takes at most 1,000 writes per second: one table-wide key would
 * cap the whole platform's decisions there, sixteen spread them. Entries written before the shards (`OPEN_DOSSIERS`)
 * are read as a last partition until `npm run compteurs -- reparer` (or `npm start`) moves them.
 *
 * Walked page by page, shard after shard. Nothing here stops at an arbitrary count: a caller walks every page, and a
 * page's cursor lets an interrupted walk go on where it stopped.
 */
export const OPEN_DOSSIER_SHARDS = 16;

/** The partition of the open dossiers before they were sharded. */
export const LEGACY_OPEN_DOSSIERS_PARTITION = 'OPEN_DOSSIERS';

/** The open-dossiers partition a dossier's META item is indexed under while it is open. */
export function openDossiersPartition(dossierId: string): string {
  return `OPEN_DOSSIERS#${String(shardOf(dossierId, OPEN_DOSSIER_SHARDS)).padStart(2, '0')}`;
}

/** Every partition a walk reads, in order: the shards, then the legacy one. */
const PARTITIONS = [
  ...Array.from({ length: OPEN_DOSSIER_SHARDS }, (_, n) => `OPEN_DOSSIERS#${String(n).padStart(2, '0')}`),
  LEGACY_OPEN_DOSSIERS_PARTITION,
];

/** What the index gives of an open dossier: it projects the execution's generation, not what a decision rewrites. */
export interface OpenDossierRef {
  readonly dossierId: string;
  readonly executionGeneration: number;
}

export interface OpenDossiersPage {
  readonly items: OpenDossierRef[];
  /** Where the next page starts; absent on the last page. */
  readonly next?: string;
}

const gsi = TABLE_KEYS.gsi1;
const shapeOf = (partition: string) => ({
  attributes: [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, gsi.partitionKey, gsi.sortKey],
  partition: { name: gsi.partitionKey, value: partition },
});

/** Where a walk stands: the partition (index in `PARTITIONS`) and the key to go on after in it, if any. */
interface WalkPosition {
  readonly p: number;
  readonly k?: Record<string, unknown>;
}

function decodePosition(cursor: string): WalkPosition {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor('cursor');
  }
  const x = raw as { p?: unknown; k?: unknown } | null;
  if (!x || typeof x.p !== 'number' || !Number.isInteger(x.p) || x.p < 0 || x.p >= PARTITIONS.length) {
    throw invalidCursor('cursor');
  }
  if (x.k === undefined) return { p: x.p };
  const partition = PARTITIONS[x.p] as string;
  return { p: x.p, k: decodeCursor(encodeCursor(x.k as Record<string, unknown>), shapeOf(partition), 'cursor') };
}

const encodePosition = (at: WalkPosition): string => encodeCursor(at as unknown as Record<string, unknown>);

export class OpenDossierIndex {
  constructor(
    private readonly client: DocumentClient,
    private readonly table: string,
  ) {}

  /**
   * One page of open dossiers, shard after shard (`pageSize` items at most; fewer when DynamoDB cuts a partition's
   * page at 1 MB, or on the last page).
   */
  async page(cursor?: string, pageSize = 500): Promise<OpenDossiersPage> {
    let at: WalkPosition = cursor ? decodePosition(cursor) : { p: 0 };
    const items: OpenDossierRef[] = [];
    while (items.length < pageSize) {
      const partition = PARTITIONS[at.p] as string;
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: gsi.name,
          KeyConditionExpression: `${gsi.partitionKey} = :pk`,
          ExpressionAttributeValues: { ':pk': partition },
          ProjectionExpression: 'pk, executionGeneration',
          Limit: pageSize - items.length,
          ...(at.k ? { ExclusiveStartKey: at.k } : {}),
        }),
      );
      items.push(
        ...(page.Items ?? []).map((i) => ({
          dossierId: String(i.pk).slice('DOSSIER#'.length),
          executionGeneration: (i.executionGeneration as number | undefined) ?? 0,
        })),
      );
      if (page.LastEvaluatedKey) {
        at = { p: at.p, k: page.LastEvaluatedKey };
        // A partition cut at 1 MB ends the page there
        if (items.length < pageSize) break;
      } else if (at.p + 1 < PARTITIONS.length) {
        at = { p: at.p + 1 };
      } else {
        return { items };
      }
    }
    return { items, next: encodePosition(at) };
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

  /** How many dossiers the index holds as open (a count Query per partition, each paginated: a page stops at 1 MB). */
  async count(): Promise<number> {
    const counts = await Promise.all(
      PARTITIONS.map((partition) =>
        queryCount(this.client, {
          TableName: this.table,
          IndexName: gsi.name,
          KeyConditionExpression: `${gsi.partitionKey} = :pk`,
          ExpressionAttributeValues: { ':pk': partition },
        }),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  }
}
