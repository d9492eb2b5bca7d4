/**
 * The table an operator's command works on: the one named by TABLE_NAME with the usual AWS environment
 * (credentials, AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB), or without TABLE_NAME the embedded platform of `npm start`
 * (DynamoDB Local on 127.0.0.1:8000, and its clock, moved forward or not, read from LOCAL_DATA_DIR or .local/data).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DocumentClient } from '../shared/adapters/dynamo/document-client';
import { parisDateOf } from '../shared/domain/calendar';

export interface TableTarget {
  readonly local: boolean;
  readonly doc: DocumentClient;
  readonly tableName: string;
  /** The platform's "now": real time on AWS, the local platform's clock otherwise. */
  readonly now: () => Date;
  /** How to say where the command works (first line printed). */
  readonly banner: string;
  close(): void;
}

export function tableTarget(): TableTarget {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const local = !process.env.TABLE_NAME;
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB ?? 'http://127.0.0.1:8000';
  const client = new DynamoDBClient(
    local ? { endpoint, region: 'eu-west-3', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } } : {},
  );
  const tableName = process.env.TABLE_NAME ?? 'factures-travaux';
  const now = local ? localNow() : () => new Date();
  return {
    local,
    // The functions' client; the SDK's client lends it its region and credentials (profiles, SSO) on AWS
    doc: new DocumentClient({
      region: () => client.config.region(),
      credentials: () => client.config.credentials(),
      ...(local || process.env.AWS_ENDPOINT_URL_DYNAMODB ? { endpoint } : {}),
    }),
    tableName,
    now,
    banner: local
      ? `Plateforme locale (DynamoDB Local ${endpoint}), horloge ${parisDateOf(now())}.`
      : `Table ${tableName}.`,
    close: () => client.destroy(),
  };
}

/** Says what went wrong when the target does not answer; true if it was that. */
export function explainUnreachable(target: TableTarget, e: unknown): boolean {
  const text = `${(e as { name?: string }).name ?? ''} ${(e as Error)?.message ?? ''}`;
  if (target.local && /ECONNREFUSED|fetch failed|TimeoutError/.test(text)) {
    console.error(
      'La plateforme locale ne répond pas : lancez « npm start » (ou indiquez TABLE_NAME pour une table AWS).',
    );
    return true;
  }
  return false;
}

/**
 * The command line of an operator's script: when `moduleUrl` is the file node was started with (not when a test
 * imports it), runs `run` on the table target and exits with its code; a target that does not answer is explained
 * in French, any other error printed (exit 1); the client is closed in every case.
 */
export function runOnTable(moduleUrl: string, run: (target: TableTarget) => Promise<number>): void {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== path.resolve(new URL(moduleUrl).pathname)) return;
  const target = tableTarget();
  void run(target)
    .then(
      (code) => {
        process.exitCode = code;
      },
      (e: unknown) => {
        if (!explainUnreachable(target, e)) console.error(e);
        process.exitCode = 1;
      },
    )
    .finally(() => target.close());
}

/** The platform clock of `npm start` (real time + the saved offset), so that "today" is the platform's. */
function localNow(): () => Date {
  const dir = path.resolve(process.env.LOCAL_DATA_DIR ?? path.join(process.cwd(), '.local', 'data'));
  let offset = 0;
  try {
    offset = Number(
      (JSON.parse(readFileSync(path.join(dir, 'clock.json'), 'utf8')) as { offsetMs?: number }).offsetMs ?? 0,
    );
  } catch {
    offset = 0;
  }
  return () => new Date(Date.now() + (Number.isFinite(offset) ? offset : 0));
}
