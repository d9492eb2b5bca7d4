import * as path from 'node:path';
import type { ResumeReport } from '../../shared/services/resume';
import { CLOCK_FILE } from './clock-store';
import { type Platform, ROOT } from './platform';

/** What `npm start` prints once the platform is up: where each part listens, the clock, what the resume did. */

/** Per-dossier resume lines are printed up to this many; beyond, the summary alone. */
const RESUME_DETAIL_MAX = 10;

export function banner(p: Platform, seconds: number): string {
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

export function resumeSummary(report: ResumeReport, messages: readonly string[]): string {
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
