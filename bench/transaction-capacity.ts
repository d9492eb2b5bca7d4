/**
 * The write units of a TransactWriteItems, as DynamoDB bills them, for the benchmarks. DynamoDB Local reports a
 * transaction's consumed capacity as if it held ONE item, whatever its count (measured: 1, 2 and 6 items of 3 KB each
 * report the same 6 table + 6 index units), so a benchmark that trusts it under-counts every multi-item
 * transaction. This estimator reads each item before and after (reads not metered) and applies the billing rules:
 * per item, 2 units per KB (rounded up) of the larger of its sizes before and after, a ConditionCheck included; per
 * index whose key the item carries, 2 units per KB of the entry written (a key change writes the old entry's deletion
 * and the new one). Item size as DynamoDB counts it: attribute names + values (strings and binaries their bytes,
 * numbers ~1 byte per 2 significant digits + 1, lists and maps 3 bytes + their elements + 1 byte each).
 * Index entries are sized as what the index projects (ALL: the whole item; KEYS_ONLY: the table's and the index's
 * keys; INCLUDE: those and the listed attributes), and an item whose key and projected attributes stay as they were
 * writes nothing to the index. Index writes inside a transaction are counted at 2 units per KB like the table's:
 * conservative, AWS's documentation does not say whether an index write of a transaction is billed double.
 */
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  type GlobalSecondaryIndexDescription,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

type Item = Record<string, AttributeValue>;

function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return Buffer.byteLength(v.S);
  if (v.N !== undefined) return Math.ceil(v.N.replace(/^[-+]?0*|\.|e.*$/gi, '').length / 2) + 1;
  if (v.B !== undefined) return v.B.length;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS) return v.SS.reduce((s, x) => s + Buffer.byteLength(x), 0);
  if (v.NS) return v.NS.reduce((s, x) => s + valueSize({ N: x }), 0);
  if (v.L) return 3 + v.L.reduce((s, x) => s + valueSize(x) + 1, 0);
  if (v.M) return 3 + Object.entries(v.M).reduce((s, [k, x]) => s + Buffer.byteLength(k) + valueSize(x) + 1, 0);
  return 0;
}

/** An item's size in bytes, as DynamoDB counts it for capacity. */
export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((s, [k, v]) => s + Buffer.byteLength(k) + valueSize(v), 0);
}

const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** An item as text with its attributes in name order (DynamoDB returns them in any order). */
const canonical = (item: Item | undefined) =>
  item ? JSON.stringify(Object.entries(item).sort(([x], [y]) => (x < y ? -1 : 1))) : '';

export interface ItemUnits {
  /** The item's primary key (plain values), as the transaction names it. */
  readonly key: Record<string, unknown> | undefined;
  readonly table: number;
  readonly indexes: number;
}

export interface TransactionUnits {
  readonly table: number;
  readonly indexes: number;
  /** The same units, item by item, in the transaction's order. */
  readonly items: readonly ItemUnits[];
}

/** Items and keys as the document client gives them (plain values), in DynamoDB's own form. */
const asAttributes = (v: Record<string, unknown> | undefined): Item | undefined =>
  v ? marshall(v, { removeUndefinedValues: true, convertClassInstanceToMap: false }) : undefined;

/** The key of each item of the transaction and its table. */
function targetsOf(items: readonly TransactWriteItem[]) {
  return items.map((t) => {
    if (t.Put) return { table: t.Put.TableName ?? '', key: undefined, put: asAttributes(t.Put.Item), check: false };
    const op = t.Update ?? t.Delete ?? t.ConditionCheck;
    return {
      table: op?.TableName ?? '',
      key: asAttributes(op?.Key),
      put: undefined,
      check: t.ConditionCheck !== undefined,
    };
  });
}

export interface CapacityEstimator {
  /** Reads what the transaction will change (call before sending it; items as the document client takes them). */
  before(items: readonly TransactWriteItem[]): Promise<() => Promise<TransactionUnits>>;
}

/**
 * `keyOf(table, item)` gives an item's primary key (from the table's key schema); `indexes` the table's GSIs.
 * `client` must not be metered (its reads are the estimator's, not the product's).
 */
export function capacityEstimator(
  client: DynamoDBClient,
  keyNames: readonly string[],
  indexes: readonly GlobalSecondaryIndexDescription[],
): CapacityEstimator {
  const get = async (table: string, key: Item | undefined) =>
    key
      ? (await client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item
      : undefined;
  const keyOf = (item: Item | undefined) =>
    item ? Object.fromEntries(keyNames.map((k) => [k, item[k] as AttributeValue])) : undefined;
  const indexKey = (index: GlobalSecondaryIndexDescription, item: Item | undefined) => {
    if (!item) return undefined;
    const parts = (index.KeySchema ?? []).map((k) => item[k.AttributeName ?? '']);
    return parts.every((p) => p !== undefined) ? JSON.stringify(parts) : undefined;
  };
  /** An item's index entry: what the index projects of it (ALL: the whole item; else the keys and INCLUDE's list). */
  const entryOf = (index: GlobalSecondaryIndexDescription, item: Item | undefined): Item | undefined => {
    const type = index.Projection?.ProjectionType ?? 'ALL';
    if (!item || type === 'ALL') return item;
    const names = new Set([
      ...keyNames,
      ...(index.KeySchema ?? []).map((k) => k.AttributeName ?? ''),
      ...(type === 'INCLUDE' ? (index.Projection?.NonKeyAttributes ?? []) : []),
    ]);
    return Object.fromEntries(Object.entries(item).filter(([name]) => names.has(name)));
  };
  return {
    async before(items) {
      const targets = targetsOf(items).map((t) => ({ ...t, key: t.key ?? keyOf(t.put) }));
      const old = await Promise.all(targets.map((t) => get(t.table, t.key)));
      return async () => {
        const now = await Promise.all(targets.map((t) => (t.check ? undefined : get(t.table, t.key))));
        const perItem = targets.map((t, i): ItemUnits => {
          const a = old[i];
          const b = t.check ? a : now[i];
          const key = t.key ? unmarshall(t.key) : undefined;
          const table = 2 * kb(Math.max(itemSize(a), itemSize(b)));
          if (t.check) return { key, table, indexes: 0 };
          let idx = 0;
          for (const index of indexes) {
            const ka = indexKey(index, a);
            const kb2 = indexKey(index, b);
            const [ea, eb] = [entryOf(index, a), entryOf(index, b)];
            if (ka && ka !== kb2) idx += 2 * kb(itemSize(ea)); // the old entry removed
            // the entry written: a new key, or a projected attribute changed (an entry that stays as it was is not)
            if (kb2 && (ka !== kb2 || canonical(ea) !== canonical(eb))) idx += 2 * kb(itemSize(eb));
          }
          return { key, table, indexes: idx };
        });
        return {
          table: perItem.reduce((s, i) => s + i.table, 0),
          indexes: perItem.reduce((s, i) => s + i.indexes, 0),
          items: perItem,
        };
      };
    },
  };
}
