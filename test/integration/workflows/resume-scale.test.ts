import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand, ScanCommand } from '../../../shared/adapters/dynamo/document-client';
import { DossierStore } from '../../../shared/adapters/dynamo/dossier-store';
import { IndexMaintenance } from '../../../shared/adapters/dynamo/index-maintenance';
import { TABLE_KEYS } from '../../../shared/adapters/dynamo/keys';
import {
  LEGACY_OPEN_DOSSIERS_PARTITION,
  OPEN_DOSSIER_SHARDS,
  OpenDossierIndex,
} from '../../../shared/adapters/dynamo/open-dossiers';
import { isDomainError } from '../../../shared/domain/errors';
import { ResumeInterrupted, resumeOpenDossiers } from '../../../shared/services/resume';
import { countingWorkflow, loadOpenDossiers } from '../../fixtures/open-dossiers';
import { type LocalDynamo, startLocalDynamo } from '../stores/local-table';

/**
 * Resume at scale: the boot resume used to read the open-dossiers index up to a count (1,000, checked after a whole
 * page) and missed most open dossiers of a large table (1,190 of 4,977 measured). It now walks every page of every
 * shard of the index; a partition's page also stops at 1 MB (shown on the unsharded partition of an older table).
 */
let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
}, 60_000);
afterAll(async () => {
  await dynamo?.stop();
});

async function table() {
  const { table } = await dynamo.freshTable();
  return {
    table,
    store: new DossierStore(dynamo.doc, table),
    open: new OpenDossierIndex(dynamo.doc, table),
  };
}

describe('resume of every open dossier', () => {
  it('resumes all 2,500 open dossiers of a table across pages and shards, each once, and a second resume none', async () => {
    const t = await table();
    const ids = await loadOpenDossiers(dynamo.doc, t.table, { count: 2500, padding: 800 });
    const workflow = countingWorkflow();
    const progress: number[] = [];
    const report = await resumeOpenDossiers({
      ...t,
      workflow,
      pageSize: 2000,
      onPage: (p) => progress.push(p.seen),
    });
    expect(report.seen).toBe(2500);
    expect(report.indexCount).toBe(2500);
    // 2,500 over 16 shards, pages of 2,000 filled shard after shard: 2,000 then 500
    expect(report.pages).toBe(2);
    expect(progress).toEqual([2000, 2500]);
    expect(report.failed).toEqual([]);
    expect(new Set(report.resumed.map((r) => r.dossierId))).toEqual(new Set(ids));
    expect(workflow.starts).toHaveLength(2500);
    // generation 0 → 1: `executionName(id, 1)` is `${id}--r1`
    expect(workflow.starts.find((s) => s.dossierId === 'OPEN-001234')?.name).toBe('OPEN-001234--r1');

    const again = await resumeOpenDossiers({ ...t, workflow, pageSize: 2000 });
    expect(again.resumed).toEqual([]);
    expect(again.running).toHaveLength(2500);
    expect(workflow.starts).toHaveLength(2500);
  }, 120_000);

  it('goes on from where an interrupted walk stopped, and the two walks together resume every dossier once', async () => {
    const t = await table();
    const ids = await loadOpenDossiers(dynamo.doc, t.table, { count: 600, prefix: 'CUT', padding: 100 });
    const workflow = countingWorkflow();
    // The index answers two pages of 100, then fails (throttling, a restart…)
    let reads = 0;
    const flaky = {
      page: (cursor?: string, size?: number) => {
        reads += 1;
        return reads === 3
          ? Promise.reject(new Error('ProvisionedThroughputExceededException'))
          : t.open.page(cursor, size);
      },
      count: () => t.open.count(),
    };
    const error = await resumeOpenDossiers({ store: t.store, open: flaky, workflow, pageSize: 100 }).catch((e) => e);
    expect(error).toBeInstanceOf(ResumeInterrupted);
    const first = (error as ResumeInterrupted).report;
    expect(first.seen).toBe(200);
    expect(first.cursor).toBeDefined();

    const rest = await resumeOpenDossiers({ ...t, workflow, pageSize: 100, from: first.cursor });
    // 600 − 200 already walked = 400 in 4 pages of 100
    expect(rest.seen).toBe(400);
    expect(rest.indexCount).toBe(600);
    expect(workflow.starts.map((s) => s.dossierId).sort()).toEqual([...ids].sort());
  }, 60_000);

  it('walks every shard of the open dossiers, and the unsharded entries of an older table until they are moved', async () => {
    const t = await table();
    const sharded = await loadOpenDossiers(dynamo.doc, t.table, { count: 300, prefix: 'NEW', padding: 100 });
    // Unsharded: 1,300 of ~0.9 KB, more than one 1 MB page of their partition
    const legacy = await loadOpenDossiers(dynamo.doc, t.table, {
      count: 1300,
      prefix: 'OLD',
      padding: 800,
      legacy: true,
    });
    // 300 dossiers by hash over 16 shards: every shard holds some
    const { Items = [] } = await dynamo.doc.send(
      new ScanCommand({ TableName: t.table, ProjectionExpression: 'gsi1pk' }),
    );
    const partitions = new Set(Items.map((i) => String(i.gsi1pk)));
    expect(partitions.size).toBe(OPEN_DOSSIER_SHARDS + 1);
    expect(partitions.has(LEGACY_OPEN_DOSSIERS_PARTITION)).toBe(true);

    // 1,600 = 300 sharded + 1,300 unsharded; pages of 2,000 asked, but DynamoDB cuts the unsharded partition at 1 MB
    const pages: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.open.page(cursor, 2000);
      pages.push(page.items.length);
      cursor = page.next;
    } while (cursor);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.reduce((a, b) => a + b, 0)).toBe(1600);
    const walked: string[] = [];
    for await (const d of t.open.all(50)) walked.push(d.dossierId);
    expect(walked.sort()).toEqual([...sharded, ...legacy].sort());
    expect(await t.open.count()).toBe(1600);

    const maintenance = new IndexMaintenance(dynamo.doc, t.table);
    expect((await maintenance.repair()).unshardedOpenDossiers).toBe(1300);
    expect((await maintenance.verify()).unshardedOpenDossiers).toBe(0);
    const after = await dynamo.doc.send(
      new QueryCommand({
        TableName: t.table,
        IndexName: TABLE_KEYS.gsi1.name,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': LEGACY_OPEN_DOSSIERS_PARTITION },
      }),
    );
    expect(after.Items).toEqual([]);
    const report = await resumeOpenDossiers({ ...t, workflow: countingWorkflow(), pageSize: 100 });
    expect(report.seen).toBe(1600);
    expect(report.indexCount).toBe(1600);
  }, 60_000);

  it('refuses a cursor it did not hand out', async () => {
    const t = await table();
    for (const forged of ['xyz', Buffer.from(JSON.stringify({ p: 99 })).toString('base64url')]) {
      const error = await t.open.page(forged).catch((e: unknown) => e);
      expect(isDomainError(error) && error.code).toBe('CURSEUR_INVALIDE');
    }
  });
});
