/**
 * `npm run compteurs -- <commande>`: the structures' counters (« Tableau de bord » by status, the Synthèse's total)
 * that the dossier saves keep, recounted from the index entries they count. For a table written before the counters
 * existed, or to check them after an incident. On AWS:
 *
 *   TABLE_NAME=<table of the stack> AWS_REGION=eu-west-3 npm run compteurs -- verifier
 *
 *   verifier   recounts every structure and prints the counters that differ, and how many open dossiers are still
 *              indexed under the unsharded open-dossiers key (exit code 1 if anything is to repair)
 *   reparer    the same, then brings each differing counter to its recount and moves those open dossiers to their
 *              shard, lists under their status (and open or closed) the dossiers missing from their marché's
 *              lists, and moves the board entries of closed dossiers to their structure's closed board (run it
 *              again: it finds nothing)
 *
 * It reads the whole table (a Scan): run it when few users act, and `verifier` again after `reparer`.
 * `npm start` does the repair once by itself when it opens a data folder written before the counters.
 * Target: as `npm run operateurs` (scripts/table-target.ts): TABLE_NAME and the AWS environment, else `npm start`.
 */
import { IndexMaintenance, type MaintenanceReport } from '../shared/adapters/dynamo/index-maintenance';
import { runOnTable } from './table-target';

const USAGE = [
  'Usage : npm run compteurs -- verifier | reparer',
  '  verifier  recompte les dossiers par statut et les attentes de chaque structure, affiche les écarts',
  '  reparer   recompte, puis corrige les compteurs en écart (et range les dossiers ouverts par partition)',
].join('\n');

function printReport(report: MaintenanceReport, print: (line: string) => void, repaired: boolean): void {
  print(`${report.scanned} éléments lus, ${report.structures} structures recomptées.`);
  for (const d of report.drifts) {
    const what = d.counter === 'pending' ? 'attentes' : `dossiers au statut ${d.counter.slice('st#'.length)}`;
    print(`  ${d.siret} — ${what} : compteur ${d.stored}, recompte ${d.counted}${repaired ? ' → corrigé' : ''}`);
  }
  const unsharded = report.unshardedOpenDossiers;
  if (unsharded > 0) {
    print(
      `${unsharded} dossier(s) ouvert(s) sous l'ancienne clé OPEN_DOSSIERS${repaired ? ' : rangé(s) dans leur partition.' : '.'}`,
    );
  }
  if (report.unlistedByStatus > 0) {
    print(
      `${report.unlistedByStatus} dossier(s) absent(s) des listes de leur marché par statut ou par état (ouvert, clos)${repaired ? ' : ajouté(s).' : '.'}`,
    );
  }
  if (report.misplacedBoardEntries > 0) {
    print(
      `${report.misplacedBoardEntries} entrée(s) de tableau de bord hors de la liste des dossiers ouverts ou clos de leur structure${repaired ? ' : déplacée(s).' : '.'}`,
    );
  }
  if (isClean(report)) print('Aucun écart : les compteurs sont exacts.');
  else if (repaired) print(`${report.drifts.length} compteur(s) corrigé(s).`);
  else print(`${report.drifts.length} écart(s) : « npm run compteurs -- reparer » les corrige.`);
}

const isClean = (r: MaintenanceReport): boolean =>
  r.drifts.length === 0 && r.unshardedOpenDossiers === 0 && r.unlistedByStatus === 0 && r.misplacedBoardEntries === 0;

/** Runs one command; returns the exit code (0 exact or repaired, 1 drift found by `verifier`, 2 usage). */
export async function runCompteurs(
  argv: readonly string[],
  deps: { readonly maintenance: IndexMaintenance; readonly print: (line: string) => void },
): Promise<number> {
  switch (argv[0]) {
    case 'verifier': {
      const report = await deps.maintenance.verify();
      printReport(report, deps.print, false);
      return isClean(report) ? 0 : 1;
    }
    case 'reparer': {
      printReport(await deps.maintenance.repair(), deps.print, true);
      return 0;
    }
  }
  deps.print(USAGE);
  return 2;
}

runOnTable(import.meta.url, (target) => {
  console.log(target.banner);
  return runCompteurs(process.argv.slice(2), {
    maintenance: new IndexMaintenance(target.doc, target.tableName),
    print: (line) => console.log(line),
  });
});
