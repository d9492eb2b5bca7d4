/**
 * `npm start`: the whole application on this machine (ARCHITECTURE.md "The embedded platform").
 *
 * Environment: PORT (gateway, default 3000), LOCAL_IN_MEMORY=1 (keep nothing), LOCAL_DATA_DIR (default .local/data),
 * LOCAL_JWT_SECRET (signing key of local sign-in tokens).
 */
import * as path from 'node:path';
import { type Platform, PlatformError, ROOT, startPlatform } from './platform';

function banner(p: Platform, seconds: number): string {
  const now = p.clock.now();
  const machines = Object.keys(p.stateMachineArns);
  const lines = [
    '',
    `Factures de travaux : plateforme locale prête en ${seconds.toFixed(1)} s`,
    '',
    `  API (passerelle HTTP)   http://localhost:${p.port}`,
    '                          GET /health · POST /_local/login {"loginAddress"} · GET|POST /_local/clock {"advanceDays"}',
    `  DynamoDB Local          ${p.endpoints.dynamodb}   table ${p.tableName}   (JVM pid ${p.dynamodbPid})`,
    `  S3 (s3rver + contrôle)  ${p.endpoints.s3}   bucket ${p.bucketName}`,
    `  Step Functions          ${p.endpoints.stepfunctions}   ${machines.length ? machines.join(', ') : 'aucune machine à états'}`,
    `  Données                 ${p.dataDir ? `${path.relative(ROOT, p.dataDir) || '.'}/ (dynamodb/, s3/)` : 'en mémoire (rien n’est gardé)'}`,
    `  Horloge                 ${now.toISOString()} (avancez-la : POST /_local/clock)`,
    '',
    '  Outils AWS : AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_SFN = les adresses ci-dessus,',
    '  AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=eu-west-3.',
    '',
    'Ctrl-C pour arrêter.',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const t0 = Date.now();
  let platform: Platform | undefined;
  let stopping: Promise<void> | undefined;
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

  try {
    platform = await startPlatform({
      port: process.env.PORT ? Number(process.env.PORT) : 3000,
      inMemory: process.env.LOCAL_IN_MEMORY === '1',
      dataDir: process.env.LOCAL_DATA_DIR,
      servicePorts: { dynamodb: 8000, s3: 4569, stepfunctions: 8083 },
      verbose: true,
    });
  } catch (error) {
    console.error(error instanceof PlatformError ? `\n${error.message}\n` : error);
    process.exit(1);
  }
  console.log(banner(platform, (Date.now() - t0) / 1000));
}

void main();
