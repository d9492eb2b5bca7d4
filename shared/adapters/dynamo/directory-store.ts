import type { DirectoryEntry } from '../../domain/records';
import type { DirectoryParams } from '../../domain/structures';
import { decodeCursor, encodeCursor } from './cursor';
import { type DocumentClient, GetCommand, QueryCommand } from './document-client';
import { gsi2, keys, TABLE_KEYS } from './keys';

/**
 * The public directory of structures (docs/rules/structures.md#directory), read without a token: only ACTIVE PUBLIC
 * structures, only their public fields (SIRET, raison sociale, directory parameters). Never a Scan:
 * - by name prefix: one Query on GSI2 (`DIRECTORY#PUBLIC`, `NAME#siret` upper-cased), in name order, a page at a
 *   time with an opaque cursor validated before it reaches DynamoDB (cursor.ts);
 * - by SIRET: one Get of the structure's META item, answered only when it is in the directory.
 */
export interface DirectoryPage {
  readonly entries: readonly DirectoryEntry[];
  /** Cursor of the next page; absent on the last one. */
  readonly next?: string;
}

/** A page is at most this many entries, whatever the caller asks. */
export const MAX_DIRECTORY_PAGE = 100;

type Item = Record<string, unknown>;

function entryOf(i: Item): DirectoryEntry {
  const d = (i.directory ?? {}) as Partial<DirectoryParams>;
  // Only the public fields leave the table: never services' internals, members, technical account, history
  return {
    siret: i.siret as string,
    raisonSociale: i.raisonSociale as string,
    directory: {
      codeServiceObligatoire: d.codeServiceObligatoire ?? false,
      engagementObligatoire: d.engagementObligatoire ?? false,
      moaPresente: d.moaPresente ?? false,
      statutMiseEnPaiementRemonte: d.statutMiseEnPaiementRemonte ?? false,
    },
  };
}

export class DirectoryStore {
  constructor(
    private readonly client: DocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Active public structures whose raison sociale starts with `prefix` (case-insensitive), in name order, at most
   * `limit` (1–100) after `cursor`. One Query of `limit + 1` items: the extra one only says whether a page follows,
   * so the last page never hands out a cursor to an empty page.
   */
  byNamePrefix(prefix: string, limit: number, cursor?: string): Promise<DirectoryPage> {
    return this.page(prefix, Math.max(1, Math.min(Math.trunc(limit), MAX_DIRECTORY_PAGE)), cursor);
  }

  private async page(prefix: string, size: number, cursor?: string): Promise<DirectoryPage> {
    const gsi = TABLE_KEYS.gsi2;
    const { gsi2pk } = gsi2.directoryEntry('', '');
    const sortPrefix = prefix.trim().toUpperCase();
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: gsi.name,
        // An empty prefix lists the whole directory (begins_with refuses an empty string)
        ...(sortPrefix
          ? {
              KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :p)',
              ExpressionAttributeNames: { '#pk': gsi.partitionKey, '#sk': gsi.sortKey },
              ExpressionAttributeValues: { ':pk': gsi2pk, ':p': sortPrefix },
            }
          : {
              KeyConditionExpression: '#pk = :pk',
              ExpressionAttributeNames: { '#pk': gsi.partitionKey },
              ExpressionAttributeValues: { ':pk': gsi2pk },
            }),
        Limit: size + 1,
        ...(cursor
          ? {
              ExclusiveStartKey: decodeCursor(cursor, {
                attributes: [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, gsi.partitionKey, gsi.sortKey],
                partition: { name: gsi.partitionKey, value: gsi2pk },
                ...(sortPrefix ? { sortPrefix: { name: gsi.sortKey, value: sortPrefix } } : {}),
              }),
            }
          : {}),
      }),
    );
    const items = (page.Items ?? []) as Item[];
    const shown = items.slice(0, size);
    const last = shown.at(-1);
    const more = items.length > size;
    return {
      entries: shown.map(entryOf),
      ...(more && last
        ? {
            next: encodeCursor({
              [TABLE_KEYS.partitionKey]: last[TABLE_KEYS.partitionKey],
              [TABLE_KEYS.sortKey]: last[TABLE_KEYS.sortKey],
              [gsi.partitionKey]: last[gsi.partitionKey],
              [gsi.sortKey]: last[gsi.sortKey],
            }),
          }
        : {}),
    };
  }

  /** The directory entry of `siret`, or undefined when it is not an active public structure. */
  async bySiret(siret: string): Promise<DirectoryEntry | undefined> {
    const res = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: keys.structure(siret),
        ProjectionExpression: 'siret, raisonSociale, structureType, active, directory',
      }),
    );
    const i = res.Item as Item | undefined;
    if (i?.structureType !== 'PUBLIC' || i.active !== true) return undefined;
    return entryOf(i);
  }

  /**
   * Every active public structure whose name starts with `prefix` (all of them for ''), in name order, for the CSV
   * download: successive Queries of up to 1 000 items, at most `max` entries; `truncated` says the directory holds
   * more.
   */
  async all(prefix: string, max: number): Promise<{ entries: DirectoryEntry[]; truncated: boolean }> {
    // Up to max + 1 entries: the one past the bound only says that the download is truncated
    const entries: DirectoryEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.page(prefix, Math.min(1000, max + 1 - entries.length), cursor);
      entries.push(...page.entries);
      cursor = page.next;
    } while (cursor && entries.length <= max);
    return { entries: entries.slice(0, max), truncated: entries.length > max };
  }
}
