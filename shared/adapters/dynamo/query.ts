import { type CursorShape, decodeCursor, encodeCursor } from './cursor';
import {
  BatchGetCommand,
  type DocumentClient,
  paginateQuery,
  QueryCommand,
  type QueryCommandInput,
} from './document-client';

/** A table item as the document client returns it, before the store's own parsing. */
export type RawItem = Record<string, unknown>;

/** The key of an item found by `batchGetItems`: `pk NUL sk`. */
export function foundKey(k: { readonly pk: string; readonly sk: string }): string {
  return `${k.pk}\u0000${k.sk}`;
}

/** A BatchGetItem takes at most 100 keys. */
const BATCH_GET_MAX = 100;

/**
 * Point reads in ONE consistent BatchGet per 100 keys (keys DynamoDB leaves unprocessed are asked again): the items
 * found, by `foundKey`.
 */
export async function batchGetItems(
  client: DocumentClient,
  table: string,
  wanted: readonly { readonly pk: string; readonly sk: string }[],
): Promise<Map<string, RawItem>> {
  const found = new Map<string, RawItem>();
  for (let from = 0; from < wanted.length; from += BATCH_GET_MAX) {
    const chunk = wanted.slice(from, from + BATCH_GET_MAX);
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
      [table]: { Keys: chunk.map((k) => ({ pk: k.pk, sk: k.sk })), ConsistentRead: true },
    };
    while (request && Object.keys(request).length > 0) {
      const page = await client.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of (page.Responses?.[table] ?? []) as RawItem[]) {
        found.set(foundKey({ pk: String(item.pk), sk: String(item.sk) }), item);
      }
      request = page.UnprocessedKeys as typeof request;
    }
  }
  return found;
}

/**
 * The whole items behind index entries whose projection holds only part of them (one BatchGet per 100 entries), in
 * the entries' order. An item no longer under the entry's key in `index`, or
 * gone, is left out: the answer is what the index said, with the items as they are now.
 */
export async function itemsOfEntries(
  client: DocumentClient,
  table: string,
  entries: readonly RawItem[],
  index: { readonly partitionKey: string; readonly sortKey: string },
): Promise<RawItem[]> {
  const indexKeys = [index.partitionKey, index.sortKey];
  const found = await batchGetItems(
    client,
    table,
    entries.map((e) => ({ pk: String(e.pk), sk: String(e.sk) })),
  );
  const out: RawItem[] = [];
  for (const e of entries) {
    const item = found.get(foundKey({ pk: String(e.pk), sk: String(e.sk) }));
    if (item && indexKeys.every((k) => item[k] === e[k])) out.push(item);
  }
  return out;
}

/**
 * Every item of a Query, page after page (the SDK's own paginator), stopping after the page that reaches `limit`
 * items when given: the one paging loop of the stores.
 */
export async function queryAll(
  client: DocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
  limit = Number.POSITIVE_INFINITY,
): Promise<RawItem[]> {
  const items: RawItem[] = [];
  for await (const page of paginateQuery({ client }, input)) {
    items.push(...((page.Items ?? []) as RawItem[]));
    if (items.length >= limit) break;
  }
  return items;
}

/** One page of a listing and where the next one starts (absent on the last page: no empty trailing page). */
export interface KeyedPage {
  readonly items: RawItem[];
  readonly next?: string;
}

/**
 * One page of exactly `limit` items (fewer only on the last page) of a Query on an index, resumed from a
 * validated cursor. It reads one item past the page to know whether more follow, so a client is never sent a
 * cursor leading to an empty page; the cursor is the key of the page's last item (table and index keys).
 */
export async function queryPage(
  client: DocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit'>,
  options: { readonly limit: number; readonly cursor?: string; readonly shape: CursorShape; readonly path?: string },
): Promise<KeyedPage> {
  const start = options.cursor ? decodeCursor(options.cursor, options.shape, options.path) : undefined;
  const items: RawItem[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined = start;
  do {
    const page = await client.send(
      new QueryCommand({ ...input, Limit: options.limit + 1 - items.length, ExclusiveStartKey }),
    );
    items.push(...((page.Items ?? []) as RawItem[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey && items.length <= options.limit);
  if (items.length <= options.limit) return { items };
  const shown = items.slice(0, options.limit);
  const last = shown[shown.length - 1] as RawItem;
  return {
    items: shown,
    next: encodeCursor(Object.fromEntries(options.shape.attributes.map((a) => [a, last[a]]))),
  };
}

/** How many items a Query matches (a count Query, paginated: a count page stops at 1 MB too). */
export async function queryCount(
  client: DocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Select' | 'Limit'>,
): Promise<number> {
  let total = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, Select: 'COUNT', ExclusiveStartKey }));
    total += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return total;
}
