/**
 * Resume at scale: loads N open dossiers (default 5,000; about 1 KB each, like real META items) into a table of
 * DynamoDB Local built from the CDK definition, then runs the boot resume (`resumeOpenDossiers`, the real index
 * walk and the real generation claim) against a Step Functions stand-in that only counts the executions started.
 * Prints how many the index holds, how many the walk saw and resumed, in how many pages, and the time taken;
 * then a second resume (every execution running: none started again). Exits non-zero if one was missed.
 *
 *   npm run bench -- resume-scale            N = 5,000
 *   RESUME_N=20000 npx tsx bench/resume-scale.ts
 */
import { DossierStore } from '../shared/adapters/dynamo/dossier-store';
import { OpenDossierIndex } from '../shared/adapters/dynamo/open-dossiers';
import { resumeOpenDossiers } from '../shared/services/resume';
import { countingWorkflow, loadOpenDossiers } from '../test/fixtures/open-dossiers';
import { startLocalDynamo } from '../test/integration/stores/local-table';

const N = Number(process.env.RESUME_N ?? 5000);

async function main(): Promise<void> {
  const dynamo = await startLocalDynamo();
  try {
    const { table } = await dynamo.freshTable();
    let t0 = Date.now();
    const ids = await loadOpenDossiers(dynamo.doc, table, { count: N, padding: 800 });
    console.log(`chargés : ${ids.length} dossiers ouverts en ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const options = {
      store: new DossierStore(dynamo.doc, table),
      open: new OpenDossierIndex(dynamo.doc, table),
    };
    const workflow = countingWorkflow();
    t0 = Date.now();
    const report = await resumeOpenDossiers({ ...options, workflow });
    const seconds = (Date.now() - t0) / 1000;
    const distinct = new Set(workflow.starts.map((s) => s.dossierId)).size;
    console.log(
      `reprise : index ${report.indexCount} · parcourus ${report.seen} en ${report.pages} pages · repris ${report.resumed.length} ` +
        `(exécutions distinctes ${distinct}) · en échec ${report.failed.length} · ${seconds.toFixed(1)} s ` +
        `(${(report.seen / seconds).toFixed(0)} dossiers/s)`,
    );
    t0 = Date.now();
    const again = await resumeOpenDossiers({ ...options, workflow });
    console.log(
      `seconde reprise : ${again.running.length} déjà en cours, ${again.resumed.length} repris · ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    const ok = report.resumed.length === N && distinct === N && report.indexCount === N && again.resumed.length === 0;
    console.log(ok ? `objectif : ${N}/${N} repris, aucun oublié, aucun doublon — atteint` : 'objectif : MANQUÉ');
    if (!ok) process.exitCode = 1;
  } finally {
    await dynamo.stop();
  }
}

void main();
