import { IndexMaintenance } from '../../shared/adapters/dynamo/index-maintenance';
import { seedOnBoot } from '../../shared/seed/boot';
import { serviceContext } from '../../shared/services/context';
import { resumeOpenDossiers } from '../../shared/services/resume';
import { resumeSummary } from './banner';
import type { Platform } from './platform';

/**
 * `npm start`, before the API opens: the demo marché is seeded (idempotent; LOCAL_SEED=0: not at all), a data folder
 * of an older layout is brought up to date once (the structures' counters, index-maintenance.ts), and every
 * open dossier whose Step Functions execution was lost with the previous run (executions live in memory) is given a
 * new one. Resolves with the texts to print after the banner.
 */
export async function seedAndResume(p: Platform): Promise<string[]> {
  const after: string[] = [];
  const seed = await seedOnBoot({
    client: p.clients.document,
    tableName: p.tableName,
    now: p.clock.now(),
    baseUrl: `http://localhost:${p.port}`,
    enabled: process.env.LOCAL_SEED !== '0',
  });
  after.push(seed.banner);
  // A data folder written before the structures' counters: built once from the index entries (idempotent)
  const upgraded = await new IndexMaintenance(p.clients.document, p.tableName).upgrade();
  if (upgraded && upgraded.drifts.length > 0) {
    after.push(`Compteurs des structures : ${upgraded.drifts.length} compteur(s) recalculé(s) (npm run compteurs).`);
  }
  const messages: string[] = [];
  try {
    const ctx = serviceContext();
    const report = await resumeOpenDossiers({
      store: ctx.stores.dossiers,
      open: ctx.stores.openDossiers,
      workflow: ctx.infra.workflow,
      log: (m) => messages.push(m),
    });
    after.push(resumeSummary(report, messages));
  } catch (error) {
    // The platform stays usable; the dossiers wait for the next start
    after.push(`Dossiers ouverts : reprise impossible (${error instanceof Error ? error.message : String(error)}).`);
  }
  return after;
}
