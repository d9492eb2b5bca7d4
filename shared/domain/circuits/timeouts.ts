import { addDays } from '../calendar';
import type { ClockEffect } from '../dgp/effects';
import { dgpStartDgdTacite } from '../dgp/start';
import type { ActionOf } from './actions';
import { deadlineInstant, dgpStarted } from './deadlines';
import { formatDateFr, STATE_LABELS } from './labels';
import { type Change, type Ctx, moveTo, setPieceStatus, updatePiece } from './ops';
import { currentDeadline } from './pending';
import { refusal } from './refusals';
import { dgdToPayment } from './solde';
import type { Dossier } from './types';
import { accepted } from './validation';

/**
 * Refusals of DELAI_EXPIRE that mean "nothing to apply now": the dossier moved on, no deadline runs, or it has not
 * passed yet. The workflow then reads the dossier again and waits.
 */
export const NOTHING_TO_APPLY_ON_TIMEOUT: readonly string[] = [
  'VERSION_PERIMEE',
  'ETAPE_PERIMEE',
  'DELAI_NON_EXPIRE',
  'AUCUN_DELAI_EN_COURS',
  'DOSSIER_CLOS',
];

/**
 * DELAI_EXPIRE: the system applies what the rule book says happens when the current wait's deadline passes
 * (docs/rules/circuits.md#waits). Dates are those of the delay, not of the moment the
 * system runs: a late timer changes nothing.
 */
export function delaiExpire(ctx: Ctx, action: ActionOf<'DELAI_EXPIRE'>): Change {
  const d = ctx.dossier;
  if (action.step !== undefined && action.step !== d.state) {
    throw refusal(
      'ETAPE_PERIMEE',
      `Le délai visé concerne l'étape ${action.step}, mais le dossier est passé à l'étape ${d.state} : rien à appliquer.`,
    );
  }
  const { deadline, onTimeout } = currentDeadline(d, ctx.options);
  if (!deadline || !onTimeout) {
    throw refusal(
      'AUCUN_DELAI_EN_COURS',
      `Aucun délai ne court pour l'étape en cours (${STATE_LABELS[d.state]}) : rien à appliquer.`,
    );
  }
  if (ctx.now < deadlineInstant(deadline.lastDay)) {
    throw refusal(
      'DELAI_NON_EXPIRE',
      `Le délai court jusqu'au ${formatDateFr(deadline.lastDay)} à minuit (${deadline.source}) : il n'est pas expiré.`,
    );
  }
  const lastDay = deadline.lastDay;
  const after = addDays(lastDay, 1);
  const pieceId = d.currentPieceId;
  const expired = { dernierJour: lastDay, source: deadline.source };

  switch (onTimeout.effect) {
    // CCP R2193-13: silence is acceptance, on the last day of the 15
    case 'ACCEPTATION_TACITE':
      return accepted(d, lastDay, true);

    // CCAG-T 2014 art. 13.2.2: the titulaire may now address the MOA; the MOE keeps the clock meanwhile
    case 'ABSENCE_VALIDATION_MOE': {
      const status = 'ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE';
      const dossier: Dossier = {
        ...moveTo(setPieceStatus(d, pieceId, status), 'MOE_HORS_DELAI', status, after),
        moeHorsDelai: true,
      };
      return { dossier, events: [{ type: 'DELAI_MOE_DEPASSE', pieceId, details: expired }], clockEffects: [] };
    }

    // CCAG-T 2014 art. 13.4.4: DG not notified in time, the tacit procedure opens to the titulaire
    case 'DG_NON_NOTIFIE': {
      const dossier: Dossier = { ...d, state: 'DG_NON_NOTIFIE', wait: { since: after, lateSince: null } };
      return {
        dossier,
        events: [{ type: 'DG_NON_NOTIFIE_DANS_LE_DELAI', pieceId, details: expired }],
        clockEffects: [],
      };
    }

    // CCAG-T 2014 art. 13.4.5: the DG is accepted, it is the DGD, formed on the last day of the 30. Its DGP starts
    // as the tacit DGD's does (docs/rules/dgp.md#start, H9): that day is day 0. The DG goes to the service financier
    // the next day.
    case 'DGD_PAR_SILENCE': {
      const start = dgpStartDgdTacite(lastDay);
      let dossier = updatePiece(d, pieceId, { destinataire: d.parties.serviceFinancier, status: 'MISE_A_DISPOSITION' });
      dossier = { ...dossier, solde: { ...dossier.solde!, dgdLe: lastDay, issueDg: 'SILENCE' } };
      return dgdToPayment(
        dossier,
        after,
        pieceId,
        [{ type: 'DGD_PAR_SILENCE', pieceId, details: { ...expired, dgpDebut: start.on } }],
        start,
      );
    }

    // CCAG-T 2014 art. 13.4.4: the A22 becomes the DGD on the last day of the 10; the DGP runs from the next day,
    // so the formation day is its day 0 (docs/rules/dgp.md#start, H8)
    case 'DGD_TACITE': {
      const start = dgpStartDgdTacite(lastDay);
      let dossier = moveTo(setPieceStatus(d, pieceId, 'DGD_TACITE'), 'DEPOT_DGD_TACITE', 'DGD_TACITE', after);
      dossier = {
        ...dossier,
        solde: { ...dossier.solde!, dgdLe: lastDay, issueDg: 'TACITE' },
        dgp: dgpStarted(start.on, d.params.dgpJours),
      };
      const effect: ClockEffect = { kind: 'START', on: start.on, holder: start.holder };
      return {
        dossier,
        events: [{ type: 'DGD_TACITE', pieceId, details: { ...expired, dgpDebut: start.on } }],
        clockEffects: [effect],
      };
    }

    // No tacit effect: flagged late, the wait goes on without a deadline
    case 'RETARD_SIGNALE': {
      const dossier: Dossier = { ...d, wait: { ...d.wait, lateSince: after } };
      return {
        dossier,
        events: [{ type: 'RETARD_SIGNALE', pieceId, details: { ...expired, etape: d.state } }],
        clockEffects: [],
      };
    }
  }
}
