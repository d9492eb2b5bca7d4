import type { CalendarDate } from '../calendar';
import type { ClockEffect } from '../dgp/effects';
import type { Marche } from '../marche';
import type { Role } from '../roles';
import type { ActionType } from './actions';
import type { CadreCode } from './cadres';
import type { EtatAcomptePiece } from './etat-acompte-lines';
import type { CircuitKind, DossierKind, DossierOrigin, DossierState, OpenState } from './states';

/**
 * The dossier de facturation (docs/rules/circuits.md): one per monthly acompte, one per solde. Plain JSON data: it is stored
 * as is, and `pendingActionOf` rebuilds the pending wait from it alone (docs/DESIGN.md#how-a-dossier-flows step 5).
 */

export {
  DOSSIER_STATES,
  type DossierKind,
  type DossierOrigin,
  type DossierState,
  type OpenState,
} from './states';

/**
 * Chorus Pro statuses (docs/rules/circuits.md, docs/rules/circuits.md#service-financier), for pieces and for the dossier (the dossier's status is the
 * status shown for the step it stands at). Names are Chorus Pro's except `DGD_TACITE`, which Chorus Pro does not
 * name (ours, for the A22 that became the tacit DGD).
 */
export const PIECE_STATUSES = [
  'A_VALIDER_1', // waiting for the 1st valideur (titulaire / cotraitant / mandataire)
  'VALIDEE_1', // accepted by the 1st valideur
  'REFUSEE_1', // refused by the 1st valideur, with reasons (final)
  'ABSENCE_VALIDATION_1_HORS_DELAI', // 15 days of silence: accepted (CCP R2193-13)
  'A_VALIDER_2', // waiting for the 2nd valideur (mandataire)
  'VALIDEE_2',
  'REFUSEE_2',
  'ABSENCE_VALIDATION_2_HORS_DELAI',
  'MISE_A_DISPOSITION_MOE', // the MOE has it to examine
  'ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE', // the MOE let its delay pass
  'PRISE_EN_COMPTE_MOE', // the MOE deposited the next piece
  'REFUSEE_MOE', // refused by the MOE (wrong marché, wrong addressee, missing data) (final)
  'MISE_A_DISPOSITION_MOA', // the MOA has it to validate / answer
  'PRISE_EN_COMPTE_MOA', // the MOA deposited the next piece
  'REFUSEE_MOA', // refused by the MOA (final)
  'A_ASSOCIER_FOURNISSEUR', // DG notified, the titulaire must deposit the next piece (A8) or answer
  'ASSOCIEE', // DG answered by the signed DG (A8)
  'REFUSEE_FOURNISSEUR', // DG refused by the titulaire (final for the circuit; the différend goes on outside)
  'REMPLACEE_PAR_A22', // pending projet de DG replaced by the titulaire's A22
  'DGD_TACITE', // ours: A22 unanswered for 10 days, it is the tacit DGD (CCAG-T 2014 13.4.4)
  'MISE_A_DISPOSITION', // with the service financier
  'SERVICE_FAIT',
  'MANDATEE',
  'MISE_EN_PAIEMENT', // paid (final)
  'SUSPENDUE', // suspended, missing documents
  'COMPLETEE', // documents added, back with the service financier
  'A_RECYCLER', // sent back: wrong addressee
  'REJETEE', // rejected (final; a new piece needs a new number)
] as const;
export type PieceStatus = (typeof PIECE_STATUSES)[number];

/**
 * The statuses a dossier can close in (`close` takes no other): the refusals, the mandatement when the buyer does not
 * report the payment, the mise en paiement and the rejection (docs/rules/circuits.md). The closed dossiers' board is
 * read for these alone.
 */
export const CLOSING_STATUSES = [
  'REFUSEE_1',
  'REFUSEE_2',
  'REFUSEE_MOE',
  'REFUSEE_MOA',
  'REFUSEE_FOURNISSEUR',
  'MANDATEE',
  'MISE_EN_PAIEMENT',
  'REJETEE',
] as const satisfies readonly PieceStatus[];
export type ClosingStatus = (typeof CLOSING_STATUSES)[number];

/** How a closed dossier ended. */
export const DOSSIER_OUTCOMES = [
  'PAYE',
  'REFUSE_VALIDEUR',
  'REFUSE_MOE',
  'REFUSE_MOA',
  'REJETE',
  'DG_REFUSE', // the titulaire refused the DG: the différend follows the réclamation procedure, outside the circuit
  'MANDATE', // mandated; the buyer does not report the mise en paiement, so the circuit ends there (payment day unknown)
] as const;
export type DossierOutcome = (typeof DOSSIER_OUTCOMES)[number];

/** Amounts of a piece, integer cents (docs/rules/money.md). `ttcCents = htCents + tvaCents`. */
export interface Montants {
  readonly htCents: number;
  readonly tvaCents: number;
  readonly ttcCents: number;
}

/** Addressee of a piece sent to the service financier: only these three may change when recycled. */
export interface Destinataire {
  readonly siret: string;
  readonly codeService?: string;
  readonly engagementJuridique?: string;
}

export interface Piece {
  readonly id: string;
  readonly cadre: CadreCode;
  readonly numero: string;
  readonly depositorSiret: string;
  readonly depositorRole: Role;
  readonly depositedAt: string; // ISO instant
  readonly status: PieceStatus;
  readonly montants?: Montants;
  /** The lines of the état d'acompte and what they give (A4, A5, A6, A15, A16, A19; etat-acompte.ts). */
  readonly etatAcompte?: EtatAcomptePiece;
  /** A5 only: the amounts the MOA validated, which the titulaire's A6 must carry. */
  readonly montantsValides?: Montants;
  readonly previousPieceId: string | null;
  /** Pieces processed by the service financier. */
  readonly destinataire?: Destinataire;
}

/** A structure in a given role, snapshot from the marché when the dossier opens. */
export interface Party {
  readonly siret: string;
  readonly role: Role;
}

export interface DossierParties {
  /** The company paid, depositor of the first piece (titulaire / mandataire, sous-traitant, cotraitant). */
  readonly fournisseur: Party;
  /** Titulaire or mandataire: signs the DG, starts the tacit procedure (CCAG-T 2014 art. 13.4.3, 13.4.4, 13.5). */
  readonly titulaire: Party;
  /** Validation levels, in order (sous-traitant, cotraitant pieces); empty otherwise. */
  readonly valideurs: readonly Party[];
  /** null when the marché names no maître d'œuvre (circuit SANS_MOE). */
  readonly moe: Party | null;
  readonly moa: Party;
  /** Default addressee of the pieces sent to the service financier. */
  readonly serviceFinancier: Destinataire;
}

/** Marché parameters in force when the dossier opened (an avenant does not move the deadlines of a dossier). */
export interface DossierParams {
  readonly ccagVersion: '2009' | '2021';
  readonly delaiMoeJours: number;
  readonly dgpJours: number;
  readonly receptionDemandesPaiement: 'MOE' | 'MOA';
  /** Retenue de garantie rate (basis points), deducted from the base of late interest (décret 2013-269 art. 8). */
  readonly retenueGarantieBp?: number;
  /** The circuit chosen when the dossier opened (organisation.ts); absent on older dossiers: STANDARD. */
  readonly circuit?: CircuitKind;
  /** The buyer reports the mise en paiement (directory parameter); absent on older dossiers: true. */
  readonly miseEnPaiementRemontee?: boolean;
}

export interface ValidationRecord {
  readonly niveau: 1 | 2;
  readonly siret: string;
  readonly outcome: 'VALIDEE' | 'REFUSEE' | 'TACITE';
  readonly on: CalendarDate;
  readonly motifs?: string;
  /** The valideur's « Complément d'information », shown to every actor of the dossier. */
  readonly complementInformation?: string;
}

/**
 * The DGP as the circuit needs it: to date the waits that have no legal deadline of their own. Indicative only;
 * the DGP clock (shared/domain/dgp) is authoritative for payment and interest.
 */
export interface DgpTrack {
  readonly startedOn: CalendarDate;
  /** The current delay: from the start, or from the complete answer after a suspension (CCP R2192-29). */
  readonly runsFrom: CalendarDate;
  readonly days: number;
  /** null while suspended. */
  readonly echeance: CalendarDate | null;
  readonly suspendedOn: CalendarDate | null;
  readonly remainingDaysAtSuspension: number | null;
}

export interface SoldeTrack {
  /** Notification of the réception decision, when the titulaire gave it (CCAG-T 2014 art. 13.3.2). */
  readonly receptionNotifieeLe: CalendarDate | null;
  /** Receipt of the projet de décompte final by the MOE and by the MOA (CCAG-T 2014 art. 13.4.2). */
  readonly pdfRecuMoeLe: CalendarDate | null;
  readonly pdfRecuMoaLe: CalendarDate | null;
  readonly dgNotifieLe: CalendarDate | null;
  readonly projetDgTaciteLe: CalendarDate | null;
  /** Day the DGD formed: signed (A8), by silence, or tacitly. Not set when the DG is signed with reserves. */
  readonly dgdLe: CalendarDate | null;
  /** How the titulaire answered the DG, or how the DGD formed. */
  readonly issueDg: 'SIGNE' | 'SIGNE_AVEC_RESERVES' | 'REFUSE' | 'SILENCE' | 'TACITE' | null;
  /** Signed with reserves: the mémoire en réclamation goes on outside the circuit; sums admitted are paid. */
  readonly reclamation: {
    readonly memoire: string;
    readonly sommesAdmisesCents: number;
    readonly le: CalendarDate;
  } | null;
  readonly refusMotifs: string | null;
}

export interface Dossier {
  readonly id: string;
  readonly marcheId: string;
  readonly kind: DossierKind;
  readonly origin: DossierOrigin;
  readonly params: DossierParams;
  readonly parties: DossierParties;
  readonly state: DossierState;
  readonly status: PieceStatus;
  readonly closed: boolean;
  readonly outcome: DossierOutcome | null;
  /** Incremented by every transition; the first deposit makes version 1. */
  readonly version: number;
  readonly openedAt: string;
  readonly updatedAt: string;
  readonly pieces: readonly Piece[];
  /** The piece the current step is about. */
  readonly currentPieceId: string;
  /** The current wait: the day it started (trigger of its delay) and, when flagged late, since when. */
  readonly wait: { readonly since: CalendarDate; readonly lateSince: CalendarDate | null };
  readonly validations: readonly ValidationRecord[];
  /** CCP R2192-27: one suspension per dossier, by the MOA or the service financier. */
  readonly suspensionUsed: boolean;
  readonly suspension: {
    /** Who suspended (absent on older dossiers: the service financier). */
    readonly by?: Party;
    /** The state the dossier returns to once completed (absent: TRAITEMENT_SERVICE_FINANCIER). */
    readonly resumeState?: 'VALIDATION_MOA' | 'TRAITEMENT_SERVICE_FINANCIER';
    readonly on: CalendarDate;
    readonly documentsManquants: readonly string[];
    readonly completedOn: CalendarDate | null;
  } | null;
  readonly moeHorsDelai: boolean;
  readonly dgp: DgpTrack | null;
  readonly solde: SoldeTrack | null;
  /** Refusal or rejection that closed the dossier. */
  readonly refus: { readonly by: Party; readonly motif: string; readonly on: CalendarDate } | null;
}

/** A structure acting in the roles it holds on the marché (the user's right to act for it is checked elsewhere). */
export interface Actor {
  readonly siret: string;
  readonly roles: readonly Role[];
}
export type ActorOrSystem = Actor | 'SYSTEM';

export const EVENT_TYPES = [
  'PIECE_DEPOSEE',
  'DEPOT_HORS_DELAI',
  'PIECE_VALIDEE',
  'VALIDATION_TACITE',
  'PIECE_REFUSEE',
  'MISE_A_DISPOSITION',
  'MONTANTS_CORRIGES',
  'ETAT_ACOMPTE_VALIDE_MOA',
  'DELAI_MOE_DEPASSE',
  'SAISINE_DIRECTE_MOA',
  'DG_NON_NOTIFIE_DANS_LE_DELAI',
  'DECOMPTE_GENERAL_NOTIFIE',
  'DGD_SIGNE',
  'DGD_SIGNE_AVEC_RESERVES',
  'DG_REFUSE',
  'DGD_PAR_SILENCE',
  'PIECE_REMPLACEE',
  'DGD_TACITE',
  'SERVICE_FAIT',
  'MANDATEE',
  'MISE_EN_PAIEMENT',
  'SUSPENDUE',
  'COMPLETEE',
  'MISE_A_RECYCLER',
  'RECYCLEE',
  'REJETEE',
  'RETARD_SIGNALE',
  'DOSSIER_CLOS',
] as const;
export type DossierEventType = (typeof EVENT_TYPES)[number];

export interface DossierEvent {
  readonly type: DossierEventType;
  readonly at: string; // ISO instant
  readonly actorSiret: string | null; // null for SYSTEM
  readonly role: Role | 'SYSTEM';
  readonly pieceId: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

/** What the system does when a wait's deadline passes (the outcome of the DELAI_EXPIRE transition). */
export type TimeoutEffect =
  | 'ACCEPTATION_TACITE' // validation: silence is acceptance
  | 'ABSENCE_VALIDATION_MOE' // MOE silent: the fournisseur may address the MOA
  | 'DG_NON_NOTIFIE' // DG not notified in time: the titulaire may start the tacit procedure
  | 'DGD_PAR_SILENCE' // DG not answered: it is the DGD
  | 'DGD_TACITE' // A22 unanswered: it is the DGD
  | 'RETARD_SIGNALE'; // no tacit effect: flagged late, the wait goes on without a deadline

export interface TimeoutRule {
  readonly effect: TimeoutEffect;
  /** French, for screens and notifications. */
  readonly description: string;
}

export interface DeadlineBasis {
  readonly trigger: CalendarDate;
  readonly days: number;
  readonly extendedToWorkingDay: boolean;
  readonly lastDay: CalendarDate;
  readonly source: string;
}

export interface PendingActor {
  readonly actorSiret: string;
  readonly actorRole: Role;
  readonly allowedActions: readonly ActionType[];
}

export interface PendingAction extends PendingActor {
  readonly dossierId: string;
  readonly dossierVersion: number;
  /** Equal to the dossier's state. */
  readonly step: OpenState;
  /** The day the wait began: the trigger of its delay (the dossier's `wait.since`). */
  readonly since: CalendarDate;
  /** Others who may also act in this step (e.g. the late MOE, the service financier rejecting a suspended piece). */
  readonly otherActors: readonly PendingActor[];
  /** null when no deadline runs (the wait was flagged late, or the rule book gives none). */
  readonly lastDay: CalendarDate | null;
  readonly deadlineAt: string | null; // endOfParisDay(lastDay), ISO
  readonly reminderAt: string | null; // start of the Paris day `reminderDaysBefore` before lastDay, ISO
  readonly deadline: DeadlineBasis | null;
  readonly onTimeout: TimeoutRule | null;
  readonly lateSince: CalendarDate | null;
}

export interface TransitionResult {
  readonly dossier: Dossier;
  readonly events: readonly DossierEvent[];
  readonly clockEffects: readonly ClockEffect[];
  readonly pending: PendingAction | null;
}

/** Platform parameters of the circuits. */
export interface CircuitOptions {
  /** Reminder this many days before a wait's last day (assumption H7: 3). */
  readonly reminderDaysBefore: number;
  /** Delay given to the fournisseur to complete a suspended piece before it is flagged late (assumption H6: 30). */
  readonly delaiComplementJours: number;
}

export const DEFAULT_CIRCUIT_OPTIONS: CircuitOptions = { reminderDaysBefore: 3, delaiComplementJours: 30 };

/** The circuit options of a marché: its own reminder days (`rappelJoursAvant`), the platform's defaults otherwise. */
export function circuitOptionsOf(marche: Pick<Marche, 'rappelJoursAvant'>): CircuitOptions {
  return { ...DEFAULT_CIRCUIT_OPTIONS, reminderDaysBefore: marche.rappelJoursAvant };
}
