/**
 * Words of the dossier screens: roles, events, cadres as users read them (Chorus Pro's words), and the API's decimal
 * amount strings as integer cents for display. Labels only: states and actions come labelled from the API.
 */
export const ROLE_LABELS: Record<string, string> = {
  TITULAIRE: 'Titulaire',
  MANDATAIRE: 'Mandataire',
  COTRAITANT: 'Cotraitant',
  SOUS_TRAITANT: 'Sous-traitant',
  MOE: 'Maître d’œuvre',
  MOA: 'Maître d’ouvrage',
  SERVICE_FINANCIER: 'Service financier',
};

export const EVENT_LABELS: Record<string, string> = {
  PIECE_DEPOSEE: 'Pièce déposée',
  DEPOT_HORS_DELAI: 'Dépôt hors délai',
  PIECE_VALIDEE: 'Pièce validée',
  VALIDATION_TACITE: 'Validation tacite',
  PIECE_REFUSEE: 'Pièce refusée',
  MISE_A_DISPOSITION: 'Mise à disposition',
  MONTANTS_CORRIGES: 'Montants corrigés',
  DELAI_MOE_DEPASSE: 'Délai du maître d’œuvre dépassé',
  SAISINE_DIRECTE_MOA: 'Saisine directe du maître d’ouvrage',
  SUSPENSION: 'Suspension',
  SUSPENDUE: 'Suspension',
  COMPLETEE: 'Pièces complétées',
  SERVICE_FAIT: 'Service fait',
  MANDATEE: 'Mandatement',
  MISE_EN_PAIEMENT: 'Mise en paiement',
  A_RECYCLER: 'Renvoyée pour recyclage',
  REJETEE: 'Rejet',
  REMPLACEMENT_FICHIER_REFUSE: 'Remplacement d’un fichier vérifié refusé',
};

/** An event type as a reader sees it: the known label, else the type in plain words. */
export function eventLabel(type: string): string {
  return EVENT_LABELS[type] ?? type.charAt(0) + type.slice(1).toLowerCase().replaceAll('_', ' ');
}

const AMOUNT = /^(-?)(\d+)\.(\d{2})$/;

/** The API's amount string (`1188.00`) as integer cents, exactly; undefined when absent or malformed. */
export function amountCents(value: string | null | undefined): number | undefined {
  const m = value ? AMOUNT.exec(value) : null;
  if (!m) return undefined;
  const cents = Number(m[2]) * 100 + Number(m[3]);
  return m[1] ? -cents : cents;
}
