import type { Role } from '../roles';
import type { ActionType } from './actions';
import type { DossierState } from './types';

/** French wording for messages (user-facing text is French: CONVENTIONS.md). */
export const ROLE_LABELS: Readonly<Record<Role | 'SYSTEM', string>> = {
  TITULAIRE: 'le titulaire',
  MANDATAIRE: 'le mandataire',
  COTRAITANT: 'le cotraitant',
  SOUS_TRAITANT: 'le sous-traitant',
  MOE: "le maître d'œuvre",
  MOA: "le maître d'ouvrage",
  SERVICE_FINANCIER: 'le service financier',
  SYSTEM: 'le système',
};

export const ACTION_LABELS: Readonly<Record<ActionType, string>> = {
  DEPOSER: 'déposer la première pièce du dossier',
  VALIDER: 'valider la pièce',
  REFUSER: 'refuser la pièce',
  DEPOSER_ETAT_ACOMPTE: "déposer l'état d'acompte (A15)",
  REFUSER_MOE: 'refuser la pièce (maître d’œuvre)',
  DEPOSER_PROJET_DECOMPTE_GENERAL: 'déposer le projet de décompte général (A17)',
  SAISIR_MOA_DIRECTEMENT: "saisir directement le maître d'ouvrage",
  VALIDER_ETAT_ACOMPTE: "déposer l'état d'acompte validé (A19, ou A16 par le maître d'œuvre délégataire)",
  VALIDER_ETAT_ACOMPTE_FOURNISSEUR: "valider l'état d'acompte du titulaire (A5)",
  DEPOSER_ETAT_ACOMPTE_VALIDE: "déposer l'état d'acompte validé (A6)",
  REFUSER_MOA: "refuser l'état d'acompte (maître d'ouvrage)",
  NOTIFIER_DECOMPTE_GENERAL: "notifier le décompte général (A20, ou A18 par le maître d'œuvre délégataire)",
  SIGNER_DG: 'signer le décompte général (A8)',
  SIGNER_DG_AVEC_RESERVES: 'signer le décompte général avec réserves (A8)',
  REFUSER_DG: 'refuser de signer le décompte général',
  DEPOSER_PROJET_DG_TACITE: 'déposer le projet de décompte général signé (A22, procédure tacite)',
  DEPOSER_DGD_TACITE: 'déposer le décompte général et définitif tacite (A23, A24 ou A25)',
  SERVICE_FAIT: 'constater le service fait',
  MANDATER: 'mandater',
  METTRE_EN_PAIEMENT: 'mettre en paiement',
  SUSPENDRE: 'suspendre le délai de paiement',
  METTRE_A_RECYCLER: 'mettre la pièce à recycler',
  REJETER: 'rejeter la pièce',
  COMPLETER: 'compléter la pièce suspendue',
  RECYCLER: 'recycler la pièce',
  DELAI_EXPIRE: "appliquer l'expiration du délai",
};

export const STATE_LABELS: Readonly<Record<DossierState, string>> = {
  VALIDATION_1: 'en attente de validation (1er valideur)',
  VALIDATION_2: 'en attente de validation (mandataire, 2e valideur)',
  EXAMEN_MOE: "à l'examen du maître d'œuvre",
  MOE_HORS_DELAI: "le maître d'œuvre n'a pas statué dans son délai",
  VALIDATION_MOA: "en attente de validation par le maître d'ouvrage",
  DEPOT_ETAT_ACOMPTE_VALIDE:
    "état d'acompte validé par le maître d'ouvrage : le titulaire dépose l'état d'acompte validé (A6)",
  TRAITEMENT_SERVICE_FINANCIER: 'au service financier',
  COMPLEMENT_FOURNISSEUR: 'suspendu, en attente des documents manquants',
  RECYCLAGE: 'à recycler (erreur de destinataire)',
  ETABLISSEMENT_PROJET_DG_MOE: "en attente du projet de décompte général du maître d'œuvre",
  NOTIFICATION_DG_MOA: "en attente de la notification du décompte général par le maître d'ouvrage",
  DG_NON_NOTIFIE: 'décompte général non notifié dans le délai : procédure tacite ouverte au titulaire',
  REPONSE_MOA_PROJET_DG_TACITE: "le maître d'ouvrage a 10 jours pour notifier un décompte général",
  SIGNATURE_DG_TITULAIRE: 'en attente de la réponse du titulaire au décompte général',
  DEPOT_DGD_TACITE: 'décompte général et définitif tacite : en attente de son dépôt pour paiement',
  CLOS: 'clos',
};

export function formatDateFr(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}
