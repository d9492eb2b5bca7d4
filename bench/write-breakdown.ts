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
