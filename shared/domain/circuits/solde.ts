import type { CalendarDate } from '../calendar';
import type { ClockEffect } from '../dgp/effects';
import type { DgpStart } from '../dgp/start';
import { toServiceFinancier } from './acompte';
import type { ActionOf, PieceInput } from './actions';
import type { CadreCode } from './cadres';
import { deadlineInstant, delaiNotificationDecompteGeneral, dgpStarted } from './deadlines';
import {
  actorOf,
  addPiece,
  type Change,
  type Ctx,
  close,
  type EventSeed,
  moveTo,
  newPiece,
  setPieceStatus,
} from './ops';
import { moaStepHolder } from './organisation';
import { currentPiece, projetDgMoe } from './permissions';
import type { Dossier, SoldeTrack } from './types';

/**
 * Solde: projet de décompte final → projet de DG (MOE) → DG (MOA) → DGD, and the tacit procedure (docs/rules/circuits.md;
 * CCAG-T 2014 art. 13.3, 13.4 / 2021 art. 12.3, 12.4).
 */

function withSolde(d: Dossier, patch: Partial<SoldeTrack>): Dossier {
  return { ...d, solde: { ...d.solde!, ...patch } };
}

/** CCAG-T 2014 art. 13.4.1: the MOE draws up the décompte final and the projet de décompte général (A17). */
export function deposerProjetDecompteGeneral(ctx: Ctx, action: ActionOf<'DEPOSER_PROJET_DECOMPTE_GENERAL'>): Change {
  const d = ctx.dossier;
  const pdf = currentPiece(d);
  const a17 = newPiece(ctx.now, d, action.piece, 'A17', actorOf(ctx), pdf.id, 'MISE_A_DISPOSITION_MOA');
  let dossier = addPiece(setPieceStatus(d, pdf.id, 'PRISE_EN_COMPTE_MOE'), a17);
  const holder = moaStepHolder({ ...d, state: 'NOTIFICATION_DG_MOA' });
  const events: EventSeed[] = [
    { type: 'PIECE_DEPOSEE', pieceId: a17.id, details: { cadre: 'A17', numero: a17.numero } },
    {
      type: 'MISE_A_DISPOSITION',
      pieceId: a17.id,
      details: { destinataireSiret: holder.siret, destinataireRole: holder.role },
    },
  ];
  // After the DG delay (DG_NON_NOTIFIE) the late A17 is recorded; the titulaire keeps its tacit route open
  dossier =
    d.state === 'DG_NON_NOTIFIE'
      ? { ...dossier, currentPieceId: a17.id, status: 'MISE_A_DISPOSITION_MOA' }
      : moveTo(dossier, 'NOTIFICATION_DG_MOA', 'MISE_A_DISPOSITION_MOA', ctx.today, a17.id);
  return { dossier, events, clockEffects: [] };
}

/**
 * CCAG-T 2014 art. 13.4.2 (and 13.4.4 after an A22): the MOA notifies the décompte général (A20), or the MOE it
 * delegated to (A18).
 */
export function notifierDecompteGeneral(ctx: Ctx, action: ActionOf<'NOTIFIER_DECOMPTE_GENERAL'>): Change {
  const d = ctx.dossier;
  const previous = currentPiece(d);
  // The MOE the MOA delegated to notifies the DG under A18 (organisation.ts)
  const byMoe = actorOf(ctx).role === 'MOE';
  const cadre = byMoe ? 'A18' : 'A20';
  const a20 = newPiece(ctx.now, d, action.piece, cadre, actorOf(ctx), previous.id, 'A_ASSOCIER_FOURNISSEUR');
  let dossier = addPiece(setPieceStatus(d, previous.id, byMoe ? 'PRISE_EN_COMPTE_MOE' : 'PRISE_EN_COMPTE_MOA'), a20);
  dossier = withSolde(moveTo(dossier, 'SIGNATURE_DG_TITULAIRE', 'A_ASSOCIER_FOURNISSEUR', ctx.today, a20.id), {
    dgNotifieLe: ctx.today,
  });
  const solde = d.solde!;
  const horsDelai =
    d.state === 'DG_NON_NOTIFIE' ||
    (solde.pdfRecuMoeLe !== null &&
      solde.pdfRecuMoaLe !== null &&
      ctx.now >=
        deadlineInstant(
          delaiNotificationDecompteGeneral(d.params.ccagVersion, solde.pdfRecuMoeLe, solde.pdfRecuMoaLe).lastDay,
        ));
  return {
    dossier,
    events: [
      { type: 'PIECE_DEPOSEE', pieceId: a20.id, details: { cadre, numero: a20.numero } },
      { type: 'DECOMPTE_GENERAL_NOTIFIE', pieceId: a20.id, details: { le: ctx.today, horsDelai } },
      {
        type: 'MISE_A_DISPOSITION',
        pieceId: a20.id,
        details: { destinataireSiret: d.parties.titulaire.siret, destinataireRole: d.parties.titulaire.role },
      },
    ],
    clockEffects: [],
  };
}

/**
 * The DGD (or the DG signed with reserves, for the sums admitted) reaches the MOA: the solde's DGP starts there
 * (CCP R2192-16; docs/rules/dgp.md#start) and the piece goes on to the service financier on `on`. A DGD formed by
 * silence gives its own start (`start`, from `dgpStartDgdTacite`).
 */
export function dgdToPayment(
  d: Dossier,
  on: CalendarDate,
  pieceId: string,
  events: EventSeed[],
  start: DgpStart = { on, holder: 'MOA' },
): Change {
  const started: Dossier = { ...d, dgp: dgpStarted(start.on, d.params.dgpJours) };
  const sf = toServiceFinancier(started, on, pieceId, events);
  const effect: ClockEffect = { kind: 'START', on: start.on, holder: start.holder };
  return { ...sf, clockEffects: [effect, ...sf.clockEffects] };
}

function signedDg(ctx: Ctx, input: PieceInput): { dossier: Dossier; pieceId: string; numero: string } {
  const d = ctx.dossier;
  const a20 = currentPiece(d);
  const a8 = newPiece(ctx.now, d, input, 'A8', actorOf(ctx), a20.id, 'MISE_A_DISPOSITION', d.parties.serviceFinancier);
  return { dossier: addPiece(setPieceStatus(d, a20.id, 'ASSOCIEE'), a8), pieceId: a8.id, numero: a8.numero };
}

/** CCAG-T 2014 art. 13.4.3: signed without reserves, the DG is the DGD (A8). */
export function signerDg(ctx: Ctx, action: ActionOf<'SIGNER_DG'>): Change {
  const { dossier, pieceId, numero } = signedDg(ctx, action.piece);
  const events: EventSeed[] = [
    { type: 'PIECE_DEPOSEE', pieceId, details: { cadre: 'A8', numero } },
    { type: 'DGD_SIGNE', pieceId, details: { le: ctx.today } },
  ];
  return dgdToPayment(withSolde(dossier, { dgdLe: ctx.today, issueDg: 'SIGNE' }), ctx.today, pieceId, events);
}

/**
 * CCAG-T 2014 art. 13.4.3 (2021: 12.4.3): signed with reserves, set out in a mémoire en réclamation; the sums
 * admitted are paid (their DGP starts), the réclamation goes on outside the circuit (art. 50 / 2021 art. 55).
 */
export function signerDgAvecReserves(ctx: Ctx, action: ActionOf<'SIGNER_DG_AVEC_RESERVES'>): Change {
  const { dossier, pieceId, numero } = signedDg(ctx, action.piece);
  const reclamation = {
    memoire: action.memoireReclamation,
    sommesAdmisesCents: action.sommesAdmisesCents,
    le: ctx.today,
  };
  const events: EventSeed[] = [
    { type: 'PIECE_DEPOSEE', pieceId, details: { cadre: 'A8', numero } },
    { type: 'DGD_SIGNE_AVEC_RESERVES', pieceId, details: reclamation },
  ];
  return dgdToPayment(withSolde(dossier, { issueDg: 'SIGNE_AVEC_RESERVES', reclamation }), ctx.today, pieceId, events);
}

/**
 * CCAG-T 2014 art. 13.4.3: the titulaire refuses to sign, with reasons. There is no DGD and nothing to pay under
 * this dossier: it closes (outcome DG_REFUSE) and the différend follows the réclamation procedure (art. 50 /
 * 2021 art. 55) outside the circuit; a settlement is paid through a new dossier.
 */
export function refuserDg(ctx: Ctx, action: ActionOf<'REFUSER_DG'>): Change {
  const d = ctx.dossier;
  let dossier = setPieceStatus(d, d.currentPieceId, 'REFUSEE_FOURNISSEUR');
  dossier = withSolde(close(dossier, 'DG_REFUSE', 'REFUSEE_FOURNISSEUR', ctx.today), {
    issueDg: 'REFUSE',
    refusMotifs: action.motifs,
  });
  dossier = { ...dossier, refus: { by: actorOf(ctx), motif: action.motifs, on: ctx.today } };
  return {
    dossier,
    events: [
      { type: 'DG_REFUSE', pieceId: d.currentPieceId, details: { motifs: action.motifs } },
      { type: 'DOSSIER_CLOS', details: { outcome: 'DG_REFUSE' } },
    ],
    clockEffects: [],
  };
}

/** CCAG-T 2014 art. 13.4.4: the MOA is late; the titulaire notifies a signed projet de DG (A22). */
export function deposerProjetDgTacite(ctx: Ctx, action: ActionOf<'DEPOSER_PROJET_DG_TACITE'>): Change {
  const d = ctx.dossier;
  const previous = currentPiece(d);
  const a22 = newPiece(ctx.now, d, action.piece, 'A22', actorOf(ctx), previous.id, 'MISE_A_DISPOSITION_MOA');
  const events: EventSeed[] = [
    { type: 'PIECE_DEPOSEE', pieceId: a22.id, details: { cadre: 'A22', numero: a22.numero } },
  ];
  let dossier = d;
  const pendingA17 = projetDgMoe(d);
  if (pendingA17) {
    // Chorus Pro status REMPLACEE_PAR_A22 (docs/rules/circuits.md#tacit-route)
    dossier = setPieceStatus(dossier, pendingA17.id, 'REMPLACEE_PAR_A22');
    events.push({ type: 'PIECE_REMPLACEE', pieceId: pendingA17.id, details: { remplaceePar: a22.id } });
  }
  events.push({
    type: 'MISE_A_DISPOSITION',
    pieceId: a22.id,
    details: {
      destinataireSiret: moaStepHolder({ ...d, state: 'REPONSE_MOA_PROJET_DG_TACITE' }).siret,
      destinataireRole: moaStepHolder({ ...d, state: 'REPONSE_MOA_PROJET_DG_TACITE' }).role,
    },
  });
  dossier = withSolde(
    moveTo(addPiece(dossier, a22), 'REPONSE_MOA_PROJET_DG_TACITE', 'MISE_A_DISPOSITION_MOA', ctx.today, a22.id),
    { projetDgTaciteLe: ctx.today },
  );
  return { dossier, events, clockEffects: [] };
}

/** docs/rules/cadres.md: tacit DGD deposited by the titulaire (A23), the MOE (A24) or the MOA (A25). */
const TACIT_DGD_CADRE = { TITULAIRE: 'A23', MANDATAIRE: 'A23', MOE: 'A24', MOA: 'A25' } as const;

export function deposerDgdTacite(ctx: Ctx, action: ActionOf<'DEPOSER_DGD_TACITE'>): Change {
  const d = ctx.dossier;
  const actor = actorOf(ctx);
  const cadre: CadreCode = TACIT_DGD_CADRE[actor.role as keyof typeof TACIT_DGD_CADRE];
  const a22 = currentPiece(d);
  const piece = newPiece(
    ctx.now,
    d,
    action.piece,
    cadre,
    actor,
    a22.id,
    'MISE_A_DISPOSITION',
    d.parties.serviceFinancier,
  );
  const events: EventSeed[] = [{ type: 'PIECE_DEPOSEE', pieceId: piece.id, details: { cadre, numero: piece.numero } }];
  return toServiceFinancier(addPiece(d, piece), ctx.today, piece.id, events);
}
