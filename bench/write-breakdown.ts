/**
 * Where a dossier's write units go (bench/workflow-cost.ts, WORKFLOW_COST_DETAIL=n): each item written, by the shape
 * of its key (`DOSSIER#…|META`, `DOSSIER#…|EVENT#…`, `COUNT#…|SHARD#…`…) and by step of the path (the actor's
 * decision, then each workflow task it led to).
 */
import type { ItemUnits } from './transaction-capacity';

/** An item's kind: its key with every value after the first `#` of each part elided. */
export function kindOf(key: Record<string, unknown> | undefined): string {
  if (!key) return '(inconnu)';
  const shape = (v: unknown) => String(v ?? '').replace(/#.*$/, '#…');
  return `${shape(key.pk)}|${shape(key.sk)}`;
}

/** What `WriteLedger.floor` counts, in write units. */
export interface WriteFloor {
  readonly statusChanges: number;
  readonly structures: number;
  readonly counters: number;
  readonly entries: number;
  readonly core: number;
  readonly total: number;
}

interface Row {
  readonly step: string;
  readonly kind: string;
  readonly table: number;
  readonly indexes: number;
}

export class WriteLedger {
  private rows: Row[] = [];

  add(step: string, items: readonly ItemUnits[]): void {
    for (const i of items) this.rows.push({ step, kind: kindOf(i.key), table: i.table, indexes: i.indexes });
  }

  reset(): void {
    this.rows = [];
  }

  /**
   * The least the recorded path can write while keeping what the decisions guarantee today (docs/DESIGN.md#the-write-floor):
   * for each decision that moved the dossier's status (it rewrote board entries), per structure of the dossier, its
   * counter's item (2 units: written in the decision's transaction) and its entry under the new status (2 units when
   * the entry first appears; 4 when it moves: a Delete and a Put, even as items of the table without an index); plus
   * the dossier's META and its audit records, 2 units per write, that every decision and workflow record writes.
   * Counted from the items this run wrote, not from the code.
   */
  floor(): WriteFloor {
    const boardSteps = new Map<string, number>();
    let core = 0;
    for (const r of this.rows) {
      if (r.kind === 'DOSSIER#…|BOARD#…') boardSteps.set(r.step, (boardSteps.get(r.step) ?? 0) + 1);
      if (r.kind === 'DOSSIER#…|META' || r.kind === 'DOSSIER#…|EVENT#…') core += 2;
    }
    let counters = 0;
    let entries = 0;
    let first = true;
    for (const structures of boardSteps.values()) {
      counters += structures * 2;
      entries += structures * (first ? 2 : 4);
      first = false;
    }
    const structures = Math.max(0, ...boardSteps.values());
    return { statusChanges: boardSteps.size, structures, counters, entries, core, total: counters + entries + core };
  }

  /** The breakdown by item kind, then by step, biggest first, as text lines (French, like the bench's output). */
  report(title: string): string[] {
    const total = this.rows.reduce((s, r) => s + r.table + r.indexes, 0);
    const lines = [`\nDétail des écritures : ${title} (${total} WCU)\n`];
    lines.push(
      ...table(
        'type d’élément (pk|sk)',
        group(this.rows, (r) => r.kind),
      ),
    );
    lines.push('');
    lines.push(
      ...table(
        'étape (décision ou tâche)',
        group(this.rows, (r) => r.step),
        false,
      ),
    );
    lines.push('');
    lines.push(
      ...table(
        'étape × type',
        group(this.rows, (r) => `${r.step} · ${r.kind}`),
        false,
      ),
    );
    return lines;
  }
}

interface Group {
  readonly name: string;
  readonly items: number;
  readonly table: number;
  readonly indexes: number;
}

function group(rows: readonly Row[], by: (r: Row) => string): Group[] {
  const m = new Map<string, Group>();
  for (const r of rows) {
    const g = m.get(by(r)) ?? { name: by(r), items: 0, table: 0, indexes: 0 };
    m.set(by(r), { ...g, items: g.items + 1, table: g.table + r.table, indexes: g.indexes + r.indexes });
  }
  return [...m.values()];
}

function table(title: string, groups: Group[], sort = true): string[] {
  const sorted = sort ? [...groups].sort((a, b) => b.table + b.indexes - (a.table + a.indexes)) : groups;
  const n = (v: number, w: number) => String(v).padStart(w);
  return [
    `${title.padEnd(72)} ${'écritures'.padStart(9)} ${'WCU table'.padStart(9)} ${'WCU GSI'.padStart(7)} ${'total'.padStart(6)}`,
    ...sorted.map(
      (g) => `${g.name.padEnd(72)} ${n(g.items, 9)} ${n(g.table, 9)} ${n(g.indexes, 7)} ${n(g.table + g.indexes, 6)}`,
    ),
  ];
}
