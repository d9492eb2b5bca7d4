/**
 * The contract between the dossier's state machine (workflows/dossier.ts) and the tasks it calls
 * (functions/workflow/tasks.ts): error names the definition catches, the situation the tasks return and the
 * definition reads, the audit events the workflow records, the names of its executions. Both sides import it.
 */

/** Error names the dossier workflow definition catches by name. */
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

/** The step of a closed dossier in the situation. */
export const CLOSED_STEP = 'CLOS';

/**
 * Longest wait the workflow arms when no deadline runs (or a deadline is further away): 300 days, under the one-year
 * limit of a Standard execution. When it passes, the tacit step finds nothing to apply and the wait is armed again.
 */
export const MAX_WAIT_SECONDS = 300 * 86_400;

/**
 * Age at which a running execution is renewed (stopped and started again from the dossier) by the daily resume:
 * a Standard execution may not run longer than one year, and a month of daily runs is left to do it.
 */
export const EXECUTION_RENEWAL_DAYS = 335;

/** Executions started before this instant are renewed by the resume run at `now`. */
export function executionRenewalCutoff(now: Date): Date {
  return new Date(now.getTime() - EXECUTION_RENEWAL_DAYS * 86_400_000);
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

/** Executions are named after the dossier; a resumed one carries the generation (names are unique for 90 days). */
export function executionName(dossierId: string, generation: number): string {
  return generation === 0 ? dossierId : `${dossierId}--r${generation}`;
}
