import type { DossierWrite, StoredPending } from './dossier-types';
import { keys, shardOf } from './keys';
import type { RawItem } from './query';
import type { TransactItem } from './transactions';

/**
 * A structure's counters: how many of its dossiers are in each status (« Tableau de bord ») and how many waits it has
 * (the « Synthèse »'s total). Each dossier save adds its changes to them in its own transaction (`ADD`, so that
 * concurrent saves of different dossiers add up), and a view reads them with one Query whatever the structure's size.
 *
 * Sharded: a structure's counters are `COUNTER_SHARDS` items (`COUNT#siret`, `SHARD#nn`); a dossier always writes the
 * shard of its id, and a view sums them. On AWS an item takes at most 1,000 write units per second, and two
 * transactions touching the same item at the same moment cancel one another (the save retries that race): with 8
 * shards, two simultaneous decisions on different dossiers of one structure meet on the same item once in 8.
 *
 * What they count is exactly what the index entries hold: one board entry per dossier and party (its status), one
 * pending entry per dossier and structure that may act in its wait. `CounterMaintenance` recounts them from those
 * entries (`npm run compteurs -- verifier | reparer`).
 */
export const COUNTER_SHARDS = 8;

/** Counter attribute of the dossiers in a status. */
export const statusCounter = (status: string): string => `st#${status}`;
/** Counter attribute of the structure's pending actions. */
export const PENDING_COUNTER = 'pending';

/** A structure's counters, summed over its shards. */
export interface StructureCounts {
  readonly byStatus: Readonly<Record<string, number>>;
  readonly pending: number;
}

/** siret → counter attribute → change. */
export type CounterDeltas = Map<string, Map<string, number>>;

function add(deltas: CounterDeltas, siret: string, counter: string, by: number): void {
  const of = deltas.get(siret) ?? new Map<string, number>();
  of.set(counter, (of.get(counter) ?? 0) + by);
  deltas.set(siret, of);
}

/** The structures that see a wait in their Synthèse: its actor and every other structure that may act in it. */
export function pendingSirets(p: StoredPending): string[] {
  const others = (p.otherActors as { actorSiret: string }[] | undefined) ?? [];
  return [...new Set([p.actorSiret, ...others.map((o) => o.actorSiret)])];
}

/**
 * What a save changes in the counters, from what it read: the status moves for each party whose board entry it
 * rewrites (the parties of a dossier are fixed when it opens), and the structures that enter or leave its wait.
 */
export function counterDeltas(w: DossierWrite): CounterDeltas {
  const deltas: CounterDeltas = new Map();
  if (w.status !== w.previousStatus) {
    for (const siret of new Set(w.structures)) {
      if (w.previousStatus !== undefined) add(deltas, siret, statusCounter(w.previousStatus), -1);
      add(deltas, siret, statusCounter(w.status), 1);
    }
  }
  if (w.pending !== undefined) {
    const before = new Set(w.previousPending ? pendingSirets(w.previousPending) : []);
    const after = new Set(w.pending ? pendingSirets(w.pending) : []);
    for (const siret of before) if (!after.has(siret)) add(deltas, siret, PENDING_COUNTER, -1);
    for (const siret of after) if (!before.has(siret)) add(deltas, siret, PENDING_COUNTER, 1);
  }
  return deltas;
}

/** One `ADD` per structure whose counters move, on the shard of the dossier (no condition: they always apply). */
export function counterItems(table: string, dossierId: string, deltas: CounterDeltas): TransactItem[] {
  const shard = shardOf(dossierId, COUNTER_SHARDS);
  const items: TransactItem[] = [];
  for (const [siret, counters] of deltas) {
    const moves = [...counters].filter(([, by]) => by !== 0);
    if (moves.length === 0) continue;
    items.push({
      Update: {
        TableName: table,
        Key: keys.structureCounter(siret, shard),
        UpdateExpression: `ADD ${moves.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(moves.map(([name], i) => [`#c${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(moves.map(([, by], i) => [`:c${i}`, by])),
      },
    });
  }
  return items;
}

/** The sum of a structure's counter shards (statuses counted zero or less are left out). */
export function sumCounters(shards: readonly RawItem[]): StructureCounts {
  const byStatus: Record<string, number> = {};
  let pending = 0;
  for (const shard of shards) {
    for (const [name, value] of Object.entries(shard)) {
      if (typeof value !== 'number') continue;
      if (name === PENDING_COUNTER) pending += value;
      else if (name.startsWith('st#')) {
        const status = name.slice('st#'.length);
        byStatus[status] = (byStatus[status] ?? 0) + value;
      }
    }
  }
  return {
    byStatus: Object.fromEntries(Object.entries(byStatus).filter(([, n]) => n > 0)),
    pending: Math.max(0, pending),
  };
}
