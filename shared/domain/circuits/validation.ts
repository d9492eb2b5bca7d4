import type { CalendarDate } from '../calendar';
import type { ClockHolder } from '../dgp/effects';
import { dgpStartSousTraitant } from '../dgp/start';
import type { ActionOf } from './actions';
import {
  actorOf,
  type Change,
  type Ctx,
  close,
  type EventSeed,
  moveTo,
  reach,
  reachMoaStep,
  setPieceStatus,
  startClock,
} from './ops';
import type { ClosingStatus, Dossier, PieceStatus } from './types';

/**
 * Validation of a sous-traitant's or cotraitant's piece by its valideur(s) (docs/rules/circuits.md#validation; CCP R2193-11 to
 * R2193-16; docs/rules/circuits.md#validation).
 */

function niveauOf(d: Dossier): 1 | 2 {
  return d.state === 'VALIDATION_2' ? 2 : 1;
}

/** Accepted, expressly or by silence, on `on`: on to the 2nd valideur, or to the MOE. */
export function accepted(d: Dossier, on: CalendarDate, tacit: boolean, complementInformation?: string): Change {
  const niveau = niveauOf(d);
  const valideur = d.parties.valideurs[niveau - 1]!;
  const pieceId = d.currentPieceId;
  const pieceStatus: PieceStatus = tacit
    ? niveau === 1
      ? 'ABSENCE_VALIDATION_1_HORS_DELAI'
      : 'ABSENCE_VALIDATION_2_HORS_DELAI'
    : niveau === 1
      ? 'VALIDEE_1'
      : 'VALIDEE_2';
  let dossier: Dossier = {
    ...setPieceStatus(d, pieceId, pieceStatus),
    validations: [
      ...d.validations,
      {
        niveau,
        siret: valideur.siret,
        outcome: tacit ? 'TACITE' : 'VALIDEE',
        on,
        ...(complementInformation ? { complementInformation } : {}),
      },
    ],
  };
  const events: EventSeed[] = [
    {
      type: tacit ? 'VALIDATION_TACITE' : 'PIECE_VALIDEE',
      pieceId,
      details: {
        niveau,
        le: on,
        valideurSiret: valideur.siret,
        ...(complementInformation ? { complementInformation } : {}),
      },
    },
  ];

  const second = d.parties.valideurs[1];
  if (niveau === 1 && second) {
    // Sous-traitant of a cotraitant: the mandataire validates second (docs/rules/circuits.md#validation); its 15 days run from the
    // first acceptance (assumption H4)
    dossier = setPieceStatus(moveTo(dossier, 'VALIDATION_2', 'A_VALIDER_2', on), pieceId, 'A_VALIDER_2');
    events.push({
      type: 'MISE_A_DISPOSITION',
      pieceId,
      details: { destinataireSiret: second.siret, destinataireRole: second.role },
    });
    return { dossier, events, clockEffects: [] };
  }

  const moe = d.parties.moe;
  if (!moe) return toMoaWithoutMoe(dossier, on, events);
  events.push({
    type: 'MISE_A_DISPOSITION',
    pieceId,
    details: { destinataireSiret: moe.siret, destinataireRole: 'MOE' },
  });
  if (d.kind === 'SOLDE') {
    // Cotraitant's projet de décompte final (A14): the MOE receives it now; the MOA too unless it said otherwise
    dossier = moveTo(dossier, 'ETABLISSEMENT_PROJET_DG_MOE', 'MISE_A_DISPOSITION_MOE', on);
    const solde = dossier.solde!;
    dossier = { ...dossier, solde: { ...solde, pdfRecuMoeLe: on, pdfRecuMoaLe: solde.pdfRecuMoaLe ?? on } };
    return { dossier, events, clockEffects: [] };
  }
  dossier = moveTo(dossier, 'EXAMEN_MOE', 'MISE_A_DISPOSITION_MOE', on);
  // CCP R2192-23: the sous-traitant's DGP runs from the titulaire's acceptance or the end of its 15 days
  // (the day the delay ends: its last day); the piece is then with the MOE
  const clock = d.origin === 'SOUS_TRAITANT' ? sousTraitantClock(d, dossier, on, 'MOE') : reach(dossier, on, 'MOE');
  return { dossier: clock.dossier, events, clockEffects: clock.clockEffects };
}

/**
 * Marché without a MOE (organisation.ts): the validated piece goes to the MOA, which validates the état d'acompte
 * (A19) or notifies the DG; the sous-traitant's DGP runs from the acceptance (CCP R2192-23).
 */
function toMoaWithoutMoe(d: Dossier, on: CalendarDate, events: EventSeed[]): Change {
  const pieceId = d.currentPieceId;
  events.push({
    type: 'MISE_A_DISPOSITION',
    pieceId,
    details: { destinataireSiret: d.parties.moa.siret, destinataireRole: 'MOA' },
  });
  if (d.kind === 'SOLDE') {
    let dossier = moveTo(d, 'NOTIFICATION_DG_MOA', 'MISE_A_DISPOSITION_MOA', on);
    const solde = dossier.solde!;
    dossier = { ...dossier, solde: { ...solde, pdfRecuMoeLe: on, pdfRecuMoaLe: solde.pdfRecuMoaLe ?? on } };
    return { dossier, events, clockEffects: [] };
  }
  const dossier = moveTo(d, 'VALIDATION_MOA', 'MISE_A_DISPOSITION_MOA', on);
  const clock = d.origin === 'SOUS_TRAITANT' ? sousTraitantClock(d, dossier, on, 'MOA') : reachMoaStep(dossier, on);
  return { dossier: clock.dossier, events, clockEffects: clock.clockEffects };
}

/**
 * CCP R2192-23 (`dgpStartSousTraitant`): the sous-traitant's DGP starts on the acceptance, express or by silence on
 * the last of the 15 days counted from the start of the wait `validating` was in; the piece is then with `holder`.
 */
function sousTraitantClock(validating: Dossier, moved: Dossier, on: CalendarDate, holder: ClockHolder): Change {
  const start = dgpStartSousTraitant({
    depositedOn: validating.wait.since,
    titulaireDecision: { accepted: true, on },
    today: on,
    nextHolder: holder,
  });
  return start ? startClock(moved, start.on, start.holder) : { dossier: moved, events: [], clockEffects: [] };
}

/** Express acceptance, with the valideur's optional « Complément d'information » kept on the dossier. */
export function valider(ctx: Ctx, action: ActionOf<'VALIDER'>): Change {
  return accepted(ctx.dossier, ctx.today, false, action.complementInformation);
}

/** CCP R2193-12: refusal with reasons; it ends the dossier (the depositor starts a new one). */
export function refuser(ctx: Ctx, action: ActionOf<'REFUSER'>): Change {
  const d = ctx.dossier;
  const niveau = niveauOf(d);
  const by = actorOf(ctx);
  const status: ClosingStatus = niveau === 1 ? 'REFUSEE_1' : 'REFUSEE_2';
  const dossier: Dossier = {
    ...close(setPieceStatus(d, d.currentPieceId, status), 'REFUSE_VALIDEUR', status, ctx.today),
    validations: [
      ...d.validations,
      { niveau, siret: by.siret, outcome: 'REFUSEE', on: ctx.today, motifs: action.motifs },
    ],
    refus: { by, motif: action.motifs, on: ctx.today },
  };
  return {
    dossier,
    events: [
      { type: 'PIECE_REFUSEE', pieceId: d.currentPieceId, details: { niveau, motifs: action.motifs } },
      { type: 'DOSSIER_CLOS', details: { outcome: 'REFUSE_VALIDEUR' } },
    ],
    clockEffects: [],
  };
}
