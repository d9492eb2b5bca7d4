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
import { demoAccounts } from '../../shared/seed/boot';
import { banner } from './banner';
import { seedAndResume } from './boot-data';
import { type Platform, PlatformError, startPlatform } from './platform';

// The SDK's notice that releases after January 2027 need Node 22: the versions here are pinned (package.json) and
// run on Node ≥ 20.19; eight lines of it at every boot would bury the banner.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

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
        after.push(...(await seedAndResume(p)));
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
