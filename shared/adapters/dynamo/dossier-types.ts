import type { AuditEvent, ChainedEvent } from '../audit';
import type { PieceCoWrite } from './piece-co-writes';
import type { TransactItem } from './transactions';

/** A dossier's wait as its PENDING item stores it (who, which step, by when, and the workflow's task token). */
export interface StoredPending {
  readonly step: string;
  readonly actorSiret: string;
  readonly deadlineAt: string;
  readonly taskToken?: string;
  readonly [key: string]: unknown;
}

/**
 * What the dossier's Step Functions execution has recorded on the META item, outside the dossier's versioned state
 * (these marks never change `version`, so that a user's If-Match stays valid while the workflow works).
 */
export interface WorkflowMarks {
  /** Generation of the current execution: 0 for the first, +1 for each resume (`executionName`). */
  readonly generation: number;
  /** What was last transmitted to the service financier (piece, status, addressee). */
  readonly transmittedFor?: string;
  /** When the workflow recorded the end of the circuit. */
  readonly closedAt?: string;
  /** The last execution that ended in failure. */
  readonly failure?: { readonly execution: string; readonly at: string; readonly error: string };
}

/** The DGP clock as the workflow last recorded it (CLOCK item, attribute `view`). */
export interface RecordedClockView {
  readonly forVersion: number;
  readonly [key: string]: unknown;
}

export interface DossierSnapshot<S = unknown, C = unknown> {
  readonly dossierId: string;
  readonly version: number;
  readonly marcheId: string;
  readonly status: string;
  readonly open: boolean;
  readonly state: S;
  readonly clock?: C;
  readonly pending?: StoredPending;
  readonly events: ChainedEvent[];
  readonly pieces: Record<string, unknown>[];
  readonly files: Record<string, unknown>[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastEventSeq: number;
  readonly lastEventHash: string;
  readonly workflow: WorkflowMarks;
  readonly clockRecord?: RecordedClockView;
}

export interface DossierWrite<S = unknown, C = unknown> {
  readonly dossierId: string;
  readonly marcheId: string;
  /** The version read; `0` creates the dossier (fails if it exists). */
  readonly expectedVersion: number;
  readonly status: string;
  readonly open: boolean;
  readonly state: S;
  /** When the dossier was created (read with it; a new dossier's is the save's `now`): its marché lists' sort key. */
  readonly createdAt?: string;
  /** Structures that see this dossier in their "Tableau de bord". */
  readonly structures: readonly string[];
  readonly previousStatus?: string;
  /**
   * Whether the dossier was open when read (absent on a creation): a close moves its board and list entries. Absent
   * on an update, its entry in the marché's open or closed dossiers is written again.
   */
  readonly previousOpen?: boolean;
  readonly clock?: {
    readonly value: C;
    readonly moaSiret: string;
    /** The dossier's service financier: its « Délais » list the open clock too (one more index item, if not the MOA). */
    readonly serviceFinancierSiret?: string;
    /** The dossier's opening piece (cadre and numéro), kept beside the clock so the Délais view names the dossier. */
    readonly piece?: { readonly cadre: string; readonly numero: string };
    readonly echeance?: string;
    readonly open: boolean;
    /** Base of late interest kept beside the clock, so that the MOA's Délais view computes it from its index alone. */
    readonly interestBase?: { readonly amountDueCents: number; readonly retenueGarantieCents: number };
    /**
     * The clock and its interest base are the ones read at `expectedVersion`: its items (and their index entries)
     * are not written again; the version condition on META keeps them from going stale.
     */
    readonly unchanged?: boolean;
  };
  /** The DGP clock view recorded with this change (« Mettre à jour le délai de paiement »), kept on the clock item. */
  readonly clockView?: RecordedClockView;
  /** `null` removes the pending action; `undefined` leaves it untouched. */
  readonly pending?: StoredPending | null;
  /**
   * The task token seen on the pending action when the dossier was read (`null`: none). Replacing the pending action
   * is conditioned on it, so that a token recorded by the workflow in between is never silently dropped.
   */
  readonly expectedTaskToken?: string | null;
  /** The pending action read with the dossier, to remove the index entries of structures no longer concerned. */
  readonly previousPending?: StoredPending;
  readonly events: readonly AuditEvent[] | readonly Omit<AuditEvent, 'seq'>[];
  readonly lastEventSeq: number;
  readonly lastEventHash: string;
  /** Written in the same transaction: a piece sent with this change, its unused upload forms cancelled. */
  readonly coWrites?: readonly PieceCoWrite[];
  /** Notification outbox entries and the wait's reminder (issue 13): unconditional, written with the dossier. */
  readonly notificationItems?: readonly TransactItem[];
  /**
   * The request's completed idempotency record, written in this transaction (conditioned: no live record holds its
   * key), built from what the save writes: the new version and the chained events its response names.
   */
  readonly completion?: (saved: SavedDossier) => Promise<TransactItem>;
  readonly now: Date;
}

/** What a save wrote: the dossier's new version and its audit events as chained. */
export interface SavedDossier {
  readonly version: number;
  readonly events: ChainedEvent[];
}

/** What the workflow appends to a dossier without changing its version (see `appendRecord`). */
export interface DossierRecord {
  readonly dossierId: string;
  readonly expectedVersion?: number;
  readonly lastEventSeq: number;
  readonly lastEventHash: string;
  readonly events: readonly Omit<AuditEvent, 'seq'>[];
  readonly metaSet?: Readonly<Record<string, unknown>>;
  readonly condition?: {
    readonly expression: string;
    readonly names?: Readonly<Record<string, string>>;
    readonly values?: Readonly<Record<string, unknown>>;
  };
  readonly clockView?: RecordedClockView;
}

/** The workflow recorded a task token between our read and our write: read again and retry. */
export class TaskTokenChanged extends Error {
  override readonly name = 'TaskTokenChanged';
}

/** A workflow record was appended between our read and our write (same version): read again and retry. */
export class AuditChainMoved extends Error {
  override readonly name = 'AuditChainMoved';
}

/** A workflow record's conditions failed (the dossier or its audit chain moved on, or it is already recorded). */
export class RecordConflict extends Error {
  override readonly name = 'RecordConflict';
}
