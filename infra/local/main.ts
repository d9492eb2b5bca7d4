/**
 * `npm start`: the whole application on this machine (README.md "What `npm start` runs").
 *
 * Environment: PORT (gateway, default 3000), LOCAL_IN_MEMORY=1 (keep nothing), LOCAL_DATA_DIR (default .local/data),
 * LOCAL_JWT_SECRET (signing key of local sign-in tokens), LOCAL_SEED=0 (no demo data), LOCAL_MAIL=0 (no SMTP server,
 * no delivery of notifications), MAIL_FROM (sender of the e-mails, which go to the local SMTP server).
 *
 * Before the API opens (/health 503 until then): the demo marché is seeded (idempotent) and every open dossier whose
 * Step Functions execution was lost with the previous run (executions live in memory) is given a new one.
 */
import * as path from 'node:path';
import { IndexMaintenance } from '../../shared/adapters/dynamo/index-maintenance';
import { demoAccounts, seedOnBoot } from '../../shared/seed/boot';
import { serviceContext } from '../../shared/services/context';
import { type ResumeReport, resumeOpenDossiers } from '../../shared/services/resume';
import { CLOCK_FILE } from './clock-store';
import { type Platform, PlatformError, ROOT, startPlatform } from './platform';

// The SDK's notice that releases after January 2027 need Node 22: the versions here are pinned (package.json) and
// run on Node ≥ 20.19; eight lines of it at every boot would bury the banner.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Per-dossier resume lines are printed up to this many; beyond, the summary alone. */
const RESUME_DETAIL_MAX = 10;

function banner(p: Platform, seconds: number): string {
  const now = p.clock.now();
  const machines = Object.keys(p.stateMachineArns);
  const lines = [
    '',
    `Factures de travaux : plateforme locale prête en ${seconds.toFixed(1)} s`,
    '',
    `  Portail                 http://localhost:${p.port}/`,
    `  API (passerelle HTTP)   http://localhost:${p.port}/v1`,
    '                          GET /health · POST /_local/login {"loginAddress"} · GET|POST /_local/clock {"advanceDays"}',
    `  DynamoDB Local          ${p.endpoints.dynamodb}   table ${p.tableName}   (JVM pid ${p.dynamodbPid})`,
    `  S3 (s3rver + contrôle)  ${p.endpoints.s3}   bucket ${p.bucketName}`,
    `  Step Functions          ${p.endpoints.stepfunctions}   ${machines.length ? machines.join(', ') : 'aucune machine à états'}`,
    ...mailLines(p),
    `  Données                 ${p.dataDir ? `${path.relative(ROOT, p.dataDir) || '.'}/ (dynamodb/, s3/, mails/)` : 'en mémoire (rien n’est gardé)'}`,
    `  Horloge                 ${now.toISOString()}${clockNote(p)} (avancez-la : POST /_local/clock)`,
    '',
    '  Outils AWS : AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_SFN = les adresses ci-dessus,',
    '  AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=eu-west-3.',
  ];
  return lines.join('\n');
}

/** Where the e-mails the platform sends can be read. */
function mailLines(p: Platform): string[] {
  const mail = p.notifications;
  if (!mail) return [];
  const folder = mail.smtp.directory ? path.relative(ROOT, mail.smtp.directory) : 'en mémoire';
  return [
    `  Courriels (SMTP)        ${mail.smtp.url}   reçus dans ${folder}/ (.eml)`,
    `                          à lire sur http://localhost:${p.port}/_local/mails`,
  ];
}

function clockNote(p: Platform): string {
  const days = Math.abs(p.clock.offset) / 86_400_000;
  if (p.clock.offset === 0) return p.dataDir ? ' = heure réelle' : ' = heure réelle (rien n’est gardé)';
  const kept = p.dataDir ? `, gardée dans ${path.relative(ROOT, path.join(p.dataDir, CLOCK_FILE))}` : '';
  return ` = heure réelle ${p.clock.offset < 0 ? '−' : '+'} ${days.toFixed(days < 10 ? 2 : 1)} j${kept}`;
}

function resumeSummary(report: ResumeReport, messages: readonly string[]): string {
  const { resumed, running, failed } = report;
  const total = resumed.length + running.length + failed.length;
  if (total === 0) return 'Dossiers ouverts : aucun à reprendre.';
  const lines = [
    `Dossiers ouverts : ${total} — ${resumed.length} repris sur une nouvelle exécution, ${running.length} déjà en cours, ${failed.length} en échec.`,
    `  ${report.seen} parcourus en ${report.pages} page(s) de l'index ; l'index en compte ${report.indexCount ?? '?'}${report.indexCount === report.seen ? ' : aucun oublié' : ''}.`,
  ];
  // Failures always in full; the resumed ones while the list stays short.
  const shown = messages.length <= RESUME_DETAIL_MAX ? messages : messages.filter((m) => m.includes('non repris'));
  lines.push(...shown.map((m) => `  ${m}`));
  return lines.join('\n');
}

async function main(): Promise<void> {
  const t0 = Date.now();
  let platform: Platform | undefined;
  let stopping: Promise<void> | undefined;
  /** Printed after the banner: what the seed and the resume did. */
  const after: string[] = [];
  const shutdown = (code: number) => {
    if (stopping) {
      // Second Ctrl-C: leave at once (the JVM watchdog still stops DynamoDB Local).
      process.exit(code);
    }
    console.log('\nArrêt de la plateforme locale…');
    stopping = (platform?.stop() ?? Promise.resolve()).finally(() => process.exit(code));
  };
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));
  process.on('uncaughtException', (error) => {
    console.error('Erreur non rattrapée :', error);
    shutdown(1);
  });
  process.on('unhandledRejection', (reason) => {
    console.error('Promesse rejetée sans traitement :', reason);
  });

  // The portal is rebuilt in the background when its sources (or the API it is typed from) changed since the last
  // build: the API opens at once, the portal's pages say « en cours de construction » until it is done.
  const servePortal = process.env.LOCAL_PORTAL !== '0';
  // Imported only when served: the freshness check reads the OpenAPI document (every handler's schema).
  const portalBuild = servePortal ? await import('./portal/build') : undefined;
  let portalReady = portalBuild?.portalIsFresh() ?? false;
  if (servePortal && !portalReady)
    console.log('Portail : les sources ont changé, construction de web/dist en arrière-plan…');
  const building =
    portalBuild && !portalReady
      ? portalBuild.buildPortalInChild().then(
          (r) => {
            portalReady = true;
            console.log(`\nPortail construit en ${r.seconds.toFixed(1)} s : http://localhost:${platform?.port ?? ''}/`);
          },
          (error: unknown) =>
            console.error('Portail : la construction a échoué (npm run build:web pour le détail).', error),
        )
      : Promise.resolve();

  try {
    platform = await startPlatform({
      port: process.env.PORT ? Number(process.env.PORT) : 3000,
      inMemory: process.env.LOCAL_IN_MEMORY === '1',
      dataDir: process.env.LOCAL_DATA_DIR,
      // e.g. LOCAL_START_AT=2027-03-01T10:00:00+01:00 (over kept data: forward only)
      ...(process.env.LOCAL_START_AT ? { startAt: process.env.LOCAL_START_AT } : {}),
      servicePorts: { dynamodb: 8000, s3: 4569, stepfunctions: 8083 },
      verbose: true,
      notifications: process.env.LOCAL_MAIL === '0' ? false : { smtpPort: 1025 },
      ...(portalBuild
        ? {
            portal: {
              ready: () => portalReady,
              dir: portalBuild.DIST_DIR,
              config: { auth: { mode: 'local', comptesDemo: process.env.LOCAL_SEED === '0' ? [] : demoAccounts() } },
            },
          }
        : {}),
      beforeReady: async (p) => {
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
          after.push(
            `Compteurs des structures : ${upgraded.drifts.length} compteur(s) recalculé(s) (npm run compteurs).`,
          );
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
          after.push(
            `Dossiers ouverts : reprise impossible (${error instanceof Error ? error.message : String(error)}).`,
          );
        }
      },
    });
  } catch (error) {
    console.error(error instanceof PlatformError ? `\n${error.message}\n` : error);
    process.exit(1);
  }
  console.log(banner(platform, (Date.now() - t0) / 1000));
  for (const text of after) console.log(`\n${text}`);
  console.log('\nCtrl-C pour arrêter.');
  await building;
}

void main();
