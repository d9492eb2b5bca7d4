import type { CalendarDate } from '../calendar';
import type { ClockEffect, ClockHolder } from '../dgp/effects';
import { dgpStartAcompteMensuel } from '../dgp/start';
import { validatePieceNumber } from '../documents';
import type { Marche } from '../marche';
import type { PieceInput } from './actions';
import type { CadreCode } from './cadres';
import { dgpStarted } from './deadlines';
import { checkEtatAcompte, checkEtatAcompteCadre } from './etat-acompte';
import { moaStepHolder } from './organisation';
import { refusal } from './refusals';
import type {
  CircuitOptions,
  ClosingStatus,
  Destinataire,
  Dossier,
  DossierEventType,
  DossierOutcome,
  DossierState,
  Montants,
  Party,
  Piece,
  PieceStatus,
} from './types';

/** What a handler receives: the dossier, who acts (null = the system), when. */
export interface Ctx {
  readonly marche: Marche;
  readonly dossier: Dossier;
  readonly actor: Party | null;
  readonly now: Date;
  readonly today: CalendarDate;
  readonly options: CircuitOptions;
}

export interface EventSeed {
  readonly type: DossierEventType;
  readonly pieceId?: string | null;
  readonly details?: Record<string, unknown>;
}

/** What a handler returns; `transition` stamps version, time and actor. */
export interface Change {
  readonly dossier: Dossier;
  readonly events: readonly EventSeed[];
  readonly clockEffects: readonly ClockEffect[];
}

export function actorOf(ctx: Ctx): Party {
  if (!ctx.actor) throw new Error('a human action needs an actor');
  return ctx.actor;
}

// docs/rules/money.md: exact amounts, integer cents; TTC = HT + TVA
export function checkMontantsSum(m: Montants): void {
  if (m.htCents + m.tvaCents !== m.ttcCents) {
    const message = `Montants incohérents : HT ${m.htCents} + TVA ${m.tvaCents} ≠ TTC ${m.ttcCents} (centimes). Corrigez le total TTC.`;
    throw refusal('MONTANTS_INCOHERENTS', message, [{ path: 'piece.montants.ttcCents', message }]);
  }
}

/** A new piece of the chain, deposited by the acting structure under `cadre`. */
export function newPiece(
  now: Date,
  dossier: Dossier | undefined,
  input: PieceInput,
  cadre: CadreCode,
  depositor: Party,
  previousPieceId: string | null,
  status: PieceStatus,
  destinataire?: Destinataire,
): Piece {
  // docs/rules/cadres.md: the action and the role fix the cadre of a follow-up piece
  if (input.cadre !== undefined && input.cadre !== cadre) {
    const message = `Cette pièce se dépose sous le cadre ${cadre}, pas ${input.cadre}.`;
    throw refusal('CADRE_INATTENDU', message, [{ path: 'piece.cadre', message }]);
  }
  const numero = validatePieceNumber(input.numero);
  if (!numero.ok) throw numero.error;
  if (input.montants) checkMontantsSum(input.montants);
  const pieces = dossier?.pieces ?? [];
  // docs/rules/documents.md#piece-numbers: a piece number is unique per depositing structure (the table enforces it across dossiers)
  if (pieces.some((p) => p.id === input.id || (p.numero === input.numero && p.depositorSiret === depositor.siret))) {
    throw refusal(
      'PIECE_DEJA_PRESENTE',
      `La pièce ${input.numero} figure déjà dans ce dossier : donnez un nouveau numéro à une nouvelle pièce.`,
      [{ path: 'piece.numero', message: 'déjà utilisé' }],
    );
  }
  const piece: Piece = {
    id: input.id,
    cadre,
    numero: input.numero,
    depositorSiret: depositor.siret,
    depositorRole: depositor.role,
    depositedAt: now.toISOString(),
    status,
    ...(input.montants ? { montants: input.montants } : {}),
    previousPieceId,
    ...(destinataire ? { destinataire } : {}),
  };
  return dossier ? attachEtatAcompte(piece, input.etatAcompte, dossier.params) : piece;
}

/**
 * The état d'acompte lines a piece carries, checked against its amounts (docs/rules/money.md#état-dacompte): the
 * piece keeps the lines and every figure derived from them; its amounts are those of the lines.
 */
export function attachEtatAcompte(
  piece: Piece,
  lignes: unknown,
  params: Pick<Dossier['params'], 'retenueGarantieBp'>,
): Piece {
  if (lignes === undefined) return piece;
  checkEtatAcompteCadre(piece.cadre);
  const { etat, montants } = checkEtatAcompte(params, lignes, piece.montants);
  return { ...piece, montants, etatAcompte: etat };
}

export function addPiece(d: Dossier, piece: Piece): Dossier {
  return { ...d, pieces: [...d.pieces, piece] };
}

export function setPieceStatus(d: Dossier, pieceId: string, status: PieceStatus): Dossier {
  return { ...d, pieces: d.pieces.map((p) => (p.id === pieceId ? { ...p, status } : p)) };
}

export function updatePiece(d: Dossier, pieceId: string, patch: Partial<Piece>): Dossier {
  return { ...d, pieces: d.pieces.map((p) => (p.id === pieceId ? { ...p, ...patch } : p)) };
}

/** Enters a new wait: state, status shown, the piece it is about, the day its delay starts. */
export function moveTo(
  d: Dossier,
  state: DossierState,
  status: PieceStatus,
  since: CalendarDate,
  currentPieceId: string = d.currentPieceId,
): Dossier {
  return { ...d, state, status, currentPieceId, wait: { since, lateSince: null } };
}

export function close(d: Dossier, outcome: DossierOutcome, status: ClosingStatus, today: CalendarDate): Dossier {
  return { ...d, state: 'CLOS', status, closed: true, outcome, wait: { since: today, lateSince: null } };
}

/** The DGP starts (day 0 = `on`) with `holder` (docs/rules/dgp.md#start). */
export function startClock(d: Dossier, on: CalendarDate, holder: ClockHolder): Change {
  return {
    dossier: { ...d, dgp: dgpStarted(on, d.params.dgpJours) },
    events: [],
    clockEffects: [{ kind: 'START', on, holder }],
  };
}

/**
 * The dossier reaches `holder`: the DGP starts there when that is the receiver of payment requests named in the
 * marché (CCP R2192-12; docs/rules/dgp.md#start) and has not started yet, else the clock is handed over.
 */
export function reach(d: Dossier, on: CalendarDate, holder: ClockHolder): Change {
  if (d.dgp) return { dossier: d, events: [], clockEffects: [{ kind: 'HAND_OVER', on, holder }] };
  if (holder === 'SERVICE_FINANCIER') return { dossier: d, events: [], clockEffects: [] };
  const start = dgpStartAcompteMensuel({
    receiver: d.params.receptionDemandesPaiement,
    madeAvailableTo: { [holder]: on },
  });
  return start ? startClock(d, start.on, start.holder) : { dossier: d, events: [], clockEffects: [] };
}

/**
 * The dossier reaches the holder of the MOA's step (the MOA, or the MOE it delegated validation to): the DGP starts
 * there when the marché names the MOA as receiver of payment requests (the delegate receives for it), else the
 * clock is handed over.
 */
export function reachMoaStep(d: Dossier, on: CalendarDate): Change {
  const holder: ClockHolder = moaStepHolder(d).role === 'MOE' ? 'MOE' : 'MOA';
  if (d.dgp) return { dossier: d, events: [], clockEffects: [{ kind: 'HAND_OVER', on, holder }] };
  // The delegate receives for the MOA: the request is made available to the MOA on that day
  const start = dgpStartAcompteMensuel({ receiver: d.params.receptionDemandesPaiement, madeAvailableTo: { MOA: on } });
  return start ? startClock(d, start.on, holder) : { dossier: d, events: [], clockEffects: [] };
}

/** CANCEL when a running DGP ends without payment (refusal, rejection). */
export function cancelClock(d: Dossier, on: CalendarDate, reason: string): ClockEffect[] {
  return d.dgp ? [{ kind: 'CANCEL', on, reason }] : [];
}

export function montantsDiffer(a: Montants | undefined, b: Montants | undefined): boolean {
  if (!a || !b) return false;
  return a.htCents !== b.htCents || a.tvaCents !== b.tvaCents || a.ttcCents !== b.ttcCents;
}
