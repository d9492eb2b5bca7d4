import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCompteurs } from '../../../scripts/compteurs';
import {
  DeleteCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '../../../shared/adapters/dynamo/document-client';
import { DossierListStore } from '../../../shared/adapters/dynamo/dossier-list-store';
import { DossierSearchStore } from '../../../shared/adapters/dynamo/dossier-search-store';
import { DossierStore } from '../../../shared/adapters/dynamo/dossier-store';
import type { DossierWrite, StoredPending } from '../../../shared/adapters/dynamo/dossier-types';
import { IndexMaintenance } from '../../../shared/adapters/dynamo/index-maintenance';
import { gsi2, keys } from '../../../shared/adapters/dynamo/keys';
import { COUNTER_SHARDS } from '../../../shared/adapters/dynamo/structure-counters';
import { PIECE_STATUSES } from '../../../shared/domain/circuits';
import { type LocalDynamo, startLocalDynamo } from './local-table';

/**
 * What the dossier saves maintain beside the dossiers, against DynamoDB Local: a structure's counters (Tableau de
 * bord by status, the Synthèse's total), kept in the saves' own transactions, exact when many saves of different
 * dossiers of one structure run at once (they share the structure's counter items), and rebuilt by the maintenance
 * recount; and a marché's list by status, served by its key.
 */
const T0 = new Date('2026-03-02T09:00:00Z');
const T1 = new Date('2026-03-09T09:00:00Z');
const TITULAIRE = '53819959700013';
const MOE = '83876704400012';
const MOA = '21300202500012';
const DOSSIERS = 12;

let dynamo: LocalDynamo;
let table: string;
let store: DossierStore;
let maintenance: IndexMaintenance;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});
beforeEach(async () => {
  ({ table } = await dynamo.freshTable());
  store = new DossierStore(dynamo.doc, table);
  maintenance = new IndexMaintenance(dynamo.doc, table);
});

const idOf = (n: number) => `DOS-01JZ0COUNTERS${String(n).padStart(10, '0')}`;
const wait = (actorSiret: string, others: string[] = []): StoredPending => ({
  step: 'EXAMEN',
  actorSiret,
  deadlineAt: '2026-03-20T22:59:59.999Z',
  otherActors: others.map((s) => ({ actorSiret: s, actorRole: 'MOA', allowedActions: ['VALIDER'] })),
});

function write(n: number, patch: Partial<DossierWrite>): DossierWrite {
  return {
    dossierId: idOf(n),
    marcheId: 'MAR-1',
    expectedVersion: 0,
    status: 'A_VALIDER_1',
    open: true,
    state: { n },
    structures: [TITULAIRE, MOE, MOA],
    events: [],
    lastEventSeq: 0,
    lastEventHash: '0'.repeat(64),
    now: T0,
    ...patch,
  };
}

/** Every dossier opened at once, waiting for the MOE; then every one decided at once. */
async function openAndDecideAll(): Promise<void> {
  const opened = Array.from({ length: DOSSIERS }, (_, n) => write(n, { pending: wait(MOE) }));
  await Promise.all(opened.map((w) => store.save(w)));
  // Even dossiers go to the MOA (the MOE may still act beside it), odd ones are decided with nothing left to wait for
  await Promise.all(
    opened.map((w, n) =>
      store.save({
        ...w,
        expectedVersion: 1,
        previousStatus: 'A_VALIDER_1',
        status: n % 2 === 0 ? 'MISE_A_DISPOSITION_MOA' : 'REJETEE',
        open: n % 2 === 0,
        pending: n % 2 === 0 ? wait(MOA, [MOE]) : null,
        previousPending: w.pending as StoredPending,
        expectedTaskToken: null,
        createdAt: T0.toISOString(),
        now: T1,
      }),
    ),
  );
}

describe('structure counters kept by the dossier saves', () => {
  it('stay exact when the decisions on twelve dossiers of the same structures land at once', async () => {
    await openAndDecideAll();
    // 12 dossiers, all three structures party to each: 6 even → MISE_A_DISPOSITION_MOA, 6 odd → REJETEE
    for (const siret of [TITULAIRE, MOE, MOA]) {
      expect(await store.indexes.countsByStatus(siret)).toEqual({ MISE_A_DISPOSITION_MOA: 6, REJETEE: 6 });
    }
    // The 6 even dossiers wait for the MOA, and for the MOE beside it; the titulaire waits on none
    expect(await store.indexes.countPending(MOA)).toBe(6);
    expect(await store.indexes.countPending(MOE)).toBe(6);
    expect(await store.indexes.countPending(TITULAIRE)).toBe(0);
    // …and they equal a full recount of the index entries
    expect((await maintenance.verify()).drifts).toEqual([]);
  });

  it('count one change when many writers race on the same dossier (one wins, the others are refused)', async () => {
    await store.save(write(0, { pending: wait(MOE) }));
    const racing = Array.from({ length: 8 }, () =>
      store.save(
        write(0, {
          expectedVersion: 1,
          previousStatus: 'A_VALIDER_1',
          status: 'REJETEE',
          open: false,
          pending: null,
          previousPending: wait(MOE),
          expectedTaskToken: null,
          now: T1,
        }),
      ),
    );
    const outcomes = await Promise.allSettled(racing);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    // 1 dossier, once: A_VALIDER_1 (−1 +0) → REJETEE (+1); the MOE's wait removed once (1 − 1 = 0)
    expect(await store.indexes.countsByStatus(MOE)).toEqual({ REJETEE: 1 });
    expect(await store.indexes.countPending(MOE)).toBe(0);
    expect((await maintenance.verify()).drifts).toEqual([]);
  });

  it('spread a structure’s writes over its shards, read back with one Query', async () => {
    await openAndDecideAll();
    const { Items } = await dynamo.doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `COUNT#${MOE}` },
      }),
    );
    expect(Items?.length).toBeGreaterThan(1);
    expect(Items?.length).toBeLessThanOrEqual(COUNTER_SHARDS);
  });
});

describe('npm run compteurs: recount and repair', () => {
  it('finds the drifted counters, repairs them, and a second run finds nothing', async () => {
    await openAndDecideAll();
    // Drift: the MOE's shards deleted (data written before the counters), 5 phantom waits added to the MOA
    for (let shard = 0; shard < COUNTER_SHARDS; shard++) {
      await dynamo.doc.send(new DeleteCommand({ TableName: table, Key: keys.structureCounter(MOE, shard) }));
    }
    await dynamo.doc.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.structureCounter(MOA, 3),
        UpdateExpression: 'ADD #p :five',
        ExpressionAttributeNames: { '#p': 'pending' },
        ExpressionAttributeValues: { ':five': 5 },
      }),
    );

    const found = await maintenance.verify();
    expect(found.drifts).toEqual([
      // MOA: 6 waits counted, 6 + 5 stored
      { siret: MOA, counter: 'pending', stored: 11, counted: 6 },
      { siret: MOE, counter: 'pending', stored: 0, counted: 6 },
      { siret: MOE, counter: 'st#MISE_A_DISPOSITION_MOA', stored: 0, counted: 6 },
      { siret: MOE, counter: 'st#REJETEE', stored: 0, counted: 6 },
    ]);
    expect(found.structures).toBe(3);

    await maintenance.repair();
    expect((await maintenance.verify()).drifts).toEqual([]);
    expect(await store.indexes.countsByStatus(MOE)).toEqual({ MISE_A_DISPOSITION_MOA: 6, REJETEE: 6 });
    expect(await store.indexes.countPending(MOA)).toBe(6);
    expect((await maintenance.repair()).drifts).toEqual([]);
  });

  it('brings an older data folder up to the layout once (boot step), then leaves it alone', async () => {
    await openAndDecideAll();
    for (let shard = 0; shard < COUNTER_SHARDS; shard++) {
      await dynamo.doc.send(new DeleteCommand({ TableName: table, Key: keys.structureCounter(TITULAIRE, shard) }));
    }
    const first = await maintenance.upgrade();
    // The titulaire's two statuses, 6 dossiers each
    expect(first?.drifts).toHaveLength(2);
    expect(await store.indexes.countsByStatus(TITULAIRE)).toEqual({ MISE_A_DISPOSITION_MOA: 6, REJETEE: 6 });
    expect(await maintenance.upgrade()).toBeNull();
  });

  it('runs as « npm run compteurs -- verifier | reparer », in French, exit 1 when verifier finds drift', async () => {
    await openAndDecideAll();
    for (let shard = 0; shard < COUNTER_SHARDS; shard++) {
      await dynamo.doc.send(new DeleteCommand({ TableName: table, Key: keys.structureCounter(MOA, shard) }));
    }
    const lines: string[] = [];
    const deps = { maintenance, print: (l: string) => lines.push(l) };
    expect(await runCompteurs(['verifier'], deps)).toBe(1);
    expect(lines).toContain(`  ${MOA} — dossiers au statut REJETEE : compteur 0, recompte 6`);
    expect(lines.at(-1)).toBe('3 écart(s) : « npm run compteurs -- reparer » les corrige.');
    expect(await runCompteurs(['reparer'], deps)).toBe(0);
    lines.length = 0;
    expect(await runCompteurs(['verifier'], deps)).toBe(0);
    expect(lines.at(-1)).toBe('Aucun écart : les compteurs sont exacts.');
    expect(await runCompteurs(['autre'], deps)).toBe(2);
  });
});

describe('a marché’s dossiers in one status', () => {
  /** Every page of the list filtered on `status`, `limit` per page. */
  async function walk(status: string, limit: number) {
    const list = new DossierListStore(dynamo.doc, table);
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await list.ofMarche('MAR-1', { status, limit, ...(cursor ? { cursor } : {}) });
      pages.push(page.items.map((i) => `${String(i.pk).slice('DOSSIER#'.length)} ${String(i.status)}`));
      cursor = page.next;
    } while (cursor);
    return pages;
  }

  it('reads only dossiers in that status, so each page of 2 holds 2 of them', async () => {
    await openAndDecideAll();
    // 12 dossiers interleaved: 6 REJETEE (odd), 6 MISE_A_DISPOSITION_MOA (even); pages of 2 → 2, 2, 2 (then the end)
    const pages = (await walk('REJETEE', 2)).filter((p) => p.length > 0);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2]);
    const odd = Array.from({ length: DOSSIERS }, (_, n) => n).filter((n) => n % 2 === 1);
    expect(pages.flat().sort()).toEqual(odd.map((n) => `${idOf(n)} REJETEE`).sort());
    // A status no dossier is in: one empty page, no cursor
    expect(await walk('MISE_EN_PAIEMENT', 2)).toEqual([[]]);
  });

  it('lists again, after a repair, the dossiers of a table written before the list by status', async () => {
    await openAndDecideAll();
    for (const n of [1, 3]) {
      await dynamo.doc.send(
        new DeleteCommand({ TableName: table, Key: { pk: `DOSSIER#${idOf(n)}`, sk: 'MARCHE_STATUT' } }),
      );
    }
    expect((await walk('REJETEE', 10)).flat()).toHaveLength(4);
    expect((await maintenance.verify()).unlistedByStatus).toBe(2);
    await maintenance.repair();
    expect((await walk('REJETEE', 10)).flat()).toHaveLength(6);
    expect((await maintenance.verify()).unlistedByStatus).toBe(0);
  });
});

describe('open and closed dossiers on separate keys', () => {
  /** The Query calls made through the test's client while `run` runs, and the items they returned. */
  async function queriesOf(run: () => Promise<unknown>): Promise<{ queries: number; itemsRead: number }> {
    const send = vi.spyOn(dynamo.doc, 'send');
    try {
      await run();
      const queries = send.mock.calls.map(([c]) => c).filter((c) => c instanceof QueryCommand);
      const results = await Promise.all(
        send.mock.results.filter((_, i) => send.mock.calls[i]?.[0] instanceof QueryCommand).map((r) => r.value),
      );
      const itemsRead = results.reduce((n, r: { Items?: unknown[] }) => n + (r.Items?.length ?? 0), 0);
      return { queries: queries.length, itemsRead };
    } finally {
      send.mockRestore();
    }
  }

  /** Every page of the marché's list with only open (or closed) dossiers, `limit` per page. */
  async function walkOpen(open: boolean, limit: number) {
    const list = new DossierListStore(dynamo.doc, table);
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list.ofMarche('MAR-1', { open, limit, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((i) => `${String(i.pk).slice('DOSSIER#'.length)} ${String(i.open)}`));
      cursor = page.next;
    } while (cursor);
    return ids;
  }

  const even = Array.from({ length: DOSSIERS }, (_, n) => n).filter((n) => n % 2 === 0);
  const odd = Array.from({ length: DOSSIERS }, (_, n) => n).filter((n) => n % 2 === 1);

  it('a marché’s list with « ouvert » reads only dossiers in that state, whatever the others', async () => {
    await openAndDecideAll();
    let ids: string[] = [];
    const { queries, itemsRead } = await queriesOf(async () => {
      ids = await walkOpen(true, 2);
    });
    expect(ids.sort()).toEqual(even.map((n) => `${idOf(n)} true`).sort());
    // 6 open dossiers by pages of 2: 3 full pages, and at most one empty one after them (a page that stops at its
    // limit cannot know it was the last); a filter after the limit would read the 12 entries, 2 a page: 6 Queries
    expect(queries).toBeLessThanOrEqual(4);
    expect(itemsRead).toBe(6);
    expect((await walkOpen(false, 4)).sort()).toEqual(odd.map((n) => `${idOf(n)} false`).sort());
  });

  it('a marché with no open dossier answers « ouvert » with one Query that reads nothing', async () => {
    await openAndDecideAll();
    const list = new DossierListStore(dynamo.doc, table);
    // Close the 6 even dossiers too: MISE_A_DISPOSITION_MOA → REJETEE at version 2
    for (const n of even) {
      await store.save(
        write(n, {
          expectedVersion: 2,
          lastEventSeq: 0,
          previousStatus: 'MISE_A_DISPOSITION_MOA',
          previousOpen: true,
          status: 'REJETEE',
          open: false,
          pending: null,
          previousPending: wait(MOA, [MOE]),
          expectedTaskToken: null,
          createdAt: T0.toISOString(),
          now: T1,
        }),
      );
    }
    const { queries, itemsRead } = await queriesOf(() => list.ofMarche('MAR-1', { open: true, limit: 2 }));
    expect({ queries, itemsRead }).toEqual({ queries: 1, itemsRead: 0 });
    expect(await list.ofMarche('MAR-1', { open: true, limit: 2 })).toEqual({ items: [] });
  });

  it('a structure’s board holds its open dossiers only: a close moves the entry to its closed board', async () => {
    await openAndDecideAll();
    const search = new DossierSearchStore(dynamo.doc, table);
    const order = { limit: 20, order: 'RECENT' as const };
    const ids = (hits: { dossierId: string }[]) => hits.map((h) => h.dossierId).sort();
    const openRead = await queriesOf(async () => {
      expect(ids(await search.board(MOE, PIECE_STATUSES, { ...order, open: true }))).toEqual(even.map(idOf).sort());
    });
    // The 6 open dossiers' entries, nothing of the 6 closed ones
    expect(openRead.itemsRead).toBe(6);
    expect(ids(await search.board(MOE, PIECE_STATUSES, { ...order, open: false }))).toEqual(odd.map(idOf).sort());
    expect(ids(await search.board(MOE, PIECE_STATUSES, order))).toHaveLength(DOSSIERS);
    // Closed: one Query per status a dossier can close in (8), not one per status (28)
    const closedRead = await queriesOf(() => search.board(MOE, PIECE_STATUSES, { ...order, open: false }));
    expect(closedRead.queries).toBe(8);
  });

  it('an older table: the repair moves closed dossiers’ board entries and lists dossiers by state', async () => {
    await openAndDecideAll();
    // As written before: every board entry on the open board, no entry in the marché's open or closed dossiers
    for (const n of Array.from({ length: DOSSIERS }, (_, i) => i)) {
      const status = n % 2 === 0 ? 'MISE_A_DISPOSITION_MOA' : 'REJETEE';
      for (const siret of [TITULAIRE, MOE, MOA]) {
        await dynamo.doc.send(
          new PutCommand({
            TableName: table,
            Item: { ...keys.boardEntry(idOf(n), siret), ...gsi2.boardOf(siret, status, idOf(n)) },
          }),
        );
      }
      await dynamo.doc.send(new DeleteCommand({ TableName: table, Key: keys.marcheStateEntry(idOf(n)) }));
    }
    const search = new DossierSearchStore(dynamo.doc, table);
    expect(await search.board(MOE, PIECE_STATUSES, { limit: 20, order: 'RECENT', open: false })).toEqual([]);
    const found = await maintenance.verify();
    // 6 closed dossiers × 3 structures; 12 dossiers not listed by state
    expect({ misplaced: found.misplacedBoardEntries, unlisted: found.unlistedByStatus }).toEqual({
      misplaced: 18,
      unlisted: 12,
    });
    await maintenance.repair();
    const hits = await search.board(MOE, PIECE_STATUSES, { limit: 20, order: 'RECENT', open: false });
    expect(hits.map((h) => h.dossierId).sort()).toEqual(odd.map(idOf).sort());
    expect((await walkOpen(true, 20)).sort()).toEqual(even.map((n) => `${idOf(n)} true`).sort());
    const after = await maintenance.verify();
    expect([after.misplacedBoardEntries, after.unlistedByStatus, after.drifts.length]).toEqual([0, 0, 0]);
  });
});
