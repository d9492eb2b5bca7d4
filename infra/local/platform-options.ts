import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { ShiftableClock } from '../../shared/adapters/clock';
import type { DocumentClient } from '../../shared/adapters/dynamo/document-client';
import type { MailPort } from '../../shared/adapters/mail';
import type { FacturesTravauxStack } from '../stack';
import type { LocalModel } from './cdk-model';
import type { LocalNotifications } from './mail/notifications';
import type { PortalOptions } from './portal/static';
import type { LocalStepFunctions } from './sfn/engine';
import type { FiredTimer } from './timers';
import type { PlatformExtension } from './types';

/** What the embedded platform (infra/local/platform.ts) is started with and what it hands back. */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const LOCAL_REGION = 'eu-west-3';
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_TABLE_NAME = 'factures-travaux';
export const LOCAL_BUCKET_NAME = 'factures-travaux-documents';
/** s3rver's built-in key pair; the SDK signs with it, the POST front verifies with it. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface StartPlatformOptions {
  /** Gateway port (default: PORT, else 3000; 0: any free port). A taken port is an error. */
  readonly port?: number;
  /**
   * The instant the platform clock reads at start (ISO 8601 or a Date; default: real time, or the clock saved with
   * the data). Tests that use absolute dates start here, so they read the same dates whatever the machine's date.
   * Over saved data it may only move the saved clock forward.
   */
  readonly startAt?: Date | string;
  /** Keep nothing on disk (tests). Default false: data under `dataDir`. */
  readonly inMemory?: boolean;
  /** Where DynamoDB and S3 data live when not in memory (default `<repo>/.local/data`, git-ignored). */
  readonly dataDir?: string;
  /** Preferred ports of the internal services (default 0: any free port; a taken one falls back to a free one). */
  readonly servicePorts?: { readonly dynamodb?: number; readonly s3?: number; readonly stepfunctions?: number };
  /** Adds constructs to the stack before it is read (test state machines, functions, notifications, routes). */
  readonly extend?: (stack: FacturesTravauxStack) => PlatformExtension | undefined;
  /** Called as soon as the gateway listens (it answers 503 on /health until everything is up). */
  readonly onGatewayListening?: (url: string) => void;
  /** Progress messages on the console (default false). */
  readonly verbose?: boolean;
  /**
   * Runs once every part is up, before `/health` answers 200 and the gateway opens the API (e.g. `npm start` seeds
   * the demo data and resumes open dossiers here, so that a client waiting for /health finds them). A rejection
   * stops the platform and rejects `startPlatform`.
   */
  readonly beforeReady?: (platform: Platform) => Promise<void>;
  /** Serve the built portal at `/` (with SPA fallback) and its `/config.json`. */
  readonly portal?: PortalOptions;
  /**
   * Deliver notifications (issue 13): a local SMTP server on 127.0.0.1 receiving the e-mails (kept under
   * `<data>/mails` as .eml files, listed at `/_local/mails`), the outbox delivered within a second, reminders at their
   * instant on the platform clock, the digest every morning. `npm start` turns it on; off by default in tests.
   */
  readonly notifications?: boolean | LocalNotificationOptions;
}

export interface LocalNotificationOptions {
  /** Preferred SMTP port (default: any free port; a taken one falls back to a free one). */
  readonly smtpPort?: number;
  /** Real-time pause between two notification ticks (default 1000 ms; 0: only on timers and `tick()`). */
  readonly pollMs?: number;
  /** Wraps the SMTP mailer (fault injection). */
  readonly wrapMailer?: (mailer: MailPort) => MailPort;
}

export interface ClockAdvance {
  readonly days?: number;
  readonly hours?: number;
  readonly minutes?: number;
  readonly seconds?: number;
  readonly ms?: number;
}

/** SDK clients configured for the local endpoints. */
export interface LocalClients {
  readonly dynamodb: DynamoDBClient;
  readonly document: DocumentClient;
  readonly s3: S3Client;
  readonly sfn: SFNClient;
}

export interface Platform {
  /** Gateway base URL, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  readonly port: number;
  readonly endpoints: {
    readonly gateway: string;
    readonly dynamodb: string;
    readonly s3: string;
    readonly stepfunctions: string;
  };
  readonly region: string;
  readonly tableName: string;
  readonly bucketName: string;
  /** State machine name → ARN (product machines and extension ones). */
  readonly stateMachineArns: Readonly<Record<string, string>>;
  readonly inMemory: boolean;
  readonly dataDir?: string;
  /** PID of the DynamoDB Local JVM. */
  readonly dynamodbPid: number;
  /** The platform clock (also the clock of the services handlers use: shared/services/context.ts). */
  readonly clock: ShiftableClock;
  /** The local Step Functions (pending task tokens, executions, history). */
  readonly stepFunctions: LocalStepFunctions;
  /** SDK clients configured for the local endpoints. */
  readonly clients: LocalClients;
  readonly model: LocalModel;
  /** Notification delivery and the local SMTP server, when turned on (`notifications` option). */
  readonly notifications?: LocalNotifications;
  /** Moves the clock forward (never back), firing due timers at their instants; resolves once all has settled. */
  advanceClock(by: ClockAdvance | { readonly to: Date | string }): Promise<{ now: Date; fired: FiredTimer[] }>;
  /** Resolves when no handler invocation, S3 notification or timer firing is in flight. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** S3 client settings that work with s3rver: path-style addresses, checksums only where the API requires them. */
export function localS3ClientConfig(endpoint: string) {
  return {
    endpoint,
    region: LOCAL_REGION,
    forcePathStyle: true,
    credentials: { ...LOCAL_CREDENTIALS },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  } as const;
}
