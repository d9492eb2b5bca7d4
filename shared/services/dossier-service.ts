import type { AuditEvent, ChainedEvent } from '../adapters/audit';
import { type Clock, clock as processClock } from '../adapters/clock';
import {
  type DossierSnapshot,
  DossierStore,
  type StoredPending,
  TaskTokenChanged,
} from '../adapters/dynamo/dossier-store';
import { workflow as processWorkflow, type WorkflowPort } from '../adapters/workflow';
import { parisDateOf } from '../domain/calendar';
import {
  type Action,
  type ActorOrSystem,
  type Dossier,
  type DossierEvent,
  type PendingAction,
  pendingActionOf,
  transition,
} from '../domain/circuits';
import {
  applyClockEffects,
  clockView,
  type DgpClock,
  type DgpClockView,
  type DgpKind,
  newDgpClock,
} from '../domain/dgp';
import { DomainError } from '../domain/errors';
import type { Marche } from '../domain/marche';

/**
 * The application service of a dossier: load it, ask the rule book (shared/domain/circuits) what an action does,
 * apply the clock effects to the DGP clock (shared/domain/dgp), and write dossier, clock, pending action and audit
 * events in one transaction with optimistic locking. Then tell the dossier's Step Functions execution. Both the
 * HTTP API and the workflow task functions act through here: no rule is applied anywhere else.
 */
export type DossierRecord = DossierSnapshot<Dossier, DgpClock>;

export interface ActRequest {
  /** Absent for the first deposit (the action carries the new dossier's id). */
  readonly dossierId?: string;
  /** Required for the first deposit. */
  readonly marcheId?: string;
  readonly actor: ActorOrSystem;
  readonly action: Action;
  /** The version the caller read (If-Match). Omitted by the system (timeouts), which checks `step` instead. */
  readonly expectedVersion?: number;
  readonly userId?: string;
  /** SHA-256 of the files of the piece the action deposits, for the audit trail. */
  readonly fileHashes?: readonly string[];
  /** Written in the same transaction (e.g. the draft piece becoming sent, a uniqueness claim). */
  readonly extraItems?: Parameters<DossierStore['save']>[0]['extraItems'];
}

export interface ActResult {
  readonly dossier: Dossier;
  readonly version: number;
  readonly pending: PendingAction | null;
  readonly clock: DgpClock;
  readonly events: readonly ChainedEvent[];
  readonly previousStatus: string | null;
}

export interface DossierServiceDeps {
  readonly store?: DossierStore;
  readonly loadMarche: (marcheId: string) => Promise<Marche | undefined>;
  readonly clock?: Clock;
  readonly workflow?: WorkflowPort;
  readonly onWorkflowError?: (e: unknown, context: string) => void;
}

/** Far-future sort key for waits without a deadline, so that they list last in "Synthèse". */
const NO_DEADLINE = '9999-12-31T23:59:59.999Z';

export function dgpKindOf(d: Dossier): DgpKind {
  if (d.kind === 'SOLDE') return 'SOLDE';
  return d.origin === 'SOUS_TRAITANT' ? 'SOUS_TRAITANT' : 'ACOMPTE_MENSUEL';
}

/** Structures that see the dossier: every party of it. */
export function structuresOf(d: Dossier): string[] {
  const p = d.parties;
  return [
    ...new Set([
      p.fournisseur.siret,
      p.titulaire.siret,
      ...p.valideurs.map((v) => v.siret),
      p.moe.siret,
      p.moa.siret,
      p.serviceFinancier.siret,
    ]),
  ];
}

export function toStoredPending(p: PendingAction): StoredPending {
  return {
    step: p.step,
    actorSiret: p.actorSiret,
    actorRole: p.actorRole,
    allowedActions: [...p.allowedActions],
    otherActors: p.otherActors.map((o) => ({ ...o, allowedActions: [...o.allowedActions] })),
    dossierVersion: p.dossierVersion,
    deadlineAt: p.deadlineAt ?? NO_DEADLINE,
    lastDay: p.lastDay,
    reminderAt: p.reminderAt,
    onTimeout: p.onTimeout,
    lateSince: p.lateSince,
  };
}

function toAuditEvent(
  e: DossierEvent,
  userId: string | undefined,
  fileHashes: readonly string[] | undefined,
): Omit<AuditEvent, 'seq'> {
  return {
    at: e.at,
    type: e.type,
    actorSiret: e.actorSiret ?? undefined,
    actorRole: e.role,
    userId,
    details: { ...e.details, pieceId: e.pieceId },
    fileHashes: e.type === 'PIECE_DEPOSEE' && fileHashes?.length ? [...fileHashes] : undefined,
  };
}

export class DossierService {
  private readonly store: DossierStore;
  private readonly clock: Clock;
  private readonly workflow: WorkflowPort;

  constructor(private readonly deps: DossierServiceDeps) {
    this.store = deps.store ?? new DossierStore();
    this.clock = deps.clock ?? processClock();
    this.workflow = deps.workflow ?? processWorkflow();
  }

  async load(dossierId: string): Promise<DossierRecord> {
    const record = await this.store.load<Dossier, DgpClock>(dossierId);
    if (!record) {
      throw new DomainError('DOSSIER_INCONNU', `Le dossier ${dossierId} n'existe pas.`, 'NOT_FOUND');
    }
    return record;
  }

  async find(dossierId: string): Promise<DossierRecord | undefined> {
    return this.store.load<Dossier, DgpClock>(dossierId);
  }

  /** The DGP clock as of today (Paris), with interest when late. */
  clockView(record: DossierRecord, today = parisDateOf(this.clock.now())): DgpClockView | null {
    if (!record.clock) return null;
    return clockView(record.clock, today, {
      amountDueCents: amountDue(record.state),
    });
  }

  /** Applies an action; retries once by itself when the workflow recorded its task token in between. */
  async act(request: ActRequest): Promise<ActResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.actOnce(request);
      } catch (e) {
        if (e instanceof TaskTokenChanged && attempt < 3) continue;
        throw e;
      }
    }
  }

  private async actOnce(request: ActRequest): Promise<ActResult> {
    const now = this.clock.now();
    const record = request.dossierId ? await this.store.load<Dossier, DgpClock>(request.dossierId) : undefined;
    if (request.dossierId && !record && request.action.type !== 'DEPOSER') {
      throw new DomainError('DOSSIER_INCONNU', `Le dossier ${request.dossierId} n'existe pas.`, 'NOT_FOUND');
    }
    if (record && request.expectedVersion !== undefined && record.version !== request.expectedVersion) {
      throw new DomainError(
        'VERSION_PERIMEE',
        `Le dossier est à la version ${record.version}, pas ${request.expectedVersion} : rechargez-le et refaites votre action.`,
        'STALE',
      );
    }
    const marcheId = record?.marcheId ?? request.marcheId;
    if (!marcheId)
      throw new DomainError('MARCHE_REQUIS', 'Indiquez le marché du dossier.', 'INVALID', [
        { path: 'marcheId', message: 'requis' },
      ]);
    const marche = await this.deps.loadMarche(marcheId);
    if (!marche) throw new DomainError('MARCHE_INCONNU', `Le marché ${marcheId} n'existe pas.`, 'NOT_FOUND');

    const result = transition(marche, record?.state, request.actor, request.action, now);
    const dossier = result.dossier;
    const baseClock = record?.clock ?? newDgpClock({ kind: dgpKindOf(dossier), dgpJours: dossier.params.dgpJours });
    const clock = applyClockEffects(baseClock, result.clockEffects);
    const clockOpen = Boolean(clock.start) && !clock.paidOn && !clock.cancelled;

    const saved = await this.store.save<Dossier, DgpClock>({
      dossierId: dossier.id,
      marcheId,
      expectedVersion: record?.version ?? 0,
      status: dossier.status,
      previousStatus: record?.status,
      open: !dossier.closed,
      state: dossier,
      structures: structuresOf(dossier),
      clock: { value: clock, moaSiret: dossier.parties.moa.siret, echeance: clock.echeance, open: clockOpen },
      pending: result.pending ? toStoredPending(result.pending) : null,
      expectedTaskToken: record ? (record.pending?.taskToken ?? null) : undefined,
      events: result.events.map((e) => toAuditEvent(e, request.userId, request.fileHashes)),
      lastEventSeq: record?.lastEventSeq ?? 0,
      lastEventHash: record?.lastEventHash ?? '0'.repeat(64),
      extraItems: request.extraItems,
      now,
    });

    await this.notifyWorkflow(dossier, record, saved.version);
    return {
      dossier,
      version: saved.version,
      pending: result.pending,
      clock,
      events: saved.events,
      previousStatus: record?.status ?? null,
    };
  }

  /** Starts the execution of a new dossier, or releases the wait of the previous step. */
  private async notifyWorkflow(dossier: Dossier, before: DossierRecord | undefined, version: number): Promise<void> {
    try {
      if (!before) {
        await this.workflow.start(dossier.id, executionName(dossier.id, 0));
      } else if (before.pending?.taskToken) {
        await this.workflow.release(before.pending.taskToken, { dossierId: dossier.id, version });
      }
    } catch (e) {
      // DynamoDB already holds the new state; a lost execution is rebuilt by resume (ARCHITECTURE.md).
      this.deps.onWorkflowError?.(e, `dossier ${dossier.id}`);
    }
  }

  /** Current pending action derived from the stored dossier (what a resumed execution waits for). */
  pendingOf(record: DossierRecord, marche: Marche): PendingAction | null {
    return pendingActionOf(marche, record.state);
  }
}

/** Executions are named after the dossier; a resumed one carries the generation (names are unique for 90 days). */
export function executionName(dossierId: string, generation: number): string {
  return generation === 0 ? dossierId : `${dossierId}--r${generation}`;
}

/** Amount due on the dossier for interest: the last piece with amounts (TTC). */
export function amountDue(d: Dossier): number | undefined {
  for (let i = d.pieces.length - 1; i >= 0; i--) {
    const m = d.pieces[i]?.montants;
    if (m) return m.ttcCents;
  }
  return undefined;
}
