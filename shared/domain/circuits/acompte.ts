import type { CalendarDate } from '../calendar';
import { excerpt } from '../excerpt';
import { type ActionOf, MOTIFS_MONTANT, MOTIFS_REFUS, type MotifRefus } from './actions';
import { correctionsEtatAcompte } from './etat-acompte';
import {
  actorOf,
  addPiece,
  type Change,
  type Ctx,
  cancelClock,
  checkMontantsSum,
  close,
  type EventSeed,
  montantsDiffer,
  moveTo,
  newPiece,
  reachMoaStep,
  setPieceStatus,
  updatePiece,
} from './ops';
import { moaStepHolder } from './organisation';
import { currentPiece } from './permissions';
import { refusal } from './refusals';
import type { ClosingStatus, Destinataire, Dossier, DossierOutcome, Piece } from './types';

/** Monthly acompte: MOE → MOA (docs/rules/circuits.md; CCAG-T 2014 art. 13.1, 13.2 / 2021 art. 12.1, 12.2). */

/**
 * MOE / MOA refusal reasons. Chorus Pro KB0011867 (since 19/02/2025) and CCP R2192-34: a disagreement on amounts is
 * never a refusal reason; the amounts are corrected in the next piece and the sums admitted are paid.
 */
export function checkMotifRefus(motif: string, correctWith: string): MotifRefus {
  const m = motif.trim().toUpperCase();
  if ((MOTIFS_MONTANT as readonly string[]).includes(m)) {
    const message = `Un désaccord sur les montants n'est pas un motif de refus (Chorus Pro KB0011867 ; CCP R2192-34) : corrigez les montants en déposant ${correctWith} ; les sommes admises sont payées.`;
    throw refusal('REFUS_POUR_MONTANT_INTERDIT', message, [{ path: 'motif', message }]);
  }
  if (!(MOTIFS_REFUS as readonly string[]).includes(m)) {
    const message = `Motif de refus « ${excerpt(motif)} » non admis : choisissez ${MOTIFS_REFUS.join(', ')}.`;
    throw refusal('MOTIF_REFUS_INVALIDE', message, [{ path: 'motif', message }]);
  }
  return m as MotifRefus;
}

/** A refusal by the MOE or the MOA stops the dossier; the depositor starts a new one (docs/rules/circuits.md#refusals). */
export function refusalCloses(
  ctx: Ctx,
  motif: MotifRefus,
  commentaire: string | undefined,
  status: ClosingStatus,
  outcome: DossierOutcome,
): Change {
  const d = ctx.dossier;
  const by = actorOf(ctx);
  const dossier: Dossier = {
    ...close(setPieceStatus(d, d.currentPieceId, status), outcome, status, ctx.today),
    refus: { by, motif, on: ctx.today },
  };
  return {
    dossier,
    events: [
      { type: 'PIECE_REFUSEE', pieceId: d.currentPieceId, details: { motif, ...(commentaire ? { commentaire } : {}) } },
      { type: 'DOSSIER_CLOS', details: { outcome } },
    ],
    clockEffects: cancelClock(d, ctx.today, `Pièce refusée (${motif})`),
  };
}

export function refuserMoe(ctx: Ctx, action: ActionOf<'REFUSER_MOE'>): Change {
  const correctWith = ctx.dossier.kind === 'SOLDE' ? 'le projet de décompte général (A17)' : "l'état d'acompte (A15)";
  return refusalCloses(
    ctx,
    checkMotifRefus(action.motif, correctWith),
    action.commentaire,
    'REFUSEE_MOE',
    'REFUSE_MOE',
  );
}

export function refuserMoa(ctx: Ctx, action: ActionOf<'REFUSER_MOA'>): Change {
  const motif = checkMotifRefus(action.motif, "l'état d'acompte validé (A19)");
  return refusalCloses(ctx, motif, action.commentaire, 'REFUSEE_MOA', 'REFUSE_MOA');
}

/**
 * The dossier reaches the MOA's step (the MOA, or the MOE it delegated validation to): DGP started there, or
 * handed over (docs/rules/dgp.md#start).
 */
function toMoa(d: Dossier, ctx: Ctx, pieceId: string, events: EventSeed[]): Change {
  const moved = moveTo(d, 'VALIDATION_MOA', 'MISE_A_DISPOSITION_MOA', ctx.today, pieceId);
  const holder = moaStepHolder(moved);
  events.push({
    type: 'MISE_A_DISPOSITION',
    pieceId,
    details: { destinataireSiret: holder.siret, destinataireRole: holder.role },
  });
  const clock = reachMoaStep(moved, ctx.today);
  return { dossier: clock.dossier, events, clockEffects: clock.clockEffects };
}

/**
 * The amounts corrected by the next piece of the chain, and, when both carry the lines of an état d'acompte, the
 * line-by-line difference (docs/rules/money.md#état-dacompte: the MOE's corrections against the PDM).
 */
function corrections(previous: Piece, next: Piece): EventSeed | undefined {
  const lignes =
    previous.etatAcompte && next.etatAcompte ? correctionsEtatAcompte(previous.etatAcompte, next.etatAcompte) : [];
  if (!montantsDiffer(previous.montants, next.montants) && lignes.length === 0) return undefined;
  return {
    type: 'MONTANTS_CORRIGES',
    pieceId: next.id,
    details: { avant: previous.montants, apres: next.montants, ...(lignes.length > 0 ? { lignes } : {}) },
  };
}

/** CCAG-T 2014 art. 13.2.1, 13.2.2: the MOE accepts or corrects the PDM and draws up the état d'acompte (A15). */
export function deposerEtatAcompte(ctx: Ctx, action: ActionOf<'DEPOSER_ETAT_ACOMPTE'>): Change {
  const d = ctx.dossier;
  const pdm = currentPiece(d);
  const a15 = newPiece(ctx.now, d, action.piece, 'A15', actorOf(ctx), pdm.id, 'MISE_A_DISPOSITION_MOA');
  const events: EventSeed[] = [
    {
      type: 'PIECE_DEPOSEE',
      pieceId: a15.id,
      details: { cadre: 'A15', numero: a15.numero, horsDelai: d.moeHorsDelai },
    },
  ];
  const corrected = corrections(pdm, a15);
  if (corrected) events.push(corrected);
  const dossier = addPiece(setPieceStatus(d, pdm.id, 'PRISE_EN_COMPTE_MOE'), a15);
  return toMoa(dossier, ctx, a15.id, events);
}

/** CCAG-T 2014 art. 13.2.2: the MOE let its delay pass; the titulaire addresses the MOA with its PDM. */
export function saisirMoaDirectement(ctx: Ctx): Change {
  const d = ctx.dossier;
  const events: EventSeed[] = [{ type: 'SAISINE_DIRECTE_MOA', pieceId: d.currentPieceId }];
  return toMoa(setPieceStatus(d, d.currentPieceId, 'MISE_A_DISPOSITION_MOA'), ctx, d.currentPieceId, events);
}

const SIRET_FORMAT = /^\d{14}$/;

export function checkSiret(siret: string, path: string): void {
  if (!SIRET_FORMAT.test(siret)) {
    const message = `SIRET « ${excerpt(siret)} » invalide : 14 chiffres attendus.`;
    throw refusal('SIRET_INVALIDE', message, [{ path, message }]);
  }
}

/** The pieces the service financier processes (A19, A8, A20 become DGD, A23/A24/A25) reach it (docs/rules/circuits.md#service-financier). */
export function toServiceFinancier(d: Dossier, on: CalendarDate, pieceId: string, events: EventSeed[]): Change {
  const moved = moveTo(d, 'TRAITEMENT_SERVICE_FINANCIER', 'MISE_A_DISPOSITION', on, pieceId);
  const to = moved.pieces.find((p) => p.id === pieceId)?.destinataire ?? d.parties.serviceFinancier;
  events.push({
    type: 'MISE_A_DISPOSITION',
    pieceId,
    details: { destinataireSiret: to.siret, destinataireRole: 'SERVICE_FINANCIER' },
  });
  return { dossier: moved, events, clockEffects: [{ kind: 'HAND_OVER', on, holder: 'SERVICE_FINANCIER' }] };
}

/**
 * The MOA validates the état d'acompte (A19), amounts corrected if need be, to the service financier; when it
 * delegated validation, the MOE does so with its état d'acompte validé (A16) (organisation.ts).
 */
export function validerEtatAcompte(ctx: Ctx, action: ActionOf<'VALIDER_ETAT_ACOMPTE'>): Change {
  const d = ctx.dossier;
  const previous = currentPiece(d);
  const byMoe = actorOf(ctx).role === 'MOE';
  const cadre = byMoe ? 'A16' : 'A19';
  let destinataire: Destinataire = d.parties.serviceFinancier;
  if (action.destinataire) {
    checkSiret(action.destinataire.siret, 'destinataire.siret');
    destinataire = action.destinataire;
  }
  const a19 = newPiece(ctx.now, d, action.piece, cadre, actorOf(ctx), previous.id, 'MISE_A_DISPOSITION', destinataire);
  const events: EventSeed[] = [{ type: 'PIECE_DEPOSEE', pieceId: a19.id, details: { cadre, numero: a19.numero } }];
  const corrected = corrections(previous, a19);
  if (corrected) events.push(corrected);
  return toServiceFinancier(
    addPiece(setPieceStatus(d, previous.id, byMoe ? 'PRISE_EN_COMPTE_MOE' : 'PRISE_EN_COMPTE_MOA'), a19),
    ctx.today,
    a19.id,
    events,
  );
}

/**
 * Marché without a MOE (organisation.ts): the MOA validates the titulaire's état d'acompte (A5), correcting the
 * amounts if need be (a disagreement on amounts is corrected, never a refusal: CCP R2192-34); the titulaire then
 * deposits the état d'acompte validé (A6). The MOA keeps the DGP clock meanwhile (H27: the clock knows the MOE, the
 * MOA and the service financier only).
 */
export function validerEtatAcompteFournisseur(ctx: Ctx, action: ActionOf<'VALIDER_ETAT_ACOMPTE_FOURNISSEUR'>): Change {
  const d = ctx.dossier;
  const a5 = currentPiece(d);
  const valides = action.montants ?? a5.montants;
  if (action.montants) checkMontantsSum(action.montants);
  let dossier = updatePiece(d, a5.id, {
    status: 'PRISE_EN_COMPTE_MOA',
    ...(valides ? { montantsValides: valides } : {}),
  });
  dossier = moveTo(dossier, 'DEPOT_ETAT_ACOMPTE_VALIDE', 'A_ASSOCIER_FOURNISSEUR', ctx.today);
  const events: EventSeed[] = [
    {
      type: 'ETAT_ACOMPTE_VALIDE_MOA',
      pieceId: a5.id,
      details: {
        ...(valides ? { montants: valides } : {}),
        ...(action.commentaire ? { commentaire: action.commentaire } : {}),
      },
    },
  ];
  if (montantsDiffer(a5.montants, action.montants)) {
    events.push({ type: 'MONTANTS_CORRIGES', pieceId: a5.id, details: { avant: a5.montants, apres: action.montants } });
  }
  events.push({
    type: 'MISE_A_DISPOSITION',
    pieceId: a5.id,
    details: { destinataireSiret: d.parties.fournisseur.siret, destinataireRole: d.parties.fournisseur.role },
  });
  return { dossier, events, clockEffects: [] };
}

/** Marché without a MOE: the titulaire deposits the état d'acompte validé (A6), with the validated amounts. */
export function deposerEtatAcompteValide(ctx: Ctx, action: ActionOf<'DEPOSER_ETAT_ACOMPTE_VALIDE'>): Change {
  const d = ctx.dossier;
  const a5 = currentPiece(d);
  const valides = a5.montantsValides;
  if (valides && montantsDiffer(valides, action.piece.montants)) {
    const message = `Les montants de l'état d'acompte validé doivent être ceux que le maître d'ouvrage a validés : HT ${valides.htCents}, TVA ${valides.tvaCents}, TTC ${valides.ttcCents} (centimes).`;
    throw refusal('MONTANTS_NON_VALIDES', message, [{ path: 'piece.montants', message }]);
  }
  const a6 = newPiece(
    ctx.now,
    d,
    action.piece,
    'A6',
    actorOf(ctx),
    a5.id,
    'MISE_A_DISPOSITION',
    d.parties.serviceFinancier,
  );
  const events: EventSeed[] = [{ type: 'PIECE_DEPOSEE', pieceId: a6.id, details: { cadre: 'A6', numero: a6.numero } }];
  return toServiceFinancier(addPiece(setPieceStatus(d, a5.id, 'ASSOCIEE'), a6), ctx.today, a6.id, events);
}
