import type { Clock } from '../adapters/clock';
import type { AccessReads } from '../adapters/dynamo/access-reads';
import type { AwaitedUploads } from '../adapters/dynamo/awaited-uploads';
import type { DirectoryStore } from '../adapters/dynamo/directory-store';
import type { DossierListStore } from '../adapters/dynamo/dossier-list-store';
import type { DossierSearchStore } from '../adapters/dynamo/dossier-search-store';
import type { DossierStore } from '../adapters/dynamo/dossier-store';
import type { EcbRateStore } from '../adapters/dynamo/ecb-rate-store';
import type { IdentityStore } from '../adapters/dynamo/identity-store';
import type { MachineClientStore } from '../adapters/dynamo/machine-client-store';
import type { MarcheStore } from '../adapters/dynamo/marche-store';
import type { InboxStore } from '../adapters/dynamo/notifications/inbox-store';
import type { OutboxStore } from '../adapters/dynamo/notifications/outbox-store';
import type { OpenDossierIndex } from '../adapters/dynamo/open-dossiers';
import type { OperatorStore } from '../adapters/dynamo/operator-store';
import type { PieceStore } from '../adapters/dynamo/piece-store';
import type { IdempotencyStore } from '../adapters/idempotency-records';
import type { DossierService } from './dossier-service';
import type { DossierWorkflow } from './dossier-workflow';
import type { EcbRateService } from './ecb-rate-service';
import type { IdentityService } from './identity-service';
import {
  contextOverrides,
  type Infrastructure,
  infrastructureFromEnv,
  installDocumentObjects,
  processScope,
  type Scope,
  scopeOn,
} from './infrastructure';
import type { MarcheService } from './marche-service';
import type { NotificationService } from './notifications/notification-service';
import { s3DocumentObjects } from './pieces/storage';
import type { StructureAdministration } from './structure-admin';
import type { TechnicalClientService } from './technical-client';
import * as wiring from './wiring';

export {
  contextOverrides,
  type Infrastructure,
  infrastructureFromEnv,
  installDocumentObjects,
  installWorkflow,
  overrideContext,
  type Scope,
} from './infrastructure';

/**
 * Every store and service of a scope at once, for the embedded platform, the tests, the benchmarks and the scripts:
 * `serviceContext()` is this process's (the embedded platform and the tests override what differs with
 * `overrideContext({ clock })` instead of setting process-wide globals), `contextWith(parts)` one of its own.
 *
 * Each property is the wiring function of `wiring.ts` on this scope, so a service read here is the one the handlers
 * use. Lambda functions do not import this view: it names every service, so their bundles would carry them all.
 */
// Whoever sees every service touches stored objects too (the platform, tests, scripts): through the S3 client
installDocumentObjects(s3DocumentObjects);

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

export interface ServiceContext extends Scope {
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

/** Every store and service on a new scope on `infra` (each built on first use). */
export function createContext(infra: Infrastructure): ServiceContext {
  return contextOf(scopeOn(infra));
}

const views = new WeakMap<Scope, ServiceContext>();

/** The view of `scope`'s services. */
function contextOf(s: Scope): ServiceContext {
  const known = views.get(s);
  if (known) return known;
  const stores: Stores = {
    get access() {
      return wiring.accessReads(s);
    },
    get dossiers() {
      return wiring.dossierStore(s);
    },
    get dossierSearch() {
      return wiring.dossierSearchStore(s);
    },
    get marches() {
      return wiring.marcheStore(s);
    },
    get identity() {
      return wiring.identityStore(s);
    },
    get directory() {
      return wiring.directoryStore(s);
    },
    get pieces() {
      return wiring.pieceStore(s);
    },
    get awaitedUploads() {
      return wiring.awaitedUploads(s);
    },
    get dossierLists() {
      return wiring.dossierListStore(s);
    },
    get openDossiers() {
      return wiring.openDossierIndex(s);
    },
    get idempotency() {
      return wiring.idempotencyStore(s);
    },
    get outbox() {
      return wiring.outboxStore(s);
    },
    get inbox() {
      return wiring.inboxStore(s);
    },
    get ecbRates() {
      return wiring.ecbRateStore(s);
    },
    get operators() {
      return wiring.operatorStore(s);
    },
    get machineClients() {
      return wiring.machineClientStore(s);
    },
  };
  const ctx: ServiceContext = {
    infra: s.infra,
    components: s.components,
    clock: s.infra.clock,
    stores,
    get dossiers() {
      return wiring.dossierService(s);
    },
    get dossierWorkflow() {
      return wiring.dossierWorkflow(s);
    },
    get identity() {
      return wiring.identityService(s);
    },
    get structureAdmin() {
      return wiring.structureAdministration(s);
    },
    get marches() {
      return wiring.marcheService(s);
    },
    get notifications() {
      return wiring.notificationService(s);
    },
    get ecbRates() {
      return wiring.ecbRateService(s);
    },
    get technicalClients() {
      return wiring.technicalClientService(s);
    },
  };
  views.set(s, ctx);
  return ctx;
}

/** The services of this process (the scope the handlers use). */
export function serviceContext(): ServiceContext {
  return contextOf(processScope());
}

/** A context of its own on this process's infrastructure, with `parts` in place (tests, benchmarks, scripts). */
export function contextWith(parts: Partial<Infrastructure>): ServiceContext {
  return createContext(infrastructureFromEnv({ ...contextOverrides(), ...parts }));
}
