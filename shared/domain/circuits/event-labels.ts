import type { DossierEventType } from './types';

/** What each audit event of a dossier means, in the words of the portal (« fil d'événements »). */
export const EVENT_LABELS: Readonly<Record<DossierEventType, string>> = {
  PIECE_DEPOSEE: 'Pièce déposée',
  DEPOT_HORS_DELAI: 'Pièce déposée hors délai',
  PIECE_VALIDEE: 'Pièce validée',
  VALIDATION_TACITE: 'Pièce validée tacitement (silence gardé)',
  PIECE_REFUSEE: 'Pièce refusée',
  MISE_A_DISPOSITION: 'Pièce mise à disposition',
  MONTANTS_CORRIGES: 'Montants corrigés',
  ETAT_ACOMPTE_VALIDE_MOA: 'État d’acompte du titulaire validé par le maître d’ouvrage',
  DELAI_MOE_DEPASSE: 'Délai du maître d’œuvre dépassé',
  SAISINE_DIRECTE_MOA: 'Maître d’ouvrage saisi directement',
  DG_NON_NOTIFIE_DANS_LE_DELAI: 'Décompte général non notifié dans le délai',
  DECOMPTE_GENERAL_NOTIFIE: 'Décompte général notifié',
  DGD_SIGNE: 'Décompte général et définitif signé',
  DGD_SIGNE_AVEC_RESERVES: 'Décompte général signé avec réserves',
  DG_REFUSE: 'Décompte général refusé',
  DGD_PAR_SILENCE: 'Décompte général et définitif par silence',
  PIECE_REMPLACEE: 'Pièce remplacée',
  DGD_TACITE: 'Décompte général et définitif tacite',
  SERVICE_FAIT: 'Service fait constaté',
  MANDATEE: 'Pièce mandatée',
  MISE_EN_PAIEMENT: 'Mise en paiement',
  SUSPENDUE: 'Délai de paiement suspendu (pièces manquantes)',
  COMPLETEE: 'Dossier complété',
  MISE_A_RECYCLER: 'Pièce mise à recycler',
  RECYCLEE: 'Pièce recyclée',
  REJETEE: 'Pièce rejetée',
  RETARD_SIGNALE: 'Retard signalé',
  DOSSIER_CLOS: 'Dossier clos',
};

export function eventLabel(type: string): string {
  return (EVENT_LABELS as Record<string, string>)[type] ?? type;
}
