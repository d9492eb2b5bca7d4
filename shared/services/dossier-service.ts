import type { AuditEvent, ChainedEvent } from '../adapters/audit';
import { type Clock, clock as processClock } from '../adapters/clock';
import {
  AuditChainMoved,
  type DossierSnapshot,
  DossierStore,
  RecordConflict,
  type RecordedClockView,
  type StoredPending,
  TaskTokenChanged,
} from '../adapters/dynamo/dossier-store';
import { IdentityStore } from '../adapters/dynamo/identity-store';
import { workflow as processWorkflow, type WorkflowPort } from '../adapters/workflow';
import { parisDateOf } from '../domain/calendar';
import {
  type Action,
  type ActorOrSystem,
  type Dossier,
  type DossierEvent,
  type PendingAction,
  parseAction,
  pendingActionOf,
  transition,
} from '../domain/circuits';
import {
  applyClockEffects,
  type ClockViewOptions,
  clockView,
  type DgpClock,
  type DgpClockView,
  type DgpKind,
  newDgpClock,
} from '../domain/dgp';
import { DomainError, isDomainError } from '../domain/errors';
import { acteursOf, type Marche } from '../domain/marche';
import { applyRateBp } from '../domain/money';
import type { Space } from '../domain/roles';
import { assertAddresseeParameters } from '../domain/structures';
import { assertMayOpenDossier, resolveActor } from './authorization';
import { buyerParamsOf } from './buyer-params';

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
  /**
   * The dossier's own execution applies this change (a tacit outcome): neither start it nor release the wait it
   * has just left (that wait's token timed out).
   */
  readonly fromWorkflow?: boolean;
}

/** What the API passes for a person's decision; the actor is resolved from the user (authorization). */
export interface DecideRequest {
  /** Absent for the first deposit (then `marcheId` is required). */
  readonly dossierId?: string;
  readonly marcheId?: string;
  readonly userId: string;
  /** The structure the user acts for, when it could act for several. */
  readonly actingSiret?: string;
  readonly action: Action;
  /** Required on an existing dossier: the version the user read (If-Match). */
  readonly expectedVersion?: number;
  readonly fileHashes?: readonly string[];
  readonly extraItems?: ActRequest['extraItems'];
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
  /** For `decide` (authorization); default: the process-wide identity store. */
  readonly identityStore?: IdentityStore;
  /** ECB rates for the interest in clock views (default: the rule book's table). */
  readonly ecbRates?: ClockViewOptions['ecbRates'];
}

/** Far-future sort key for waits without a deadline, so that they list last in "Synthèse". */
export const NO_DEADLINE = '9999-12-31T23:59:59.999Z';

/**
 * Longest wait the workflow arms when no deadline runs (or a deadline is further away): 300 days, under the one-year
 * limit of a Standard execution. When it passes, the tacit step finds nothing to apply and the wait is armed again.
 */
export const MAX_WAIT_SECONDS = 300 * 86_400;

/** Error names the dossier workflow definition catches by name (workflows/dossier.ts). */
export const WORKFLOW_ERRORS = {
  /** The wait the workflow was about to arm is no longer the dossier's (someone acted first). */
  staleWait: 'Dossier.AttentePerimee',
  /** A workflow record kept conflicting with concurrent changes. */
  conflict: 'Dossier.Concurrence',
} as const;

/** Thrown by the task that records a wait's token when the dossier has already left that wait. */
export class StaleWait extends Error {
  override readonly name = WORKFLOW_ERRORS.staleWait;
}

/** Thrown when a workflow record could not be written after several fresh reads. */
export class WorkflowRecordConflict extends Error {
  override readonly name = WORKFLOW_ERRORS.conflict;
}

/**
 * Where the dossier stands, as the workflow needs it to choose its next state (JSON-serialisable; the state machine
 * reads `closed`, `delaiExpire`, `step`, `version`, `timeoutSeconds` and `aTransmettre`).
 */
export interface DossierSituation {
  readonly dossierId: string;
  readonly version: number;
  readonly closed: boolean;
  /** The dossier's state (the step of its pending wait), `CLOS` once closed. */
  readonly step: string;
  readonly status: string;
  readonly outcome: string | null;
  readonly actorSiret: string | null;
  readonly allowedActions: readonly string[];
  /** The instant the wait's deadline passes; null when none runs. */
  readonly deadlineAt: string | null;
  /** Seconds from now to the deadline (at least 1), or MAX_WAIT_SECONDS when none runs: the wait's timeout. */
  readonly timeoutSeconds: number;
  /** The deadline has already passed (e.g. a dossier resumed late): apply the tacit outcome at once. */
  readonly delaiExpire: boolean;
  /** The current piece has just reached the service financier and is not yet transmitted. */
  readonly aTransmettre: boolean;
}

/** Audit event types the workflow records (besides the circuit's own events). */
export const WORKFLOW_EVENT_TYPES = {
  clock: 'DELAI_DE_PAIEMENT',
  transmitted: 'TRANSMISE_SERVICE_FINANCIER',
  closed: 'CIRCUIT_TERMINE',
  failed: 'CIRCUIT_EN_ECHEC',
} as const;

/** Actions decided in the « Factures à valider » space (DOMAIN.md §2); every other one in « Factures de travaux ». */
const VALIDATION_ACTIONS: readonly string[] = ['VALIDER', 'REFUSER'];

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
      ...(p.moe ? [p.moe.siret] : []),
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
  clockView(
    record: DossierRecord,
    today = parisDateOf(this.clock.now()),
    opts: Pick<ClockViewOptions, 'ecbRates'> = {},
  ): DgpClockView | null {
    if (!record.clock) return null;
    const due = amountDue(record.state);
    return clockView(record.clock, today, {
      amountDueCents: due,
      retenueGarantieCents: due === undefined ? undefined : retenueGarantie(record.state, due),
      ecbRates: opts.ecbRates ?? this.deps.ecbRates,
    });
  }

  /**
   * Applies an action; retries by itself when the workflow recorded its task token, or appended a record to the
   * audit trail, between the read and the write (the dossier's version did not change: the caller's If-Match holds).
   */
  async act(request: ActRequest): Promise<ActResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.actOnce(request);
      } catch (e) {
        if ((e instanceof TaskTokenChanged || e instanceof AuditChainMoved) && attempt < 3) continue;
        throw e;
      }
    }
  }

  /**
   * A person's decision, as the API passes it: who the user acts for is resolved and checked (attachment, roles on
   * the marché, space subscribed in MODIFICATION), the version the user read is required on an existing dossier,
   * then `act` applies it and hands the dossier's execution back the wait's token.
   */
  async decide(request: DecideRequest): Promise<ActResult> {
    const record = request.dossierId ? await this.load(request.dossierId) : undefined;
    if (record && request.expectedVersion === undefined) {
      throw new DomainError(
        'VERSION_REQUISE',
        'Indiquez la version du dossier sur laquelle porte votre décision (en-tête If-Match) : rechargez le dossier si besoin.',
        'INVALID',
        [{ path: 'expectedVersion', message: 'requis' }],
      );
    }
    const marcheId = record?.marcheId ?? request.marcheId;
    if (!marcheId) {
      throw new DomainError('MARCHE_REQUIS', 'Indiquez le marché du dossier.', 'INVALID', [
        { path: 'marcheId', message: 'requis' },
      ]);
    }
    const marche = await this.deps.loadMarche(marcheId);
    if (!marche) throw new DomainError('MARCHE_INCONNU', `Le marché ${marcheId} n'existe pas.`, 'NOT_FOUND');
    const space: Space = VALIDATION_ACTIONS.includes(request.action.type) ? 'FACTURES_A_VALIDER' : 'FACTURES_TRAVAUX';
    const actor = await resolveActor(
      { userId: request.userId, marche, space, need: 'act', actingSiret: request.actingSiret },
      // A store of this service's own (the process-wide one of resolveActor would outlive a platform restart)
      this.deps.identityStore ?? new IdentityStore(),
    );
    if (!record) assertMayOpenDossier(actor);
    return this.act({
      dossierId: request.dossierId,
      marcheId,
      actor: { siret: actor.siret, roles: actor.roles },
      action: request.action,
      expectedVersion: request.expectedVersion,
      userId: request.userId,
      fileHashes: request.fileHashes,
      extraItems: request.extraItems,
    });
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

    // The action's shape first (parseAction), then the addressee's directory, then the rule book.
    if (request.actor !== 'SYSTEM') await this.assertAddressee(marche, record?.state, parseAction(request.action));
    // A new dossier's circuit follows the buyer's directory of the day; an open one keeps its own
    const buyer = record ? undefined : await buyerParamsOf(marche, this.deps.identityStore ?? new IdentityStore());
    const result = transition(marche, record?.state, request.actor, request.action, now, undefined, buyer);
    const dossier = result.dossier;
    const baseClock = record?.clock ?? newDgpClock({ kind: dgpKindOf(dossier), dgpJours: dossier.params.dgpJours });
    const clock = applyClockEffects(baseClock, result.clockEffects);
    const clockOpen = Boolean(clock.start) && !clock.paidOn && !clock.paymentUnreportedFrom && !clock.cancelled;

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
      previousPending: record?.pending,
      events: result.events.map((e) => toAuditEvent(e, request.userId, request.fileHashes)),
      lastEventSeq: record?.lastEventSeq ?? 0,
      lastEventHash: record?.lastEventHash ?? '0'.repeat(64),
      extraItems: request.extraItems,
      now,
    });

    if (!request.fromWorkflow) await this.notifyWorkflow(dossier, record, saved.version);
    return {
      dossier,
      version: saved.version,
      pending: result.pending,
      clock,
      events: saved.events,
      previousStatus: record?.status ?? null,
    };
  }

  /**
   * A deposit addressed to a public structure is refused when a reference its directory makes mandatory is missing
   * (DOMAIN.md §2): checked when the addressee is set — the first deposit (the marché's MOA), the MOA's choice of
   * service financier, a recyclage — against the structure's parameters of the day (they may have changed since the
   * marché was set up). An addressee not registered here has no directory to check.
   */
  private async assertAddressee(marche: Marche, dossier: Dossier | undefined, action: Action): Promise<void> {
    let target: { siret: string; codeService?: string; engagementJuridique?: string } | undefined;
    if (action.type === 'DEPOSER') {
      const moa = acteursOf(marche, 'MOA')[0];
      if (moa) target = moa;
    } else if (action.type === 'VALIDER_ETAT_ACOMPTE' && action.destinataire) {
      target = action.destinataire;
    } else if (action.type === 'RECYCLER' && dossier) {
      const current = dossier.pieces.find((p) => p.id === dossier.currentPieceId)?.destinataire;
      const siret = action.siret ?? current?.siret;
      if (siret) {
        target = {
          siret,
          codeService: action.codeService ?? current?.codeService,
          engagementJuridique: action.engagementJuridique ?? current?.engagementJuridique,
        };
      }
    }
    if (!target) return;
    const structure = await (this.deps.identityStore ?? new IdentityStore()).getStructure(target.siret);
    if (structure?.type !== 'PUBLIC') return;
    assertAddresseeParameters(structure, {
      codeService: target.codeService,
      engagementJuridique: target.engagementJuridique,
    });
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

  // ---------------------------------------------------------------------------------------------------------------
  // The workflow side: what the tasks of the dossier's state machine do (functions/workflow/tasks.ts). Each reads the
  // dossier afresh, is idempotent (a retried task finds its work done and changes nothing), and writes through one
  // transaction with optimistic locking.
  // ---------------------------------------------------------------------------------------------------------------

  /** Where the dossier stands and how long its current wait may last (« Charger le dossier »). */
  async situation(dossierId: string): Promise<DossierSituation> {
    return this.situationOf(await this.load(dossierId));
  }

  /**
   * Records the task token of the wait the execution has entered, if that wait is still the dossier's (same step,
   * same version). Otherwise throws StaleWait: the task fails at once and the execution moves on to read the dossier
   * again, so that no token is left that nobody will ever send back.
   */
  async recordWait(dossierId: string, step: string, version: number, taskToken: string): Promise<void> {
    const recorded = await this.store.recordTaskToken(dossierId, step, version, taskToken);
    if (!recorded) {
      throw new StaleWait(
        `Le dossier ${dossierId} n'est plus à l'étape ${step} (version ${version}) : l'attente est dépassée.`,
      );
    }
  }

  /**
   * The deadline of the wait `step` at `version` has passed: the system applies the rule book's tacit outcome
   * (DELAI_EXPIRE). Nothing happens when the dossier has moved on, or when the rule finds nothing to apply (no
   * deadline runs, not yet expired): the workflow then reads the dossier and waits again.
   */
  async applyTimeout(
    dossierId: string,
    step: string,
    version: number,
  ): Promise<{ applied: boolean; reason?: string; version: number }> {
    const record = await this.load(dossierId);
    if (!record.open || record.version !== version || record.state.state !== step) {
      return { applied: false, reason: 'DOSSIER_DEJA_AVANCE', version: record.version };
    }
    try {
      const result = await this.act({
        dossierId,
        actor: 'SYSTEM',
        action: { type: 'DELAI_EXPIRE', step: step as Dossier['state'] },
        expectedVersion: version,
        fromWorkflow: true,
      });
      return { applied: true, version: result.version };
    } catch (e) {
      const code = isDomainError(e) ? e.code : undefined;
      if (code && NOTHING_TO_APPLY.includes(code)) return { applied: false, reason: code, version: record.version };
      throw e;
    }
  }

  /**
   * « Mettre à jour le délai de paiement »: records the DGP clock as it stands after a change (status, échéance,
   * holder, days used by each actor, lateness and interest) on the clock item, with an audit event, when its status,
   * échéance or holder changed since the last record. Returns the situation.
   */
  async recordClockView(dossierId: string): Promise<DossierSituation> {
    return this.withFreshRecord(dossierId, async (record) => {
      if (!record.open || !record.clock?.start) return undefined;
      const view = this.clockView(record);
      if (!view) return undefined;
      const snapshot = clockSnapshot(view, record.version);
      if (record.clockRecord && clockKey(record.clockRecord) === clockKey(snapshot)) return undefined;
      await this.store.appendRecord({
        dossierId,
        expectedVersion: record.version,
        lastEventSeq: record.lastEventSeq,
        lastEventHash: record.lastEventHash,
        events: [this.systemEvent(WORKFLOW_EVENT_TYPES.clock, clockDetails(view))],
        clockView: snapshot,
      });
      return undefined;
    });
  }

  /**
   * « Transmettre au service financier »: the piece that has just reached the service financier (or its complement
   * after a suspension, or the recycled piece) is transmitted to it, once per dossier version. Returns the situation.
   */
  async transmitToServiceFinancier(dossierId: string): Promise<DossierSituation> {
    return this.withFreshRecord(dossierId, async (record) => {
      if (!needsTransmission(record)) return undefined;
      const d = record.state;
      const piece = d.pieces.find((p) => p.id === d.currentPieceId);
      const destinataire = piece?.destinataire ?? d.parties.serviceFinancier;
      await this.store.appendRecord({
        dossierId,
        expectedVersion: record.version,
        lastEventSeq: record.lastEventSeq,
        lastEventHash: record.lastEventHash,
        events: [
          this.systemEvent(WORKFLOW_EVENT_TYPES.transmitted, {
            pieceId: piece?.id ?? null,
            cadre: piece?.cadre ?? null,
            numero: piece?.numero ?? null,
            montants: piece?.montants ?? null,
            destinataire,
            complement: d.status === 'COMPLETEE',
          }),
        ],
        metaSet: { transmittedFor: transmissionKey(record) },
        condition: {
          expression: 'attribute_not_exists(transmittedFor) OR transmittedFor <> :tv',
          values: { ':tv': transmissionKey(record) },
        },
      });
      return { aTransmettre: false };
    });
  }

  /**
   * « Clore le dossier »: the circuit has ended (paid, refused, rejected…); records its end with the final DGP clock
   * (échéance, days used by each actor, days late, interest and indemnity due), once.
   */
  async closeCircuit(dossierId: string, execution: string): Promise<{ recorded: boolean }> {
    let recorded = false;
    await this.withFreshRecord(dossierId, async (record) => {
      if (record.open) {
        throw new DomainError(
          'DOSSIER_ENCORE_OUVERT',
          `Le dossier ${dossierId} est encore ouvert (${record.status}) : le circuit ne peut pas être clos.`,
          'CONFLICT',
        );
      }
      if (record.workflow.closedAt) return undefined;
      const view = this.clockView(record);
      const snapshot = view ? clockSnapshot(view, record.version) : undefined;
      await this.store.appendRecord({
        dossierId,
        expectedVersion: record.version,
        lastEventSeq: record.lastEventSeq,
        lastEventHash: record.lastEventHash,
        events: [
          this.systemEvent(WORKFLOW_EVENT_TYPES.closed, {
            issue: record.state.outcome,
            statut: record.status,
            execution,
            ...(view ? { delaiDePaiement: clockDetails(view) } : {}),
          }),
        ],
        metaSet: { workflowClosedAt: this.clock.now().toISOString() },
        condition: { expression: 'attribute_not_exists(workflowClosedAt)' },
        clockView: snapshot,
      });
      recorded = true;
      return undefined;
    });
    return { recorded };
  }

  /**
   * « Enregistrer l'échec »: a task failed for good; the dossier's audit trail says so (once per execution), so that
   * the failure is never silent. The dossier itself is unchanged and stays open: `resume` starts a new execution.
   */
  async recordFailure(
    dossierId: string,
    failure: { execution: string; error: string; cause?: string; step?: string },
  ): Promise<{ recorded: boolean }> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const record = await this.find(dossierId);
      if (!record) return { recorded: false };
      if (record.workflow.failure?.execution === failure.execution) return { recorded: false };
      const at = this.clock.now().toISOString();
      try {
        await this.store.appendRecord({
          dossierId,
          lastEventSeq: record.lastEventSeq,
          lastEventHash: record.lastEventHash,
          events: [
            this.systemEvent(WORKFLOW_EVENT_TYPES.failed, {
              execution: failure.execution,
              erreur: failure.error,
              cause: (failure.cause ?? '').slice(0, 2000),
              etape: failure.step ?? null,
            }),
          ],
          metaSet: { workflowFailure: { execution: failure.execution, at, error: failure.error } },
          condition: {
            expression: 'attribute_not_exists(workflowFailure) OR workflowFailure.#ex <> :ex',
            names: { '#ex': 'execution' },
            values: { ':ex': failure.execution },
          },
        });
        return { recorded: true };
      } catch (e) {
        if (!(e instanceof RecordConflict)) throw e;
      }
    }
    throw new WorkflowRecordConflict(`Échec non enregistré sur le dossier ${dossierId} : conflits répétés.`);
  }

  /** The situation of a loaded dossier (pure but for the clock). */
  situationOf(record: DossierRecord): DossierSituation {
    const d = record.state;
    const base = {
      dossierId: record.dossierId,
      version: record.version,
      status: record.status,
      outcome: d.outcome ?? null,
    };
    if (!record.open || d.closed) {
      return {
        ...base,
        closed: true,
        step: 'CLOS',
        actorSiret: null,
        allowedActions: [],
        deadlineAt: null,
        timeoutSeconds: 1,
        delaiExpire: false,
        aTransmettre: false,
      };
    }
    const pending = record.pending;
    // The pending action is written with the dossier, in the same transaction: a mismatch is a broken record, and
    // waiting on it would loop (the recording would find the wait stale, again and again)
    if (!pending || pending.step !== d.state || pending.dossierVersion !== record.version) {
      throw new DomainError(
        'ATTENTE_INCOHERENTE',
        `Le dossier ${record.dossierId} (étape ${d.state}, version ${record.version}) n'a pas d'action attendue correspondante.`,
        'CONFLICT',
      );
    }
    const deadlineAt = pending.deadlineAt !== NO_DEADLINE ? pending.deadlineAt : null;
    const remaining =
      deadlineAt === null ? MAX_WAIT_SECONDS : Math.ceil((Date.parse(deadlineAt) - this.clock.now().getTime()) / 1000);
    return {
      ...base,
      closed: false,
      step: d.state,
      actorSiret: pending.actorSiret,
      allowedActions: (pending.allowedActions as string[] | undefined) ?? [],
      deadlineAt,
      timeoutSeconds: Math.min(MAX_WAIT_SECONDS, Math.max(1, remaining)),
      delaiExpire: deadlineAt !== null && remaining <= 0,
      aTransmettre: needsTransmission(record),
    };
  }

  /**
   * Runs a record step on a fresh read, again on a conflict; returns the situation of the record read, with what the
   * step changed in it (`after`). A record never changes the dossier's version, so no second read is needed.
   */
  private async withFreshRecord(
    dossierId: string,
    step: (record: DossierRecord) => Promise<Partial<DossierSituation> | undefined>,
  ): Promise<DossierSituation> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const record = await this.load(dossierId);
      let after: Partial<DossierSituation> | undefined;
      try {
        after = await step(record);
      } catch (e) {
        if (e instanceof RecordConflict) continue;
        throw e;
      }
      return { ...this.situationOf(record), ...after };
    }
    throw new WorkflowRecordConflict(`Le dossier ${dossierId} change sans cesse : enregistrement abandonné.`);
  }

  private systemEvent(type: string, details: Record<string, unknown>): Omit<AuditEvent, 'seq'> {
    return { at: this.clock.now().toISOString(), type, actorRole: 'SYSTEM', details };
  }
}

/** Refusals of DELAI_EXPIRE that mean "nothing to apply now" (see shared/domain/circuits/timeouts.ts). */
const NOTHING_TO_APPLY: readonly string[] = [
  'VERSION_PERIMEE',
  'ETAPE_PERIMEE',
  'DELAI_NON_EXPIRE',
  'AUCUN_DELAI_EN_COURS',
  'DOSSIER_CLOS',
];

/**
 * What one transmission to the service financier is about: the piece, as addressed (a recyclage re-addresses it),
 * in the status that reached the service financier (the complement after a suspension is another transmission).
 * Not the dossier version: a late flag moves the version without anything new to transmit.
 */
function transmissionKey(record: DossierRecord): string {
  const d = record.state;
  const piece = d.pieces.find((p) => p.id === d.currentPieceId);
  const to = piece?.destinataire ?? d.parties.serviceFinancier;
  return [piece?.id, d.status, to.siret, to.codeService ?? '', to.engagementJuridique ?? ''].join('|');
}

/** The piece at the service financier has not been transmitted, as it stands, yet. */
function needsTransmission(record: DossierRecord): boolean {
  const d = record.state;
  return (
    record.open &&
    d.state === 'TRAITEMENT_SERVICE_FINANCIER' &&
    (d.status === 'MISE_A_DISPOSITION' || d.status === 'COMPLETEE') &&
    record.workflow.transmittedFor !== transmissionKey(record)
  );
}

/** What the workflow records of a clock view (JSON, no Date). */
export function clockSnapshot(view: DgpClockView, forVersion: number): RecordedClockView {
  return { forVersion, ...clockDetails(view) };
}

/** The clock view in the audit trail's words. */
export function clockDetails(view: DgpClockView): Record<string, unknown> {
  const interest = view.lateInterest;
  return {
    statut: view.status,
    au: view.asOf,
    debut: view.start ?? null,
    echeance: view.echeance ?? null,
    detenteur: view.holder ?? null,
    joursParActeur: { ...view.daysUsedBy },
    joursEcoules: view.daysElapsed,
    joursSuspendus: view.daysSuspended,
    joursRestants: view.daysLeft,
    joursDeRetard: view.daysLate,
    indemniteForfaitaireCents: view.indemnityCents,
    interetsMoratoires: interest
      ? interest.ok
        ? { cents: interest.value.interestCents, tauxBp: interest.value.rateBp, jours: interest.value.days }
        : { erreur: interest.error.code, message: interest.error.message }
      : null,
  };
}

/** A new record is due when the clock's status, échéance or holder changed. */
function clockKey(v: Readonly<Record<string, unknown>>): string {
  return `${v.statut}|${v.echeance ?? ''}|${v.detenteur ?? ''}`;
}

/** Executions are named after the dossier; a resumed one carries the generation (names are unique for 90 days). */
export function executionName(dossierId: string, generation: number): string {
  return generation === 0 ? dossierId : `${dossierId}--r${generation}`;
}

/**
 * Retenue de garantie on the amount due: the marché's rate applied to the TTC acompte (DOMAIN.md §7, assumption),
 * deducted from the base of late interest (décret 2013-269 art. 8).
 */
export function retenueGarantie(d: Dossier, dueTtcCents: number): number {
  return applyRateBp(dueTtcCents, d.params.retenueGarantieBp ?? 0);
}

/** Amount due on the dossier for interest: the last piece with amounts (TTC). */
export function amountDue(d: Dossier): number | undefined {
  for (let i = d.pieces.length - 1; i >= 0; i--) {
    const m = d.pieces[i]?.montants;
    if (m) return m.ttcCents;
  }
  return undefined;
}
