import { acteursOf, type Marche } from '../marche';
import type { Space } from '../roles';
import type { Action } from './actions';
import type { Dossier } from './types';

/** The references a deposit addressed to a structure must carry, when its directory makes them mandatory. */
export interface AddresseeToCheck {
  readonly siret: string;
  readonly codeService?: string;
  readonly engagementJuridique?: string;
}

/**
 * The addressee an action sets, whose directory must be checked (Chorus Pro: a public structure may make the code
 * service or the engagement juridique mandatory): the marché's MOA on the first deposit, the MOA's choice of
 * service financier, the new addressee of a recyclage. Undefined when the action sets no addressee.
 */
export function addresseeSetBy(
  marche: Marche,
  dossier: Dossier | undefined,
  action: Action,
): AddresseeToCheck | undefined {
  if (action.type === 'DEPOSER') return acteursOf(marche, 'MOA')[0];
  if (action.type === 'VALIDER_ETAT_ACOMPTE') return action.destinataire ?? undefined;
  if (action.type === 'RECYCLER' && dossier) {
    const current = dossier.pieces.find((p) => p.id === dossier.currentPieceId)?.destinataire;
    const siret = action.siret ?? current?.siret;
    if (!siret) return undefined;
    return {
      siret,
      codeService: action.codeService ?? current?.codeService,
      engagementJuridique: action.engagementJuridique ?? current?.engagementJuridique,
    };
  }
  return undefined;
}

/** Actions decided in the « Factures à valider » space (the valideurs' space); every other one in « Factures de travaux ». */
const VALIDATION_ACTIONS: readonly string[] = ['VALIDER', 'REFUSER'];

/** The space a user must have subscribed, in MODIFICATION, to take an action of this type. */
export function spaceOfAction(actionType: string): Space {
  return VALIDATION_ACTIONS.includes(actionType) ? 'FACTURES_A_VALIDER' : 'FACTURES_TRAVAUX';
}
