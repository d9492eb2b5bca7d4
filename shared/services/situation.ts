import { type AuditEvent, canonicalJson } from '../adapters/audit';
import type { RecordedClockView, StoredPending } from '../adapters/dynamo/dossier-types';
import { deadlineOf } from '../adapters/dynamo/pending';
import { type Dossier, needsTransmission } from '../domain/circuits';
import { clockDetails, clockRecordKey, clockSnapshot, type DgpClock, type DgpClockView } from '../domain/dgp';
import { DomainError } from '../domain/errors';
import { CLOSED_STEP, type DossierSituation, MAX_WAIT_SECONDS, WORKFLOW_EVENT_TYPES } from '../domain/workflow';
import { interestBaseOf } from './decisions';

/** What the situation of a dossier is computed from: the dossier as read, or as a decision has just saved it. */
export interface SituationSource {
  readonly dossierId: string;
  readonly version: number;
  readonly status: string;
  readonly open: boolean;
  readonly state: Dossier;
  readonly pending?: StoredPending | null;
  readonly workflow: { readonly transmittedFor?: string };
}

/** The head of a dossier as a change leaves it (its situation's source, with its pending action and marks). */
export function dossierHead(d: Dossier, version: number) {
  return { dossierId: d.id, version, status: d.status, open: !d.closed, state: d };
}

/**
 * Where the dossier stands, as its state machine reads it to choose its next state (workflows/dossier.ts): the
 * tasks return it, and a decision hands it back with the wait's task token, so that the execution goes straight to
 * its next wait. Pure but for `now`.
 */
export function situationOf(record: SituationSource, now: Date): DossierSituation {
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
      step: CLOSED_STEP,
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
  const deadlineAt = deadlineOf(pending);
  const remaining = deadlineAt === null ? MAX_WAIT_SECONDS : Math.ceil((Date.parse(deadlineAt) - now.getTime()) / 1000);
  return {
    ...base,
    closed: false,
    step: d.state,
    actorSiret: pending.actorSiret,
    allowedActions: (pending.allowedActions as string[] | undefined) ?? [],
    deadlineAt,
    timeoutSeconds: Math.min(MAX_WAIT_SECONDS, Math.max(1, remaining)),
    delaiExpire: deadlineAt !== null && remaining <= 0,
    aTransmettre: needsTransmission(d, record.workflow.transmittedFor),
  };
}

/**
 * « Mettre à jour le délai de paiement »: the DGP clock record due for `version` when its status, échéance or
 * holder changed since the last one (`previous`): the audit event and the `view` kept on the clock item. Undefined
 * when nothing changed.
 */
export function clockRecordDue(
  view: DgpClockView | null,
  version: number,
  previous: RecordedClockView | undefined,
  now: Date,
): { event: Omit<AuditEvent, 'seq'>; snapshot: RecordedClockView } | undefined {
  if (!view) return undefined;
  const snapshot = clockSnapshot(view, version);
  if (previous && clockRecordKey(previous) === clockRecordKey(snapshot)) return undefined;
  return {
    event: {
      at: now.toISOString(),
      type: WORKFLOW_EVENT_TYPES.clock,
      actorRole: 'SYSTEM',
      details: clockDetails(view),
    },
    snapshot,
  };
}

/**
 * A change leaves the DGP clock as it was read (same clock, same interest base; the parties and the opening piece
 * are fixed when the dossier opens): its items need not be written again.
 */
export function sameClock(
  before: { readonly clock?: DgpClock; readonly state: Dossier } | undefined,
  clock: DgpClock,
  after: Dossier,
): boolean {
  if (!before?.clock) return false;
  return (
    canonicalJson(before.clock) === canonicalJson(clock) &&
    canonicalJson(interestBaseOf(before.state)) === canonicalJson(interestBaseOf(after))
  );
}
