/**
 * Dashboards at scale (issue "Performance" part 4): loads a table of DynamoDB Local (built from the CDK definition)
 * with dossiers spread over 1,000 structures, beside a small structure (54 dossiers) and a large one (10,000), then
 * times the reads behind each dashboard view of both, at each size:
 * - « Synthèse »: the first page of the structure's pending actions and their count (`pendingFor` + `countPending`);
 * - « Tableau de bord »: the counts by status (`countsByStatus`);
 * - « Délais »: the first page of its open DGP clocks (`openClocksOf`);
 * - « Rechercher »: the first round of a search, the board entries of every status then the dossiers by key
 *   (`DossierSearchStore.board` + `.dossiers`, what `searchDossiers` reads first).
 * Items are built by the dossier save's own builder (`dossierSaveItems`, as a new dossier's first save) and loaded
 * by BatchWrite; the dossier state is a 1 KB filler (what the views read is in the index items). Each dossier waits
 * for one structure, has an open DGP clock and is on the board of its three parties.
 * Prints p50 / p99 and the read units (ConsumedCapacity, as DynamoDB Local reports it) of each view; targets:
 * p99 at the largest size ≤ 1.5 × at the smallest, and the large structure's Tableau de bord within 2 × the small one's.
 *
 *   npm run bench -- dashboard-scale                  sizes 1,000 and 50,000
 *   DASHBOARD_SIZES=1000,20000 npx tsx bench/dashboard-scale.ts
 */
import type { DocumentClient } from '../shared/adapters/dynamo/document-client';
import { BatchWriteCommand } from '../shared/adapters/dynamo/document-client';
import { DossierIndexes } from '../shared/adapters/dynamo/dossier-indexes';
import { dossierSaveItems } from '../shared/adapters/dynamo/dossier-save';
import { DossierSearchStore } from '../shared/adapters/dynamo/dossier-search-store';
import type { DossierWrite } from '../shared/adapters/dynamo/dossier-types';
import type { TransactItem } from '../shared/adapters/dynamo/transactions';
import { PIECE_STATUSES } from '../shared/domain/circuits/types';
import { startLocalDynamo } from '../test/integration/stores/local-table';

const SIZES = (process.env.DASHBOARD_SIZES ?? '1000,50000').split(',').map(Number);
const STRUCTURES = 1000;
const SMALL_DOSSIERS = 54;
const LARGE_DOSSIERS = 10_000;
const SAMPLES = Number(process.env.DASHBOARD_SAMPLES ?? 40);
const SMALL = '99000000000054';
const LARGE = '99000000010000';
const STATUSES = ['A_VALIDER_1', 'MISE_A_DISPOSITION_MOE', 'PRISE_EN_COMPTE_MOE', 'MISE_A_DISPOSITION_MOA'] as const;
const FILLER = 'x'.repeat(1000);
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `DOS-` and 26 Crockford characters, increasing with `n` (dossier ids are time-ordered). */
function dossierId(n: number): string {
  let s = '';
  for (let i = 0, x = n; i < 26; i++, x = Math.floor(x / 32)) s = ALPHABET[x % 32] + s;
  return `DOS-${s}`;
}

const siretOf = (i: number) => `980${String(i).padStart(11, '0')}`;

/** One dossier's first save: the titulaire deposited, `actor` must act by `deadline`, the MOA's clock runs. */
function dossierWrite(n: number, parties: { titulaire: string; moe: string; moa: string }, at: Date): DossierWrite {
  const deadline = new Date(at.getTime() + ((n % 60) + 1) * 86_400_000).toISOString();
  const echeance = deadline.slice(0, 10);
  return {
    dossierId: dossierId(n),
    marcheId: `MAR-${String(n % 500).padStart(6, '0')}`,
    expectedVersion: 0,
    status: STATUSES[n % STATUSES.length] as string,
    open: true,
    state: { filler: FILLER },
    structures: [parties.titulaire, parties.moe, parties.moa],
    clock: {
      value: { running: true, startedOn: at.toISOString().slice(0, 10) },
      moaSiret: parties.moa,
      echeance,
      open: true,
      piece: { cadre: 'A4', numero: `PDM-${n}` },
      interestBase: { amountDueCents: 1_200_000, retenueGarantieCents: 0 },
    },
    pending: { step: 'EXAMEN_MOE', actorSiret: parties.moe, deadlineAt: deadline },
    expectedTaskToken: null,
    events: [],
    lastEventSeq: 0,
    lastEventHash: '',
    now: at,
  };
}

/**
 * A save's items as plain puts: its Puts as they are, its Updates (a new item's) applied to their key; the counter
 * `ADD`s of many saves summed into one item per key (`counters`).
 */
function asPuts(
  items: readonly TransactItem[],
  counters: Map<string, Record<string, unknown>>,
): Record<string, unknown>[] {
  const puts: Record<string, unknown>[] = [];
  for (const item of items) {
    if (item.Put) {
      puts.push(item.Put.Item as Record<string, unknown>);
      continue;
    }
    const update = item.Update;
    if (!update) throw new Error('the first save of a dossier only puts and updates');
    const key = update.Key as Record<string, unknown>;
    const names = update.ExpressionAttributeNames ?? {};
    const values = update.ExpressionAttributeValues ?? {};
    const attribute = (name: string) => (name.startsWith('#') ? (names[name] as string) : name);
    const added = /^ADD (.*)$/.exec(update.UpdateExpression ?? '')?.[1];
    if (added) {
      const id = `${key.pk}|${key.sk}`;
      const out = counters.get(id) ?? { ...key };
      for (const term of added.split(', ')) {
        const [name, value] = term.split(' ') as [string, string];
        out[attribute(name)] = Number(out[attribute(name)] ?? 0) + Number(values[value]);
      }
      counters.set(id, out);
      continue;
    }
    const out: Record<string, unknown> = { ...key };
    const set = /^SET (.*?)(?: REMOVE .*)?$/.exec(update.UpdateExpression ?? '')?.[1] ?? '';
    for (const assignment of set.split(', ')) {
      const [name, value] = assignment.split(' = ') as [string, string];
      out[attribute(name)] = values[value];
    }
    puts.push(out);
  }
  return puts;
}

/** The counter items loaded so far, by key: later loads add to them. */
const loadedCounters = new Map<string, Record<string, unknown>>();

async function load(doc: DocumentClient, table: string, writes: DossierWrite[]): Promise<void> {
  const counters = new Map<string, Record<string, unknown>>();
  const items = writes.flatMap((w) =>
    asPuts(dossierSaveItems(table, w, { version: 1, seq: 0, hash: '', now: w.now.toISOString() }, []).items, counters),
  );
  // Loaded in steps, a structure's counters add to what the earlier steps loaded
  for (const [id, item] of counters) {
    const before = loadedCounters.get(id);
    for (const [k, v] of Object.entries(before ?? {})) if (typeof v === 'number') item[k] = Number(item[k] ?? 0) + v;
    loadedCounters.set(id, item);
    items.push(item);
  }
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let requests = (batches[next++] as Record<string, unknown>[]).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
}

interface Figure {
  p50: number;
  p99: number;
  units: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function main(): Promise<void> {
  const dynamo = await startLocalDynamo();
  let units = 0;
  // Every read asks for its consumed capacity; the sum is the view's read units
  dynamo.doc.use('consumedCapacity', (next) => async (cmd) => {
    const out = await next(cmd.withInput({ ...cmd.input, ReturnConsumedCapacity: 'TOTAL' }));
    const consumed = (out as { ConsumedCapacity?: unknown }).ConsumedCapacity;
    for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
      units += (c as { CapacityUnits?: number }).CapacityUnits ?? 0;
    }
    return out;
  });
  try {
    const { table } = await dynamo.freshTable();
    const indexes = new DossierIndexes(dynamo.doc, table);
    const search = new DossierSearchStore(dynamo.doc, table);
    const views: Record<string, (siret: string) => Promise<unknown>> = {
      Synthèse: (siret) => Promise.all([indexes.pendingFor(siret, { limit: 100 }), indexes.countPending(siret)]),
      'Tableau de bord': (siret) => indexes.countsByStatus(siret),
      Délais: (siret) => indexes.openClocksOf(siret, { limit: 100 }),
      Rechercher: async (siret) => {
        const hits = await search.board(siret, [...PIECE_STATUSES], { limit: 50, order: 'RECENT' });
        return search.dossiers(hits.map((h) => h.dossierId));
      },
    };
    const measure = async (view: string, siret: string): Promise<Figure> => {
      const read = views[view] as (siret: string) => Promise<unknown>;
      await read(siret);
      const times: number[] = [];
      units = 0;
      for (let i = 0; i < SAMPLES; i++) {
        const t0 = performance.now();
        await read(siret);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      return { p50: percentile(times, 50), p99: percentile(times, 99), units: units / SAMPLES };
    };

    const at = new Date('2026-12-01T08:00:00.000Z');
    let n = 0;
    const own = (siret: string, count: number) =>
      Array.from({ length: count }, () => dossierWrite(n++, { titulaire: siret, moe: siret, moa: siret }, at));
    let t0 = Date.now();
    await load(dynamo.doc, table, [...own(SMALL, SMALL_DOSSIERS), ...own(LARGE, LARGE_DOSSIERS)]);
    console.log(
      `structures témoins : ${SMALL_DOSSIERS} et ${LARGE_DOSSIERS} dossiers chargés en ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    const results: { size: number; small: Record<string, Figure>; large: Record<string, Figure> }[] = [];
    let loaded = 0;
    for (const size of SIZES) {
      t0 = Date.now();
      const writes: DossierWrite[] = [];
      for (; loaded < size; loaded++) {
        const s = (k: number) => siretOf((loaded * 7 + k) % STRUCTURES);
        writes.push(dossierWrite(n++, { titulaire: s(0), moe: s(1), moa: s(2) }, at));
      }
      await load(dynamo.doc, table, writes);
      console.log(
        `\ntable : ${size} dossiers sur ${STRUCTURES} structures (+ ${SMALL_DOSSIERS + LARGE_DOSSIERS} des témoins), chargés en ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
      const row = { size, small: {} as Record<string, Figure>, large: {} as Record<string, Figure> };
      for (const view of Object.keys(views)) {
        row.small[view] = await measure(view, SMALL);
        row.large[view] = await measure(view, LARGE);
        const f = (x: Figure) => `p50 ${x.p50.toFixed(1)} ms · p99 ${x.p99.toFixed(1)} ms · ${x.units.toFixed(1)} UC`;
        console.log(
          `  ${view.padEnd(16)} ${SMALL_DOSSIERS} dossiers : ${f(row.small[view] as Figure)}   |   ${LARGE_DOSSIERS} dossiers : ${f(row.large[view] as Figure)}`,
        );
      }
      results.push(row);
    }
    const first = results[0];
    const last = results[results.length - 1];
    if (!first || !last) return;
    console.log(`\nobjectifs (table ${last.size} / ${first.size}, structure de ${SMALL_DOSSIERS} dossiers) :`);
    for (const view of Object.keys(views)) {
      const ratio = (last.small[view] as Figure).p99 / (first.small[view] as Figure).p99;
      console.log(
        `  ${view.padEnd(16)} p99 ${ratio.toFixed(2)} × — cible ≤ 1,5 : ${ratio <= 1.5 ? 'atteinte' : 'non atteinte'}`,
      );
    }
    const board = (r: Record<string, Figure>) => r['Tableau de bord'] as Figure;
    const ratio = board(last.large).p50 / board(last.small).p50;
    console.log(
      `  Tableau de bord de ${LARGE_DOSSIERS} dossiers / de ${SMALL_DOSSIERS} : p50 ${ratio.toFixed(1)} ×, ${board(last.large).units.toFixed(0)} / ${board(last.small).units.toFixed(1)} UC — cible ≤ 2 : ${ratio <= 2 ? 'atteinte' : 'non atteinte'}`,
    );
  } finally {
    await dynamo.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
