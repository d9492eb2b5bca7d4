/** The states and kinds of a dossier de facturation (the leaves the other circuit modules build on). */

/** ACOMPTE_MENSUEL: A4, A9, A10, A12, A13 (an invoice of a sous-traitant / cotraitant is a payment request
 * that follows the monthly circuit). SOLDE: A7, A14. */
export type DossierKind = 'ACOMPTE_MENSUEL' | 'SOLDE';

/** Who opened the dossier: the titulaire (or mandataire), a sous-traitant in paiement direct, a cotraitant. */
export type DossierOrigin = 'TITULAIRE' | 'SOUS_TRAITANT' | 'COTRAITANT';

/**
 * Where the dossier stands: the state of the machine. Every open state has exactly one pending wait.
 * - VALIDATION_1 / VALIDATION_2: the 1st / 2nd valideur (titulaire, cotraitant, mandataire) accepts or refuses.
 * - EXAMEN_MOE: the MOE draws up the état d'acompte (A15) from the PDM, or refuses it (not for amounts).
 * - MOE_HORS_DELAI: the MOE let its delay pass; the fournisseur may address the MOA directly; the MOE may still act.
 * - VALIDATION_MOA: the MOA validates the état d'acompte (A19) or refuses it (not for amounts); the MOE holds this
 *   step when the MOA delegated validation (A16). Without a MOE, the MOA validates the titulaire's A5 here.
 * - DEPOT_ETAT_ACOMPTE_VALIDE: without a MOE, the MOA validated the A5; the titulaire deposits the A6.
 * - TRAITEMENT_SERVICE_FINANCIER: service fait, mandatement, mise en paiement; suspension, recyclage, rejet.
 * - COMPLEMENT_FOURNISSEUR: suspended; the fournisseur sends the missing documents.
 * - RECYCLAGE: sent back for a wrong addressee; the depositor of the piece re-addresses it.
 * - ETABLISSEMENT_PROJET_DG_MOE: solde; the MOE draws up the décompte final and the projet de DG (A17).
 * - NOTIFICATION_DG_MOA: solde; the MOA notifies the décompte général (A20).
 * - DG_NON_NOTIFIE: solde; the DG delay passed without a DG; the titulaire may start the tacit procedure (A22).
 *   Chorus Pro has no status for it: the dossier keeps the status of its last piece.
 * - REPONSE_MOA_PROJET_DG_TACITE: the MOA has 10 days to notify a DG after the A22.
 * - SIGNATURE_DG_TITULAIRE: the titulaire signs (A8), signs with reserves, or refuses the DG.
 * - DEPOT_DGD_TACITE: the tacit DGD is formed; its piece (A23 / A24 / A25) is deposited for payment.
 * - CLOS: final; see `outcome`.
 */
export const DOSSIER_STATES = [
  'VALIDATION_1',
  'VALIDATION_2',
  'EXAMEN_MOE',
  'MOE_HORS_DELAI',
  'VALIDATION_MOA',
  'DEPOT_ETAT_ACOMPTE_VALIDE',
  'TRAITEMENT_SERVICE_FINANCIER',
  'COMPLEMENT_FOURNISSEUR',
  'RECYCLAGE',
  'ETABLISSEMENT_PROJET_DG_MOE',
  'NOTIFICATION_DG_MOA',
  'DG_NON_NOTIFIE',
  'REPONSE_MOA_PROJET_DG_TACITE',
  'SIGNATURE_DG_TITULAIRE',
  'DEPOT_DGD_TACITE',
  'CLOS',
] as const;
export type DossierState = (typeof DOSSIER_STATES)[number];
export type OpenState = Exclude<DossierState, 'CLOS'>;

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
