import type { Marche } from '../marche';
import type { Dossier, Party } from './types';

/**
 * Which circuit a dossier runs, chosen when it opens from the fiche du marché and the buyer's directory parameters
 * (Chorus Pro « Paramétrer les entités publiques pour la facturation de travaux » guide; documented in
 * docs/rules/circuits.md):
 * - STANDARD: PDM (A4) → MOE's état d'acompte (A15) → MOA's état d'acompte validé (A19) → service financier; solde:
 *   A7 → MOE's projet de DG (A17) → MOA's décompte général (A20).
 * - SANS_MOE: the marché names no maître d'œuvre. The titulaire deposits the état d'acompte itself (A5) to the
 *   MOA, which validates it; the titulaire then deposits the état d'acompte validé (A6) to the service financier.
 *   The solde's projet de décompte final (A7) goes straight to the MOA, which notifies the DG (A20).
 * - VALIDATION_DELEGUEE_MOE: the buyer's directory says « MOA présente : non »: the MOA delegated validation to the
 *   MOE, whose état d'acompte validé (A16) and décompte général (A18) replace the MOA's A19 and A20.
 * The use of A5 / A6 / A16 / A18 is inferred from their labels (AIFE cadre list), not confirmed by a published
 * circuit: an assumption (H26 in docs/rules/README.md).
 */
export const CIRCUIT_KINDS = ['STANDARD', 'SANS_MOE', 'VALIDATION_DELEGUEE_MOE'] as const;
export type CircuitKind = (typeof CIRCUIT_KINDS)[number];

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
