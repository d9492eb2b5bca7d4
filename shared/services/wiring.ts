import { AccessReads } from '../adapters/dynamo/access-reads';
import { AwaitedUploads } from '../adapters/dynamo/awaited-uploads';
import { DirectoryStore } from '../adapters/dynamo/directory-store';
import { DossierListStore } from '../adapters/dynamo/dossier-list-store';
import { DossierPartitionReader } from '../adapters/dynamo/dossier-partition';
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
import { PortalStore } from '../adapters/dynamo/portal-store';
import type { IdempotencyStore } from '../adapters/idempotency-records';
import { DynamoIdempotencyStore } from '../adapters/idempotency-store';
import { DossierReads } from './dossier-reads';
import { DossierService } from './dossier-service';
import { DossierWorkflow } from './dossier-workflow';
import { EcbRateService } from './ecb-rate-service';
import { IdentityService } from './identity-service';
import { component, type Infrastructure, processScope, type Scope } from './infrastructure';
import { MarcheService } from './marche-service';
import { DossierNotifications } from './notifications/dossier-notifications';
import { NotificationService } from './notifications/notification-service';
import { StructureAdministration } from './structure-admin';
import { TechnicalClientService } from './technical-client';

/**
 * The composition root: the one place that says how each store and service is built, with which dependencies. Each
 * is a function of a scope (an infrastructure and what was built on it; by default this process's), built on first
 * use and once per scope. A Lambda function calls only the functions its routes use, so its bundle holds only those
 * services and what they import: a function that never reads a dossier does not carry the rule book. The services
 * that need heavier libraries are wired beside these, in the same way: the pieces with the S3 client
 * (`pieces/context.ts`), the delivery of notifications with the mail libraries (`notifications/delivery.ts`).
 *
 * The embedded platform, the tests and the scripts see every service at once through `serviceContext()`
 * (`context.ts`), built from these functions.
 */

/** The infrastructure of `scope` (this process's by default). */
export function infrastructure(s: Scope = processScope()): Infrastructure {
  return s.infra;
}

function tableStore<T>(s: Scope, key: unknown, Store: new (dynamo: Infrastructure['dynamo'], table: string) => T): T {
  return component(s, key, (infra) => new Store(infra.dynamo, infra.tableName));
}

/** The marché and a caller's access items in one read (decisions and reads naming their structure). */
export function accessReads(s: Scope = processScope()): AccessReads {
  return tableStore(s, accessReads, AccessReads);
}

export function dossierStore(s: Scope = processScope()): DossierStore {
  return tableStore(s, dossierStore, DossierStore);
}

/** « Rechercher »: a structure's dossiers from the indexes. */
export function dossierSearchStore(s: Scope = processScope()): DossierSearchStore {
  return tableStore(s, dossierSearchStore, DossierSearchStore);
}

export function marcheStore(s: Scope = processScope()): MarcheStore {
  return tableStore(s, marcheStore, MarcheStore);
}

export function identityStore(s: Scope = processScope()): IdentityStore {
  return tableStore(s, identityStore, IdentityStore);
}

export function directoryStore(s: Scope = processScope()): DirectoryStore {
  return tableStore(s, directoryStore, DirectoryStore);
}

export function pieceStore(s: Scope = processScope()): PieceStore {
  return tableStore(s, pieceStore, PieceStore);
}

/** Upload forms awaiting their file, by expiry (the sweeper of lost S3 events). */
export function awaitedUploads(s: Scope = processScope()): AwaitedUploads {
  return tableStore(s, awaitedUploads, AwaitedUploads);
}

export function dossierListStore(s: Scope = processScope()): DossierListStore {
  return tableStore(s, dossierListStore, DossierListStore);
}

/** The portal's detailed Synthèse and a structure's « fil d'événements ». */
export function portalStore(s: Scope = processScope()): PortalStore {
  return tableStore(s, portalStore, PortalStore);
}

/** Open dossiers and timers due, walked page by page (resume). */
export function openDossierIndex(s: Scope = processScope()): OpenDossierIndex {
  return tableStore(s, openDossierIndex, OpenDossierIndex);
}

export function idempotencyStore(s: Scope = processScope()): IdempotencyStore {
  return component(
    s,
    idempotencyStore,
    (infra) =>
      new DynamoIdempotencyStore(
        () => infra.dynamo,
        () => infra.tableName,
      ),
  );
}

/** Notifications waiting to be delivered, and reminders. */
export function outboxStore(s: Scope = processScope()): OutboxStore {
  return tableStore(s, outboxStore, OutboxStore);
}

/** The users' notifications. */
export function inboxStore(s: Scope = processScope()): InboxStore {
  return tableStore(s, inboxStore, InboxStore);
}

export function ecbRateStore(s: Scope = processScope()): EcbRateStore {
  return tableStore(s, ecbRateStore, EcbRateStore);
}

export function operatorStore(s: Scope = processScope()): OperatorStore {
  return tableStore(s, operatorStore, OperatorStore);
}

/** Technical accounts' machine-to-machine clients → their accounts. */
export function machineClientStore(s: Scope = processScope()): MachineClientStore {
  return tableStore(s, machineClientStore, MachineClientStore);
}

/** The dossiers as the read functions read them (`DossierReads`): no rule book, no writes. */
export function dossierReads(s: Scope = processScope()): DossierReads {
  return component(
    s,
    dossierReads,
    (infra) =>
      new DossierReads({
        store: tableStore(s, DossierPartitionReader, DossierPartitionReader),
        clock: infra.clock,
        ...ecbRatesOf(s, infra),
      }),
  );
}

/** The ECB rates of the dossiers' views: the table put in place (tests), else the one held in the database. */
function ecbRatesOf(s: Scope, infra: Infrastructure) {
  return infra.ecbRates ? { ecbRates: infra.ecbRates } : { loadEcbRates: () => ecbRateService(s).table() };
}

export function dossierService(s: Scope = processScope()): DossierService {
  return component(s, dossierService, (infra) => {
    const marches = marcheStore(s);
    const access = accessReads(s);
    return new DossierService({
      store: dossierStore(s),
      loadMarche: async (id) => (await marches.get(id))?.marche,
      loadMarcheWithAccess: async (marcheId, userId, siret) => {
        const read = await access.marcheWithAccess(marcheId, userId, siret);
        return { marche: read.marche?.marche, access: read.access };
      },
      structureCards: (wanted) => access.structureCards(wanted),
      callerOnMarche: (userId, sirets) => access.callerOnMarche(userId, sirets),
      clock: infra.clock,
      workflow: infra.workflow,
      identityStore: identityStore(s),
      onWorkflowError: infra.onWorkflowError,
      ...ecbRatesOf(s, infra),
      notifications: new DossierNotifications({ outbox: outboxStore(s), onReminderArmed: infra.onReminderArmed }),
    });
  });
}

export function dossierWorkflow(s: Scope = processScope()): DossierWorkflow {
  return component(
    s,
    dossierWorkflow,
    (infra) => new DossierWorkflow({ dossiers: dossierService(s), store: dossierStore(s), clock: infra.clock }),
  );
}

export function identityService(s: Scope = processScope()): IdentityService {
  return component(s, identityService, () => new IdentityService(identityStore(s), outboxStore(s)));
}

/** The structure's card, services and members with their accounts (Activités du gestionnaire). */
export function structureAdministration(s: Scope = processScope()): StructureAdministration {
  return component(s, structureAdministration, () => new StructureAdministration(identityStore(s)));
}

export function marcheService(s: Scope = processScope()): MarcheService {
  return component(s, marcheService, () => new MarcheService(marcheStore(s), identityStore(s)));
}

export function notificationService(s: Scope = processScope()): NotificationService {
  return component(
    s,
    notificationService,
    (infra) => new NotificationService({ inbox: inboxStore(s), clock: infra.clock }),
  );
}

export function ecbRateService(s: Scope = processScope()): EcbRateService {
  return component(s, ecbRateService, () => new EcbRateService({ store: ecbRateStore(s) }));
}

/** The technical accounts' machine-to-machine clients: renewal by the GP, token issuance checks. */
export function technicalClientService(s: Scope = processScope()): TechnicalClientService {
  return component(
    s,
    technicalClientService,
    (infra) =>
      new TechnicalClientService({
        identity: identityStore(s),
        clients: machineClientStore(s),
        provider: infra.machineClients,
        outbox: outboxStore(s),
      }),
  );
}
