import { type Clock, systemClock } from '../adapters/clock';
import type { DocumentObjects } from '../adapters/document-bucket';
import { type DocumentClient, dynamoClient, tableName } from '../adapters/dynamo/client';
import { currentLogger } from '../adapters/logger';
import type { MachineClients } from '../adapters/machine-clients';
import type { MailPort, MailQueue } from '../adapters/mail';
import { bucketName, type StorageClient, uploadPrefix } from '../adapters/s3';
import type { WorkflowPort } from '../adapters/workflow';
import type { EcbRateTable } from '../domain/dgp';

/**
 * What the services are built on: the clients, names and ports of this process (AWS, the embedded platform, a
 * test), and the scope that holds the services built on them. The services themselves are wired in `wiring.ts`.
 *
 * Nothing is built when a module loads: the embedded platform imports the handlers before it sets the table name and
 * the endpoints. The process scope built from the environment is rebuilt when those change (a new platform in the
 * same process).
 */
export interface Infrastructure {
  readonly dynamo: DocumentClient;
  readonly tableName: string;
  /** The S3 client put in place (embedded platform, tests); else the environment's, built where files are touched. */
  readonly s3?: StorageClient;
  readonly bucketName: string;
  readonly uploadPrefix: string;
  readonly clock: Clock;
  readonly workflow: WorkflowPort;
  /** Where a failed notification of a dossier's execution is reported (the execution is rebuilt by resume). */
  readonly onWorkflowError: (e: unknown, context: string) => void;
  /** A fixed ECB rate table in place of the one held in the table (tests); default: the table's. */
  readonly ecbRates?: EcbRateTable;
  /** Reads the ECB's MRO series for the scheduled fetch (default: the ECB Data Portal API at ECB_API_URL). */
  readonly ecbSeries?: () => Promise<string>;
  /** Where e-mails wait to be sent (default: SQS at MAIL_QUEUE_URL, else sent at once by this process). */
  readonly mailQueue?: MailQueue;
  /** How e-mails leave (default: MAIL_SMTP_URL, else SES). */
  readonly mailer?: MailPort;
  /** The portal's address, for links in e-mails (default: PORTAL_URL). */
  readonly portalUrl?: string;
  /** Told of each reminder armed (the embedded platform sets a timer on its clock). */
  readonly onReminderArmed?: (dueAt: Date) => void;
  /**
   * The technical accounts' machine clients put in place (the embedded platform's); else the function that
   * manages them builds the Cognito user pool's from its environment (so no other bundle carries that client).
   */
  readonly machineClients?: MachineClients;
}

/** An infrastructure and the services built on it, each once (`wiring.ts`). */
export interface Scope {
  readonly infra: Infrastructure;
  /** The services built so far, by the wiring function that built them. */
  readonly components: Map<unknown, unknown>;
}

/** A new scope on `infra`: every service is built again, on first use. */
export function scopeOn(infra: Infrastructure): Scope {
  return { infra, components: new Map() };
}

/** The service `key` of `scope`, built by `build` on first use. */
export function component<T>(scope: Scope, key: unknown, build: (infra: Infrastructure) => T): T {
  if (scope.components.has(key)) return scope.components.get(key) as T;
  const value = build(scope.infra);
  scope.components.set(key, value);
  return value;
}

/**
 * The infrastructure of this process, from its environment (AWS, or the embedded platform's endpoints), with the
 * given parts in place of the environment's. Read on use: building it asks nothing of the environment yet.
 */
export function infrastructureFromEnv(parts: Partial<Infrastructure> = {}): Infrastructure {
  return {
    get dynamo() {
      return parts.dynamo ?? dynamoClient();
    },
    get tableName() {
      return parts.tableName ?? tableName();
    },
    s3: parts.s3,
    get bucketName() {
      return parts.bucketName ?? bucketName();
    },
    get uploadPrefix() {
      return parts.uploadPrefix ?? uploadPrefix();
    },
    clock: parts.clock ?? systemClock,
    workflow: parts.workflow ?? installedWorkflow,
    onWorkflowError:
      parts.onWorkflowError ??
      ((e, context) =>
        currentLogger().warn('circuit non notifié ; la reprise le reconstruira depuis la table', {
          context,
          error: String(e),
        })),
    ecbRates: parts.ecbRates,
    ecbSeries: parts.ecbSeries,
    mailQueue: parts.mailQueue,
    mailer: parts.mailer,
    portalUrl: parts.portalUrl,
    onReminderArmed: parts.onReminderArmed,
    machineClients: parts.machineClients,
  };
}

/**
 * A function that starts or releases no execution has no workflow port: its bundle then leaves out the Step
 * Functions client. Those that do (their `stateMachines` access in functions/registry.ts) install the Step Functions
 * port when their module loads (`installWorkflow(stepFunctionsWorkflow)`), as the embedded platform does.
 */
const noWorkflow: WorkflowPort = {
  start: () => Promise.reject(new Error('this function starts no execution: installWorkflow() was not called')),
  release: () => Promise.reject(new Error('this function releases no execution: installWorkflow() was not called')),
};
let installedWorkflow: WorkflowPort = noWorkflow;

/** The workflow port of every scope built from now on, unless overridden (see `noWorkflow`). */
export function installWorkflow(port: WorkflowPort): void {
  installedWorkflow = port;
  current = undefined;
}

/**
 * The stored objects of the documents bucket (head, read, hide), for the functions that touch them: they install
 * the S3 ones when their module loads (`installDocumentObjects(s3DocumentObjects)`, shared/services/pieces/storage.ts),
 * as the embedded platform and `context.ts` do. A function that only hands out links and upload forms signs them
 * without the S3 client and installs nothing: its bundle leaves the client out.
 */
export type DocumentObjectsOf = (infra: Infrastructure) => DocumentObjects;

let installedObjects: DocumentObjectsOf = () => {
  throw new Error('this function touches no stored object: installDocumentObjects() was not called');
};

export function installDocumentObjects(objects: DocumentObjectsOf): void {
  installedObjects = objects;
}

/** The stored objects of `infra`'s bucket, through what the process installed. */
export function documentObjectsOf(infra: Infrastructure): DocumentObjects {
  return installedObjects(infra);
}

let overrides: Partial<Infrastructure> | undefined;
let current: { readonly key: string; readonly scope: Scope } | undefined;

/** The scope of this process: its infrastructure and the services built on it. */
export function processScope(): Scope {
  const key = environmentKey();
  if (!current || current.key !== key) {
    current = { key, scope: scopeOn(infrastructureFromEnv(overrides)) };
  }
  return current.scope;
}

/** What the embedded platform or a test has put in place of the environment's infrastructure. */
export function contextOverrides(): Partial<Infrastructure> {
  return { ...overrides };
}

/**
 * Replaces parts of the infrastructure for every service built from now on (the embedded platform's clock, a
 * test's fake workflow); `undefined` goes back to the environment's.
 */
export function overrideContext(parts: Partial<Infrastructure> | undefined): void {
  overrides = parts;
  current = undefined;
}

/** What the scope built from the environment depends on. */
function environmentKey(): string {
  const env = process.env;
  return [
    env.TABLE_NAME,
    env.BUCKET_NAME,
    env.UPLOAD_PREFIX,
    env.AWS_ENDPOINT_URL_DYNAMODB,
    env.AWS_ENDPOINT_URL_S3,
    env.AWS_ENDPOINT_URL_SFN,
  ].join('|');
}
