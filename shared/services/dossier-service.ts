import type { ChainedEvent } from '../adapters/audit';
import type { CallerAccess } from '../adapters/dynamo/access-reads';
import type { DossierPartition, DossierStore } from '../adapters/dynamo/dossier-store';
import {
  type DossierRecord as AppendedRecord,
  AuditChainMoved,
  type SavedDossier,
  TaskTokenChanged,
} from '../adapters/dynamo/dossier-types';
import type { IdentityStore } from '../adapters/dynamo/identity-store';
import { toStoredPending } from '../adapters/dynamo/pending';
import type { WorkflowPort } from '../adapters/workflow';
import { parisDateOf } from '../domain/calendar';
import { type Dossier, dgpKindOf, parseAction, spaceOfAction, structuresOf, transition } from '../domain/circuits';
import { applyClockEffects, type DgpClock, type EcbRateTable, newDgpClock } from '../domain/dgp';
import { DomainError } from '../domain/errors';
import type { Marche } from '../domain/marche';
import { type DossierSituation, executionName } from '../domain/workflow';
import { type AccessStore, assertMayOpenDossier, resolveActorOf } from './authorization';
import { buyerParamsOf } from './buyer-params';
import {
  type ActRequest,
  type ActResult,
  type Author,
  type DecideRequest,
  type DossierRecord,
  interestBaseOf,
  readOnce,
  type StructureCards,
  type Target,
  toAuditEvent,
  unknownDossier,
} from './decisions';
import { assertAddressee, readDirectories } from './directories';
import { DossierReads, type DossierReadsDeps } from './dossier-reads';
import type { DossierNotifications } from './notifications/dossier-notifications';
import { clockRecordDue, dossierHead, sameClock, situationOf } from './situation';

export interface DossierServiceDeps extends DossierReadsDeps {
  readonly store: DossierStore;
  readonly loadMarche: (marcheId: string) => Promise<Marche | undefined>;
  /**
   * The marché and the access items of a user acting for a named structure, in one read (shared/adapters/dynamo/
   * access-reads.ts); without it, `loadMarche` then the identity store's reads.
   */
  readonly loadMarcheWithAccess?: (
    marcheId: string,
    userId: string,
    siret: string,
  ) => Promise<{ marche: Marche | undefined; access: CallerAccess }>;
  /** Several structures' cards in one read (AccessReads.structureCards); without it, one read each. */
  readonly structureCards?: StructureCards;
  /** A caller naming no structure: its access on the marché in one read (AccessReads.callerOnMarche). */
  readonly callerOnMarche?: AccessStore['callerOnMarche'];
  readonly workflow: WorkflowPort;
  /** Authorization of the users' decisions, and the addressees' directories. */
  readonly identityStore: IdentityStore;
  readonly onWorkflowError?: (e: unknown, context: string) => void;
  /** The notifications (outbox entries, reminder) written with each transition; none when absent. */
  readonly notifications?: DossierNotifications;
}

/**
 * The actors' decisions on a dossier: load it and its marché once, authorize the actor, ask the rule book
 * (shared/domain/circuits) what the action does, apply the clock effects to the DGP clock (shared/domain/dgp), and
 * write dossier, clock, pending action and audit events in one transaction with optimistic locking. Then tell the
 * dossier's Step Functions execution. The workflow's own steps are in `dossier-workflow.ts`; both act through here.
 */
export class DossierService extends DossierReads<DossierServiceDeps> {
  /** The dossier (none before its first deposit) with its pieces and files, drafts included: one read. */
  partition(dossierId: string): Promise<DossierPartition<Dossier, DgpClock>> {
    return this.deps.store.partition<Dossier, DgpClock>(dossierId);
  }

  /** Appends audit events to the dossier's trail without changing it (a fact about its files, e.g.). */
  appendRecord(record: AppendedRecord): Promise<{ events: ChainedEvent[] }> {
    return this.deps.store.appendRecord(record);
  }

  /** Applies an action of a known actor (the system's tacit outcomes, tests). */
  async act(request: ActRequest): Promise<ActResult> {
    const { actor, action, fileHashes, coWrites } = request;
    return this.apply({ ...request, actionType: action.type, versionRequired: false }, async () => ({
      actor,
      action,
      fileHashes,
      coWrites,
    }));
  }

  /**
   * A person's decision, as the API passes it: the dossier and its marché are read once; who the user acts for is
   * resolved and checked (attachment, roles on the marché, space subscribed in MODIFICATION); the version the user
   * read is required on an existing dossier; then the rule book applies it and the dossier's execution gets the
   * wait's token back. Every action on a dossier is authorized here.
   */
  async decide(request: DecideRequest): Promise<ActResult> {
    const target: Target = { ...request, actionType: request.action.type, versionRequired: true };
    return this.apply(target, async (record, marche, identity, access) => {
      // an outsider to the marché of an existing dossier is answered as for a missing one (no existence leak)
      const actor = await resolveActorOf(
        {
          userId: request.userId,
          marche,
          space: spaceOfAction(request.action.type),
          need: 'act',
          actingSiret: request.actingSiret,
          now: this.deps.clock.now(),
        },
        identity,
        (refusal) => (record && request.dossierId ? unknownDossier(request.dossierId) : refusal),
        access,
      );
      if (!record) assertMayOpenDossier(actor);
      const decision = request.prepare ? await request.prepare(actor, record) : request;
      return { actor: { siret: actor.siret, roles: actor.roles }, ...decision };
    });
  }

  /**
   * Retries by itself when the workflow recorded its task token, or appended a record to the audit trail, between
   * the read and the write (the dossier's version did not change: the caller's If-Match holds).
   */
  private async apply(target: Target, author: Author): Promise<ActResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.applyOnce(attempt === 0 ? target : { ...target, record: undefined }, author);
      } catch (e) {
        if ((e instanceof TaskTokenChanged || e instanceof AuditChainMoved) && attempt < 3) continue;
        throw e;
      }
    }
  }

  private async applyOnce(target: Target, author: Author): Promise<ActResult> {
    const now = this.deps.clock.now();
    const record = target.record ?? (target.dossierId ? await this.find(target.dossierId) : undefined);
    if (target.dossierId && !record && (target.versionRequired || target.actionType !== 'DEPOSER')) {
      throw unknownDossier(target.dossierId);
    }
    if (record && target.versionRequired && target.expectedVersion === undefined) {
      throw new DomainError(
        'VERSION_REQUISE',
        'Indiquez la version du dossier sur laquelle porte votre décision (en-tête If-Match) : rechargez le dossier si besoin.',
        'INVALID',
        [{ path: 'expectedVersion', message: 'requis' }],
      );
    }
    const marcheId = record?.marcheId ?? target.marcheId;
    if (!marcheId) {
      throw new DomainError('MARCHE_REQUIS', 'Indiquez le marché du dossier.', 'INVALID', [
        { path: 'marcheId', message: 'requis' },
      ]);
    }
    const withAccess =
      target.userId && target.actingSiret && this.deps.loadMarcheWithAccess
        ? await this.deps.loadMarcheWithAccess(marcheId, target.userId, target.actingSiret)
        : undefined;
    const marche = withAccess ? withAccess.marche : await this.deps.loadMarche(marcheId);
    if (!marche) throw new DomainError('MARCHE_INCONNU', `Le marché ${marcheId} n'existe pas.`, 'NOT_FOUND');
    const identity = readOnce(this.deps.identityStore, this.deps.structureCards, this.deps.callerOnMarche);
    const decision = await author(record, marche, identity, withAccess?.access);
    if (record && target.expectedVersion !== undefined && record.version !== target.expectedVersion) {
      throw new DomainError(
        'VERSION_PERIMEE',
        `Le dossier est à la version ${record.version}, pas ${target.expectedVersion} : rechargez-le et refaites votre action.`,
        'STALE',
      );
    }

    // The action's shape first (parseAction), then the addressee's directory, then the rule book.
    const action = decision.actor === 'SYSTEM' ? undefined : parseAction(decision.action);
    await readDirectories(identity, marche, record?.state, action);
    if (action) await assertAddressee(marche, record?.state, action, identity);
    // A new dossier's circuit follows the buyer's directory of the day; an open one keeps its own
    const buyer = record ? undefined : await buyerParamsOf(marche, identity);
    const result = transition(marche, record?.state, decision.actor, decision.action, now, undefined, buyer);
    const dossier = result.dossier;
    const baseClock = record?.clock ?? newDgpClock({ kind: dgpKindOf(dossier), dgpJours: dossier.params.dgpJours });
    const clock = applyClockEffects(baseClock, result.clockEffects);
    const clockOpen = Boolean(clock.start) && !clock.paidOn && !clock.paymentUnreportedFrom && !clock.cancelled;
    const version = (record?.version ?? 0) + 1;
    // Written with the dossier, in the same transaction: the outbox of its notifications, the reminder of its wait
    const notified = this.deps.notifications?.itemsFor({
      dossier,
      version,
      events: result.events,
      pending: result.pending,
      previous: record?.pending,
      clockView: () => (record ? this.clockView({ ...record, state: dossier, clock }) : null),
      now,
    });

    // « Mettre à jour le délai de paiement » in this transaction: a new clock status, échéance or holder is recorded
    const clockRecord = this.clockRecordAfter(record, dossier, clock, version, now);
    const ecbRates = clockRecord ? await this.ecbRates() : undefined;
    const recorded = ecbRates ? this.clockRecordAfter(record, dossier, clock, version, now, ecbRates) : undefined;
    const pending = result.pending ? toStoredPending(result.pending) : null;
    const resultOf = (saved: SavedDossier): ActResult => ({
      dossier,
      version: saved.version,
      situation: this.safely(dossier.id, () =>
        situationOf({ ...dossierHead(dossier, saved.version), pending, workflow: { ...record?.workflow } }, now),
      ),
      pending: result.pending,
      clock,
      events: saved.events,
      previousStatus: record?.status ?? null,
    });
    const completion = target.completion;
    let built: ActResult | undefined;

    const saved = await this.deps.store.save<Dossier, DgpClock>({
      dossierId: dossier.id,
      marcheId,
      expectedVersion: record?.version ?? 0,
      status: dossier.status,
      previousStatus: record?.status,
      ...(record ? { createdAt: record.createdAt, previousOpen: record.open } : {}),
      open: !dossier.closed,
      state: dossier,
      structures: structuresOf(dossier),
      clock: {
        value: clock,
        moaSiret: dossier.parties.moa.siret,
        serviceFinancierSiret: dossier.parties.serviceFinancier.siret,
        ...(dossier.pieces[0] ? { piece: { cadre: dossier.pieces[0].cadre, numero: dossier.pieces[0].numero } } : {}),
        echeance: clock.echeance,
        open: clockOpen,
        ...interestBaseOf(dossier),
        unchanged: sameClock(record, clock, dossier),
      },
      pending,
      expectedTaskToken: record ? (record.pending?.taskToken ?? null) : undefined,
      previousPending: record?.pending,
      events: [
        ...result.events.map((e) => toAuditEvent(e, target.userId, decision.fileHashes)),
        ...(recorded ? [recorded.event] : []),
      ],
      clockView: recorded?.snapshot,
      lastEventSeq: record?.lastEventSeq ?? 0,
      lastEventHash: record?.lastEventHash ?? '0'.repeat(64),
      coWrites: decision.coWrites,
      notificationItems: notified?.items,
      // The request's idempotency record, with the response built from this very result
      ...(completion
        ? {
            completion: async (s: SavedDossier) => {
              built = resultOf(s);
              return completion(built);
            },
          }
        : {}),
      now,
    });
    this.deps.notifications?.armed(notified?.reminderAt ?? null);

    const out = built ?? resultOf(saved);
    if (!target.fromWorkflow) await this.notifyWorkflow(dossier, record, saved.version, out.situation);
    return out;
  }

  /** The DGP clock record a saved change brings, if its status, échéance or holder moved (rates: for interest). */
  private clockRecordAfter(
    record: DossierRecord | undefined,
    dossier: Dossier,
    clock: DgpClock,
    version: number,
    now: Date,
    ecbRates: EcbRateTable = [],
  ) {
    if (dossier.closed || !clock.start) return undefined;
    const after = { ...record, state: dossier, clock } as DossierRecord;
    const view = this.clockView(after, parisDateOf(now), { ecbRates });
    return clockRecordDue(view, version, record?.clockRecord, now);
  }

  /** What `run` gives, or undefined when it throws (the error goes to `onWorkflowError`). */
  private safely<T>(dossierId: string, run: () => T): T | undefined {
    try {
      return run();
    } catch (e) {
      this.deps.onWorkflowError?.(e, `dossier ${dossierId}`);
      return undefined;
    }
  }

  /**
   * Starts the execution of a new dossier, or releases the wait of the previous step with the dossier's new
   * situation (the execution goes straight to its next wait; without one, it reads the dossier).
   */
  private async notifyWorkflow(
    dossier: Dossier,
    before: DossierRecord | undefined,
    version: number,
    situation: DossierSituation | undefined,
  ): Promise<void> {
    try {
      if (!before) {
        await this.deps.workflow.start(dossier.id, executionName(dossier.id, 0));
      } else if (before.pending?.taskToken) {
        await this.deps.workflow.release(before.pending.taskToken, {
          ...(situation ?? { dossierId: dossier.id, version }),
        });
      }
    } catch (e) {
      // DynamoDB already holds the new state; a lost execution is rebuilt by resume (shared/services/resume.ts).
      this.deps.onWorkflowError?.(e, `dossier ${dossier.id}`);
    }
  }
}
