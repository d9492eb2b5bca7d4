import { checkSiret } from './acompte';
import type { ActionOf } from './actions';
import { dgpResumed, dgpSuspended } from './deadlines';
import { actorOf, type Change, type Ctx, cancelClock, close, moveTo, setPieceStatus, updatePiece } from './ops';
import { miseEnPaiementRemontee } from './organisation';
import { currentPiece } from './permissions';
import { refusal } from './refusals';
import type { Destinataire, Dossier, PieceStatus } from './types';

/**
 * Service financier (docs/rules/circuits.md#service-financier): SERVICE_FAIT → MANDATEE → MISE_EN_PAIEMENT, the
 * intermediate statuses optional; suspension (once), recyclage, rejet.
 */

function progress(ctx: Ctx, status: PieceStatus, type: 'SERVICE_FAIT' | 'MANDATEE'): Change {
  const d = ctx.dossier;
  const dossier = { ...setPieceStatus(d, d.currentPieceId, status), status };
  return { dossier, events: [{ type, pieceId: d.currentPieceId }], clockEffects: [] };
}

export function serviceFait(ctx: Ctx): Change {
  return progress(ctx, 'SERVICE_FAIT', 'SERVICE_FAIT');
}

/**
 * When the buyer does not report the mise en paiement (directory parameter « statut mise en paiement remonté »:
 * non), the mandatement is the last status the circuit will ever receive: the dossier ends there, and the DGP clock
 * records that the payment day is unknown rather than inventing one.
 */
export function mandater(ctx: Ctx): Change {
  if (miseEnPaiementRemontee(ctx.dossier)) return progress(ctx, 'MANDATEE', 'MANDATEE');
  const d = ctx.dossier;
  const dossier = close(setPieceStatus(d, d.currentPieceId, 'MANDATEE'), 'MANDATE', 'MANDATEE', ctx.today);
  return {
    dossier,
    events: [
      { type: 'MANDATEE', pieceId: d.currentPieceId, details: { miseEnPaiementRemontee: false } },
      { type: 'DOSSIER_CLOS', details: { outcome: 'MANDATE' } },
    ],
    clockEffects: [{ kind: 'PAYMENT_UNREPORTED', on: ctx.today }],
  };
}

/** The payment: the DGP clock stops (PAY) and the dossier closes. */
export function mettreEnPaiement(ctx: Ctx): Change {
  const d = ctx.dossier;
  const dossier = close(setPieceStatus(d, d.currentPieceId, 'MISE_EN_PAIEMENT'), 'PAYE', 'MISE_EN_PAIEMENT', ctx.today);
  return {
    dossier,
    events: [
      { type: 'MISE_EN_PAIEMENT', pieceId: d.currentPieceId, details: { le: ctx.today } },
      { type: 'DOSSIER_CLOS', details: { outcome: 'PAYE' } },
    ],
    clockEffects: [{ kind: 'PAY', on: ctx.today }],
  };
}

function checkDocuments(list: readonly string[], path: string, what: string): void {
  if (list.length === 0) {
    const message = `La liste des documents est vide : ${what}.`;
    throw refusal('LISTE_DOCUMENTS_VIDE', message, [{ path, message }]);
  }
}

/**
 * CCP R2192-27, R2192-28: once per dossier, before the payment order, listing every missing document; by the
 * service financier, or by the MOA while it validates the état d'acompte (the one suspension is shared).
 */
export function suspendre(ctx: Ctx, action: ActionOf<'SUSPENDRE'>): Change {
  checkDocuments(
    action.documentsManquants,
    'documentsManquants',
    'la suspension doit énumérer chaque document manquant (CCP R2192-28)',
  );
  const d = ctx.dossier;
  let dossier: Dossier = setPieceStatus(d, d.currentPieceId, 'SUSPENDUE');
  dossier = {
    ...moveTo(dossier, 'COMPLEMENT_FOURNISSEUR', 'SUSPENDUE', ctx.today),
    suspensionUsed: true,
    suspension: {
      by: actorOf(ctx),
      resumeState: d.state === 'VALIDATION_MOA' ? 'VALIDATION_MOA' : 'TRAITEMENT_SERVICE_FINANCIER',
      on: ctx.today,
      documentsManquants: action.documentsManquants,
      completedOn: null,
    },
    dgp: d.dgp ? dgpSuspended(d.dgp, ctx.today) : null,
  };
  return {
    dossier,
    events: [
      {
        type: 'SUSPENDUE',
        pieceId: d.currentPieceId,
        details: { documentsManquants: action.documentsManquants, par: actorOf(ctx).role },
      },
    ],
    clockEffects: [{ kind: 'SUSPEND', on: ctx.today, missingDocuments: action.documentsManquants }],
  };
}

/** CCP R2192-29: the complete answer restarts the DGP (max of 30 days and the days that were left). */
export function completer(ctx: Ctx, action: ActionOf<'COMPLETER'>): Change {
  checkDocuments(action.documents, 'documents', 'joignez les documents demandés');
  const d = ctx.dossier;
  let dossier: Dossier = setPieceStatus(d, d.currentPieceId, 'COMPLETEE');
  dossier = {
    ...moveTo(dossier, d.suspension?.resumeState ?? 'TRAITEMENT_SERVICE_FINANCIER', 'COMPLETEE', ctx.today),
    suspension: d.suspension ? { ...d.suspension, completedOn: ctx.today } : null,
    dgp: d.dgp ? dgpResumed(d.dgp, ctx.today) : null,
  };
  return {
    dossier,
    events: [
      {
        type: 'COMPLETEE',
        pieceId: d.currentPieceId,
        details: { documents: action.documents, ...(action.fichiers?.length ? { fichiers: action.fichiers } : {}) },
      },
    ],
    clockEffects: [{ kind: 'RESUME', on: ctx.today }],
  };
}

/**
 * Wrong addressee: sent back to the depositor of the piece. No clock effect: the DGP started with the payment
 * request, which the MOE / MOA did receive (assumption H11: the recyclage routes the piece inside the buyer).
 */
export function mettreARecycler(ctx: Ctx, action: ActionOf<'METTRE_A_RECYCLER'>): Change {
  const d = ctx.dossier;
  const dossier = moveTo(setPieceStatus(d, d.currentPieceId, 'A_RECYCLER'), 'RECYCLAGE', 'A_RECYCLER', ctx.today);
  return {
    dossier,
    events: [{ type: 'MISE_A_RECYCLER', pieceId: d.currentPieceId, details: { motif: action.motif } }],
    clockEffects: [],
  };
}

/** Chorus Pro « recycler »: same piece, same number; only SIRET, code service and engagement juridique change. */
export function recycler(ctx: Ctx, action: ActionOf<'RECYCLER'>): Change {
  const d = ctx.dossier;
  const piece = currentPiece(d);
  const before: Destinataire = piece.destinataire ?? d.parties.serviceFinancier;
  if (action.siret === undefined && action.codeService === undefined && action.engagementJuridique === undefined) {
    throw refusal(
      'RECYCLAGE_VIDE',
      'Indiquez le SIRET, le code service ou le numéro d’engagement à corriger : rien ne change sinon.',
    );
  }
  if (action.siret !== undefined) checkSiret(action.siret, 'siret');
  const after: Destinataire = {
    ...before,
    ...(action.siret !== undefined ? { siret: action.siret } : {}),
    ...(action.codeService !== undefined ? { codeService: action.codeService } : {}),
    ...(action.engagementJuridique !== undefined ? { engagementJuridique: action.engagementJuridique } : {}),
  };
  const dossier = moveTo(
    updatePiece(d, piece.id, { destinataire: after, status: 'MISE_A_DISPOSITION' }),
    'TRAITEMENT_SERVICE_FINANCIER',
    'MISE_A_DISPOSITION',
    ctx.today,
  );
  return {
    dossier,
    events: [{ type: 'RECYCLEE', pieceId: piece.id, details: { numero: piece.numero, avant: before, apres: after } }],
    clockEffects: [],
  };
}

/** Final: a new piece needs a new number (Chorus Pro community ?p=42977). */
export function rejeter(ctx: Ctx, action: ActionOf<'REJETER'>): Change {
  const d = ctx.dossier;
  const dossier: Dossier = {
    ...close(setPieceStatus(d, d.currentPieceId, 'REJETEE'), 'REJETE', 'REJETEE', ctx.today),
    refus: { by: actorOf(ctx), motif: action.motif, on: ctx.today },
  };
  return {
    dossier,
    events: [
      { type: 'REJETEE', pieceId: d.currentPieceId, details: { motif: action.motif } },
      { type: 'DOSSIER_CLOS', details: { outcome: 'REJETE' } },
    ],
    clockEffects: cancelClock(d, ctx.today, `Pièce rejetée : ${action.motif}`),
  };
}
