/**
 * `npm run taux-bce -- <commande>`: the ECB rate table for the platform's operator (docs/ecb-rates.md).
 *
 *   importer FICHIER.csv   the CSV the ECB Data Portal exports for the MRO series (or the API's SDMX-CSV)
 *   relever                fetches the series from the ECB Data Portal API (ECB_API_URL to change the endpoint)
 *   lister                 prints the table and says whether the current half-year is missing
 *
 * Target: the table named by TABLE_NAME with the usual AWS environment (credentials, AWS_REGION,
 * AWS_ENDPOINT_URL_DYNAMODB); without TABLE_NAME, the embedded platform of `npm start` (DynamoDB Local on
 * 127.0.0.1:8000, and its clock, moved forward or not, read from LOCAL_DATA_DIR or .local/data).
 */
import { readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ECB_RATE_CACHE_MS, EcbRateStore } from '../shared/adapters/dynamo/ecb-rate-store';
import { ecbApiUrl, ecbSeriesReader } from '../shared/adapters/ecb-api';
import { halfYearLabel } from '../shared/domain/dgp';
import { isDomainError } from '../shared/domain/errors';
import { formatRate } from '../shared/domain/money';
import { ECB_CSV_MAX_BYTES, ECB_RATE_SOURCE_LABELS } from '../shared/domain/rates';
import { EcbRateImport } from '../shared/services/ecb-rate-import';
import { EcbRateService, type RecordReport } from '../shared/services/ecb-rate-service';
import { runOnTable } from './table-target';

export interface TauxBceDeps {
  readonly store: EcbRateStore;
  readonly now: () => Date;
  readonly print: (line: string) => void;
  /** Who records (journal): default CLI:<user name>. */
  readonly by?: string;
  /** Reads the ECB series (default: the ECB Data Portal API at `url`, else ECB_API_URL). */
  readonly fetchSeries?: () => Promise<string>;
  readonly url?: string;
}

const USAGE = [
  'Usage : npm run taux-bce -- importer FICHIER.csv | relever | lister',
  '  importer FICHIER.csv  le CSV exporté du portail de données de la BCE (série FM.D.U2.EUR.4F.KR.MRR_FR.LEV)',
  '  relever               interroge l’API du portail de données de la BCE (ECB_API_URL pour une autre adresse)',
  '  lister                affiche la table des taux enregistrés',
].join('\n');

/** Runs one command; returns the exit code (0 done, 1 refused, 2 usage). */
export async function runTauxBce(argv: readonly string[], deps: TauxBceDeps): Promise<number> {
  const [command, arg] = argv;
  const service = new EcbRateService({ store: deps.store });
  const ecb = new EcbRateImport(service, deps.fetchSeries ?? ecbSeriesReader(deps.url));
  const by = deps.by ?? `CLI:${os.userInfo().username}`;
  try {
    switch (command) {
      case 'importer': {
        if (!arg) {
          deps.print(USAGE);
          return 2;
        }
        if (statSync(arg).size > ECB_CSV_MAX_BYTES) {
          deps.print(
            `Le fichier ${arg} dépasse ${ECB_CSV_MAX_BYTES / 1_000_000} Mo : ce n'est pas la série du taux de la BCE.`,
          );
          return 1;
        }
        const report = await ecb.importCsv(readFileSync(arg, 'utf8'), by, deps.now(), path.basename(arg));
        printReport(report, deps.print);
        return report.refuses.length > 0 ? 1 : 0;
      }
      case 'relever': {
        const report = await ecb.fetchFromEcb(by, deps.now(), deps.url ?? ecbApiUrl());
        printReport(report, deps.print);
        return report.refuses.length > 0 ? 1 : 0;
      }
      case 'lister': {
        const rates = await service.list();
        for (const r of rates) {
          deps.print(
            `${r.halfYearStart}  ${formatRate(r.rateBp).padStart(5)} %  ${ECB_RATE_SOURCE_LABELS[r.source]}` +
              `${r.effectiveSince ? `, en vigueur depuis le ${r.effectiveSince}` : ''} — ${r.recordedBy}, ${r.recordedAt}`,
          );
        }
        const missing = await service.missingCurrent(deps.now());
        deps.print(
          missing
            ? `ATTENTION : ${missing.message}`
            : `Semestre en cours : taux enregistré (${rates.length} semestres).`,
        );
        return 0;
      }
      default:
        deps.print(USAGE);
        return 2;
    }
  } catch (e) {
    if (isDomainError(e)) {
      deps.print(`Refusé (${e.code}) : ${e.message}`);
      return 1;
    }
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      deps.print(`Fichier introuvable : ${arg}`);
      return 1;
    }
    throw e;
  }
}

function printReport(report: RecordReport, print: (line: string) => void): void {
  for (const r of report.enregistres) {
    print(`Enregistré : ${halfYearLabel(r.semestre)} (${r.semestre}) ${formatRate(r.tauxPointsBase)} %`);
  }
  if (report.dejaConnus.length > 0) {
    print(`Déjà enregistrés à la même valeur : ${report.dejaConnus.map((r) => r.semestre).join(', ')}`);
  }
  for (const r of report.refuses) print(`Refusé (${r.code}) ${r.semestre} : ${r.message}`);
  if (report.enregistres.length === 0 && report.refuses.length === 0) print('Rien de nouveau : la table était à jour.');
  if (report.enregistres.length > 0) {
    // Each running process keeps the table ECB_RATE_CACHE_MS (EcbRateStore.recent): this one is another process
    print(
      `Les intérêts qui en dépendent s’affichent sans redémarrer, au plus tard ${ECB_RATE_CACHE_MS / 1000} s après (chaque processus garde la table une minute).`,
    );
  }
}

runOnTable(import.meta.url, (target) => {
  const deps: TauxBceDeps = {
    store: new EcbRateStore(target.doc, target.tableName),
    now: target.now,
    print: (line) => console.log(line),
    ...(process.env.TAUX_BCE_OPERATEUR ? { by: process.env.TAUX_BCE_OPERATEUR } : {}),
  };
  if (target.local) console.log(target.banner);
  return runTauxBce(process.argv.slice(2), deps);
});
