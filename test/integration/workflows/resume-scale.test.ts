import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DossierStore } from '../../../shared/adapters/dynamo/dossier-store';
import { OpenDossierIndex } from '../../../shared/adapters/dynamo/open-dossiers';
import { ResumeInterrupted, resumeOpenDossiers } from '../../../shared/services/resume';
import { countingWorkflow, loadOpenDossiers } from '../../fixtures/open-dossiers';
import { type LocalDynamo, startLocalDynamo } from '../stores/local-table';

/**
 * Resume at scale: the boot resume used to read the open-dossiers index up to a count (1,000, checked after a whole
 * page) and missed most open dossiers of a large table (1,190 of 4,977 measured). It now walks every page; a page
 * stops at 1 MB, so 2,500 dossiers of about 1 KB fill several pages whatever the page size asked.
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
  it('resumes all 2,500 open dossiers of a table across 1 MB pages, each once, and a second resume none', async () => {
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
    // 2,500 items of ~0.9 KB do not fit in one 1 MB page: DynamoDB cut the walk into at least 3 pages
    expect(report.pages).toBeGreaterThanOrEqual(3);
    expect(progress.at(-1)).toBe(2500);
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
});
