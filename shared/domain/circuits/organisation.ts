import type { Marche } from '../marche';
import type { CircuitKind } from './states';
import type { Dossier, Party } from './types';

export { CIRCUIT_KINDS, type CircuitKind } from './states';

/** The buyer's directory parameters the circuits read (Chorus Pro « paramètres d'annuaire »). */
export interface BuyerParams {
  /** « Structure avec MOA » of the MOA's structure: false → the MOE validates for it. */
  readonly moaPresente: boolean;
  /** The service financier reports the mise-en-paiement status: false → the dossier ends at « mandatée ». */
  readonly statutMiseEnPaiementRemonte: boolean;
}

/** A buyer that is not in the directory (or not public) runs the standard circuit and reports every status. */
export const DEFAULT_BUYER_PARAMS: BuyerParams = { moaPresente: true, statutMiseEnPaiementRemonte: true };

export function circuitOf(marche: Marche, buyer: BuyerParams): CircuitKind {
  if (!marche.acteurs.some((a) => a.role === 'MOE')) return 'SANS_MOE';
  return buyer.moaPresente ? 'STANDARD' : 'VALIDATION_DELEGUEE_MOE';
}

/** Dossiers stored before the circuit was recorded ran the standard one. */
export function circuitOfDossier(d: Dossier): CircuitKind {
  return d.params.circuit ?? 'STANDARD';
}

/** Dossiers stored before the parameter was recorded report the mise en paiement. */
export function miseEnPaiementRemontee(d: Dossier): boolean {
  return d.params.miseEnPaiementRemontee ?? true;
}

/**
 * Who holds the MOA's steps (validation of the état d'acompte, notification of the DG): the MOE when delegated,
 * except on a PDM the titulaire brought to the MOA itself after the MOE's silence (CCAG-T 2014 art. 13.2.2).
 */
export function moaStepHolder(d: Dossier): Party {
  if (circuitOfDossier(d) !== 'VALIDATION_DELEGUEE_MOE' || !d.parties.moe) return d.parties.moa;
  const current = d.pieces.find((p) => p.id === d.currentPieceId);
  if (d.state === 'VALIDATION_MOA' && current?.cadre !== 'A15') return d.parties.moa;
  return d.parties.moe;
}

/** The MOE of a dossier, which exists in every circuit but SANS_MOE. */
export function moeOf(d: Dossier): Party {
  if (!d.parties.moe) throw new Error(`dossier ${d.id}: no MOE in circuit ${circuitOfDossier(d)}`);
  return d.parties.moe;
}
