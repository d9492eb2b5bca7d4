import type { AuditEvent } from '../adapters/audit';
import type { Clock } from '../adapters/clock';
import type { DossierStore } from '../adapters/dynamo/dossier-store';
import { RecordConflict } from '../adapters/dynamo/dossier-types';
import { type Dossier, NOTHING_TO_APPLY_ON_TIMEOUT, needsTransmission, transmissionKey } from '../domain/circuits';
import { clockDetails, clockSnapshot } from '../domain/dgp';
import { DomainError, isDomainError } from '../domain/errors';
import { type DossierSituation, StaleWait, WORKFLOW_EVENT_TYPES, WorkflowRecordConflict } from '../domain/workflow';
import type { DossierRecord } from './decisions';
import type { DossierService } from './dossier-service';
import { clockRecordDue, situationOf } from './situation';

/**
 * The workflow's steps: what the tasks of the dossier's state machine do (functions/workflow/tasks.ts). Each reads
 * the dossier afresh, is idempotent (a retried task finds its work done and changes nothing), and writes through one
 * transaction with optimistic locking. The tacit outcome of a wait is a decision of the system, applied by the
 * dossier service like any other.
 */
export interface DossierWorkflowDeps {
  readonly dossiers: DossierService;
  readonly store: DossierStore;
  readonly clock: Clock;
}

export class DossierWorkflow {
  constructor(private readonly deps: DossierWorkflowDeps) {}

  /** Where the dossier stands and how long its current wait may last (« Charger le dossier »). */
  async situation(dossierId: string): Promise<DossierSituation> {
    return this.situationOf(await this.deps.dossiers.load(dossierId));
  }

  /**
   * Records the task token of the wait the execution has entered, if that wait is still the dossier's (same step,
   * same version). Otherwise throws StaleWait: the task fails at once and the execution moves on to read the dossier
   * again, so that no token is left that nobody will ever send back.
   */
  async recordWait(dossierId: string, step: string, version: number, taskToken: string): Promise<void> {
    const recorded = await this.deps.store.recordTaskToken(dossierId, step, version, taskToken);
    if (!recorded) {
      throw new StaleWait(
        `Le dossier ${dossierId} n'est plus à l'étape ${step} (version ${version}) : l'attente est dépassée.`,
      );
    }
  }

  /**
   * The deadline of the wait `step` at `version` has passed: the system applies the rule book's tacit outcome
   * (DELAI_EXPIRE), its clock record in the same transaction. Nothing happens when the dossier has moved on, or when
   * the rule finds nothing to apply (no deadline runs, not yet expired): the clock is then recorded as it stands.
   * Returns where the dossier now stands, for the execution's next state.
   */
  async applyTimeout(
    dossierId: string,
    step: string,
    version: number,
  ): Promise<DossierSituation & { applied: boolean; reason?: string }> {
    const record = await this.deps.dossiers.load(dossierId);
    const notApplied = async (reason: string) => ({
      ...(await this.recordClockView(dossierId)),
      applied: false,
      reason,
    });
    if (!record.open || record.version !== version || record.state.state !== step) {
      return notApplied('DOSSIER_DEJA_AVANCE');
    }
    try {
      const result = await this.deps.dossiers.act({
        dossierId,
        actor: 'SYSTEM',
        action: { type: 'DELAI_EXPIRE', step: step as Dossier['state'] },
        expectedVersion: version,
        fromWorkflow: true,
      });
      return { ...(result.situation ?? (await this.situation(dossierId))), applied: true };
    } catch (e) {
      const code = isDomainError(e) ? e.code : undefined;
      if (code && NOTHING_TO_APPLY_ON_TIMEOUT.includes(code)) return notApplied(code);
      throw e;
    }
  }

  /**
   * « Charger le dossier » and « Mettre à jour le délai de paiement » on entering the circuit (first deposit, resume,
   * a wait found stale): records the DGP clock as it stands (status, échéance, holder, days used by each actor,
   * lateness and interest) on the clock item, with an audit event, when its status, échéance or holder changed since
   * the last record (a decision records it in its own transaction; time alone may move it). Returns the situation.
   */
  async recordClockView(dossierId: string): Promise<DossierSituation> {
    return this.withFreshRecord(dossierId, async (record) => {
      if (!record.open || !record.clock?.start) return undefined;
      const view = await this.deps.dossiers.currentClockView(record);
      const due = clockRecordDue(view, record.version, record.clockRecord, this.deps.clock.now());
      if (!due) return undefined;
      await this.deps.store.appendRecord({
        dossierId,
        expectedVersion: record.version,
        lastEventSeq: record.lastEventSeq,
        lastEventHash: record.lastEventHash,
        events: [due.event],
        clockView: due.snapshot,
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
      if (!needsTransmission(record.state, record.workflow.transmittedFor)) return undefined;
      const d = record.state;
      const piece = d.pieces.find((p) => p.id === d.currentPieceId);
      const destinataire = piece?.destinataire ?? d.parties.serviceFinancier;
      await this.deps.store.appendRecord({
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
        metaSet: { transmittedFor: transmissionKey(record.state) },
        condition: {
          expression: 'attribute_not_exists(transmittedFor) OR transmittedFor <> :tv',
          values: { ':tv': transmissionKey(record.state) },
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
      const view = await this.deps.dossiers.currentClockView(record);
      const snapshot = view ? clockSnapshot(view, record.version) : undefined;
      await this.deps.store.appendRecord({
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
        metaSet: { workflowClosedAt: this.deps.clock.now().toISOString() },
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
      const record = await this.deps.dossiers.find(dossierId);
      if (!record) return { recorded: false };
      if (record.workflow.failure?.execution === failure.execution) return { recorded: false };
      const at = this.deps.clock.now().toISOString();
      try {
        await this.deps.store.appendRecord({
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
    return situationOf(record, this.deps.clock.now());
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
      const record = await this.deps.dossiers.load(dossierId);
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
    return { at: this.deps.clock.now().toISOString(), type, actorRole: 'SYSTEM', details };
  }
}
