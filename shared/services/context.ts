import { type Clock, systemClock } from '../adapters/clock';
import { AccessReads } from '../adapters/dynamo/access-reads';
import { AwaitedUploads } from '../adapters/dynamo/awaited-uploads';
import { type DocumentClient, dynamoClient, tableName } from '../adapters/dynamo/client';
import { DirectoryStore } from '../adapters/dynamo/directory-store';
import { DossierListStore } from '../adapters/dynamo/dossier-list-store';
import { DossierSearchStore } from '../adapters/dynamo/dossier-search-store';
import { DossierStore } from '../adapters/dynamo/dossier-store';
import { EcbRateStore } from '../adapters/dynamo/ecb-rate-store';
import { IdentityStore } from '../adapters/dynamo/identity-store';
import { MachineClientStore } from '../adapters/dynamo/machine-client-store';
import { MarcheStore } from '../adapters/dynamo/marche-store';
import { InboxStore } from '../adapters/dynamo/notifications/inbox-store';
import { OutboxStore } from '../adapters/dynamo/notifications/outbox-store';
import { OpenDossierIndex } from '../adapters/dynamo/open-dossiers';
import { OperatorStore } from '../adapters/dynamo/operator-store';
import { PieceStore } from '../adapters/dynamo/piece-store';
import type { IdempotencyStore } from '../adapters/idempotency-records';
import { DynamoIdempotencyStore } from '../adapters/idempotency-store';
import { currentLogger } from '../adapters/logger';
import type { MachineClients } from '../adapters/machine-clients';
import type { MailPort, MailQueue } from '../adapters/mail';
import { bucketName, type StorageClient, uploadPrefix } from '../adapters/s3';
import type { WorkflowPort } from '../adapters/workflow';
import type { EcbRateTable } from '../domain/dgp';
import { DossierService } from './dossier-service';
import { DossierWorkflow } from './dossier-workflow';
import { EcbRateService } from './ecb-rate-service';
import { IdentityService } from './identity-service';
import { MarcheService } from './marche-service';
import { DossierNotifications } from './notifications/dossier-notifications';
import { NotificationService } from './notifications/notification-service';
import { StructureAdministration } from './structure-admin';
import { TechnicalClientService } from './technical-client';

/**
 * The composition root: the one place that builds the stores and services, each with all its dependencies. Handlers,
 * workflow tasks and the object-created handler take their services from `serviceContext()`; the embedded platform
 * and the tests override what differs (`overrideContext({ clock })`) instead of setting process-wide globals.
 *
 * Built lazily and never when a module loads: the embedded platform imports the handlers before it sets the table
 * name and the endpoints. The context built from the environment is rebuilt when those change (a new platform in
 * the same process).
 */
export interface Infrastructure {
  readonly dynamo: DocumentClient;
  readonly tableName: string;
  /** The S3 client put in place (embedded platform, tests); else the environment's, built where files are touched (services/pieces/context.ts). */
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

export interface Stores {
  /** The marché and a caller's access items in one read (decisions and reads naming their structure). */
  readonly access: AccessReads;
  readonly dossiers: DossierStore;
  /** « Rechercher »: a structure's dossiers from the indexes. */
  readonly dossierSearch: DossierSearchStore;
  readonly marches: MarcheStore;
  readonly identity: IdentityStore;
  readonly directory: DirectoryStore;
  readonly pieces: PieceStore;
  /** Upload forms awaiting their file, by expiry (the sweeper of lost S3 events). */
  readonly awaitedUploads: AwaitedUploads;
  readonly dossierLists: DossierListStore;
  /** Open dossiers and timers due, walked page by page (resume). */
  readonly openDossiers: OpenDossierIndex;
  readonly idempotency: IdempotencyStore;
  /** Notifications: the outbox and reminders, and the users' notifications. */
  readonly outbox: OutboxStore;
  readonly inbox: InboxStore;
  readonly ecbRates: EcbRateStore;
  readonly operators: OperatorStore;
  /** Technical accounts' machine-to-machine clients → their accounts. */
  readonly machineClients: MachineClientStore;
}

export interface ServiceContext {
  readonly infra: Infrastructure;
  readonly clock: Clock;
  readonly stores: Stores;
  readonly dossiers: DossierService;
  readonly dossierWorkflow: DossierWorkflow;
  readonly identity: IdentityService;
  /** The structure's card, services and members with their accounts (Activités du gestionnaire). */
  readonly structureAdmin: StructureAdministration;
  readonly marches: MarcheService;
  readonly notifications: NotificationService;
  readonly ecbRates: EcbRateService;
  /** The technical accounts' machine-to-machine clients: renewal by the GP, token issuance checks. */
  readonly technicalClients: TechnicalClientService;
}

/** Builds every store and service on `infra` (each on first use). */
export function createContext(infra: Infrastructure): ServiceContext {
  const stores = lazyObject<Stores>({
    access: () => new AccessReads(infra.dynamo, infra.tableName),
    dossiers: () => new DossierStore(infra.dynamo, infra.tableName),
    dossierSearch: () => new DossierSearchStore(infra.dynamo, infra.tableName),
    marches: () => new MarcheStore(infra.dynamo, infra.tableName),
    identity: () => new IdentityStore(infra.dynamo, infra.tableName),
    directory: () => new DirectoryStore(infra.dynamo, infra.tableName),
    pieces: () => new PieceStore(infra.dynamo, infra.tableName),
    awaitedUploads: () => new AwaitedUploads(infra.dynamo, infra.tableName),
    dossierLists: () => new DossierListStore(infra.dynamo, infra.tableName),
    openDossiers: () => new OpenDossierIndex(infra.dynamo, infra.tableName),
    idempotency: () =>
      new DynamoIdempotencyStore(
        () => infra.dynamo,
        () => infra.tableName,
      ),
    outbox: () => new OutboxStore(infra.dynamo, infra.tableName),
    inbox: () => new InboxStore(infra.dynamo, infra.tableName),
    ecbRates: () => new EcbRateStore(infra.dynamo, infra.tableName),
    operators: () => new OperatorStore(infra.dynamo, infra.tableName),
    machineClients: () => new MachineClientStore(infra.dynamo, infra.tableName),
  });
  const ctx: ServiceContext = lazyObject<ServiceContext>({
    infra: () => infra,
    clock: () => infra.clock,
    stores: () => stores,
    dossiers: () =>
      new DossierService({
        store: stores.dossiers,
        loadMarche: async (id) => (await stores.marches.get(id))?.marche,
        loadMarcheWithAccess: async (marcheId, userId, siret) => {
          const read = await stores.access.marcheWithAccess(marcheId, userId, siret);
          return { marche: read.marche?.marche, access: read.access };
        },
        clock: infra.clock,
        workflow: infra.workflow,
        identityStore: stores.identity,
        onWorkflowError: infra.onWorkflowError,
        ...(infra.ecbRates ? { ecbRates: infra.ecbRates } : { loadEcbRates: () => ctx.ecbRates.table() }),
        notifications: new DossierNotifications({ outbox: stores.outbox, onReminderArmed: infra.onReminderArmed }),
      }),
    dossierWorkflow: () => new DossierWorkflow({ dossiers: ctx.dossiers, store: stores.dossiers, clock: infra.clock }),
    identity: () => new IdentityService(stores.identity, stores.outbox),
    structureAdmin: () => new StructureAdministration(stores.identity),
    marches: () => new MarcheService(stores.marches, stores.identity),
    notifications: () => new NotificationService({ inbox: stores.inbox, clock: infra.clock }),
    ecbRates: () => new EcbRateService({ store: stores.ecbRates }),
    technicalClients: () =>
      new TechnicalClientService({
        identity: stores.identity,
        clients: stores.machineClients,
        provider: infra.machineClients,
        outbox: stores.outbox,
      }),
  });
  return ctx;
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

/** The workflow port of every context built from now on, unless overridden (see `noWorkflow`). */
export function installWorkflow(port: WorkflowPort): void {
  installedWorkflow = port;
  current = undefined;
}

let overrides: Partial<Infrastructure> | undefined;
let current: { readonly key: string; readonly ctx: ServiceContext } | undefined;

/** The services of this process. */
export function serviceContext(): ServiceContext {
  const key = environmentKey();
  if (!current || current.key !== key) {
    current = { key, ctx: createContext(infrastructureFromEnv(overrides)) };
  }
  return current.ctx;
}

/** A context of its own on this process's infrastructure, with `parts` in place (tests, benchmarks, scripts). */
export function contextWith(parts: Partial<Infrastructure>): ServiceContext {
  return createContext(infrastructureFromEnv({ ...overrides, ...parts }));
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

/** What the context built from the environment depends on. */
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

/** An object whose properties are built on first read, once. */
function lazyObject<T extends object>(factories: { readonly [K in keyof T]: () => T[K] }): T {
  const out = {} as T;
  for (const name of Object.keys(factories) as (keyof T)[]) {
    let built = false;
    let value: T[typeof name];
    Object.defineProperty(out, name, {
      enumerable: true,
      get() {
        if (!built) {
          value = factories[name]();
          built = true;
        }
        return value;
      },
    });
  }
  return out;
}
