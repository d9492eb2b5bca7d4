import type { AuditEvent, ChainedEvent } from '../adapters/audit';
import type { CallerAccess, StructureCardWanted } from '../adapters/dynamo/access-reads';
import type { DossierSnapshot } from '../adapters/dynamo/dossier-types';
import type { IdentityStore } from '../adapters/dynamo/identity-store';
import type { PieceCoWrite } from '../adapters/dynamo/piece-co-writes';
import type { TransactItem } from '../adapters/dynamo/transactions';
import {
  type Action,
  type ActorOrSystem,
  amountDue,
  type Dossier,
  type DossierEvent,
  type PendingAction,
  retenueGarantie,
} from '../domain/circuits';
import type { DgpClock } from '../domain/dgp';
import { DomainError } from '../domain/errors';
import type { Marche } from '../domain/marche';
import type { Stored } from '../domain/records';
import type { Structure } from '../domain/structures';
import type { DossierSituation } from '../domain/workflow';
import type { AccessStore, Actor } from './authorization';

/**
 * What a decision on a dossier takes and gives (`DossierService.act` / `decide`), and the pure pieces it is built
 * from: the audit events it appends, the interest base kept beside the clock, the identity reads of one decision.
 */
export type DossierRecord = DossierSnapshot<Dossier, DgpClock>;

/** What one decision writes besides the dossier, in the same transaction (a piece sent, its unused forms). */
export type CoWrites = readonly PieceCoWrite[];

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
  /** Written in the same transaction (the draft piece becoming sent, its unused forms cancelled). */
  readonly coWrites?: CoWrites;
  /**
   * The dossier's own execution applies this change (a tacit outcome): neither start it nor release the wait it
   * has just left (that wait's token timed out).
   */
  readonly fromWorkflow?: boolean;
  /** The dossier already read (first attempt only: a retry reads it again). */
  readonly record?: DossierRecord;
  readonly completion?: (result: ActResult) => Promise<TransactItem>;
}

/** A decision once its author is known: what `decide` applies. */
export interface Decision {
  readonly action: Action;
  readonly fileHashes?: readonly string[];
  readonly coWrites?: CoWrites;
}

/** What the API passes for a person's decision; the actor is resolved from the user (authorization). */
export interface DecideRequest {
  /** Absent for the first deposit (then `marcheId` is required). */
  readonly dossierId?: string;
  readonly marcheId?: string;
  readonly userId: string;
  /** The structure the user acts for, when it could act for several. */
  readonly actingSiret?: string;
  /** The action (its type decides the space the user must act in). */
  readonly action: Action;
  /** Required on an existing dossier: the version the user read (If-Match). */
  readonly expectedVersion?: number;
  readonly fileHashes?: readonly string[];
  readonly coWrites?: CoWrites;
  /**
   * Builds the decision once the user is authorized (a piece sent with its action: the draft must be the actor's,
   * its files verified). Default: `action`, `fileHashes` and `coWrites` as given.
   */
  readonly prepare?: (actor: Actor, record: DossierRecord | undefined) => Promise<Decision>;
  /** The dossier as the caller read it (with its pieces and files), so that the decision does not read it again. */
  readonly record?: DossierRecord;
  /**
   * The request's completed idempotency record, built from the decision's result before it is written, and written
   * in the same transaction (shared/http/middlewares/idempotency.ts).
   */
  readonly completion?: (result: ActResult) => Promise<TransactItem>;
}

export interface ActResult {
  readonly dossier: Dossier;
  readonly version: number;
  readonly pending: PendingAction | null;
  readonly clock: DgpClock;
  readonly events: readonly ChainedEvent[];
  readonly previousStatus: string | null;
  /** Where the dossier now stands for its execution (undefined if its pending action is incoherent). */
  readonly situation?: DossierSituation;
}

/**
 * The identity reads of one decision: each structure read at most once (the actor's, the addressee's, the buyer's);
 * `preload` reads several structures' cards in one round trip for the `getStructure` calls that follow.
 */
export type IdentityReads = AccessStore & {
  preload(wanted: readonly StructureCardWanted[]): Promise<void>;
};

/** Structures' cards in one read, each with the one service named (AccessReads.structureCards). */
export type StructureCards = (
  wanted: readonly StructureCardWanted[],
) => Promise<Map<string, Stored<Structure> | undefined>>;

/**
 * `cards`, when given, answers `preload` of two structures or more; a preloaded card carries only the service its
 * caller named, which is all the directory checks read (shared/services/directories.ts). `callerOnMarche`, when
 * given, reads the access of a caller that names no structure in one read (authorization.ts, `loadAccess`).
 */
export function readOnce(
  store: IdentityStore,
  cards?: StructureCards,
  callerOnMarche?: AccessStore['callerOnMarche'],
): IdentityReads {
  const structures = new Map<string, ReturnType<IdentityStore['getStructure']>>();
  return {
    ...(callerOnMarche ? { callerOnMarche } : {}),
    getUser: (userId) => store.getUser(userId),
    membershipsOfUser: (userId) => store.membershipsOfUser(userId),
    getStructure: (siret) => structures.get(siret) ?? structures.set(siret, store.getStructure(siret)).get(siret)!,
    preload: async (wanted) => {
      const missing = wanted.filter((w) => !structures.has(w.siret));
      if (!cards || missing.length < 2) return;
      for (const [siret, card] of await cards(missing)) structures.set(siret, Promise.resolve(card));
    },
  };
}

export function unknownDossier(dossierId: string): DomainError {
  return new DomainError('DOSSIER_INCONNU', `Le dossier ${dossierId} n'existe pas.`, 'NOT_FOUND');
}

export function toAuditEvent(
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
    // The files an event brings: a piece's at its deposit, the documents answering a suspension
    fileHashes:
      (e.type === 'PIECE_DEPOSEE' || e.type === 'COMPLETEE') && fileHashes?.length ? [...fileHashes] : undefined,
  };
}

/** The base of late interest, kept beside the clock for the Délais view (nothing while no amount is known). */
export function interestBaseOf(d: Dossier): {
  interestBase?: { amountDueCents: number; retenueGarantieCents: number };
} {
  const due = amountDue(d);
  return due === undefined
    ? {}
    : { interestBase: { amountDueCents: due, retenueGarantieCents: retenueGarantie(d, due) } };
}

/** Who acts, decided on the dossier and marché as read: a fixed actor (`act`) or an authorized user (`decide`). */
export type Author = (
  record: DossierRecord | undefined,
  marche: Marche,
  identity: IdentityReads,
  access: CallerAccess | undefined,
) => Promise<{ actor: ActorOrSystem } & Decision>;

export interface Target {
  readonly dossierId?: string;
  readonly marcheId?: string;
  readonly actionType: string;
  readonly expectedVersion?: number;
  /** A person's decision on an existing dossier names the version it read. */
  readonly versionRequired: boolean;
  readonly userId?: string;
  /** The structure the user says it acts for (its access is then read with the marché). */
  readonly actingSiret?: string;
  readonly fromWorkflow?: boolean;
  /** The dossier already read (first attempt only: a retry reads it again). */
  readonly record?: DossierRecord;
  readonly completion?: (result: ActResult) => Promise<TransactItem>;
}
