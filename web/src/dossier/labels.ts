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

const KEEP = new Set(['MOE', 'MOA', 'DG', 'DGD', 'TTC']);
const ACCENTS: Record<string, string> = {
  A: 'à',
  DELAI: 'délai',
  REGLEMENTAIRE: 'réglementaire',
  VALIDEE: 'validée',
  REFUSEE: 'refusée',
  REJETEE: 'rejetée',
  MANDATEE: 'mandatée',
  SUSPENDUE: 'suspendue',
  ASSOCIER: 'associer',
};

/** A dossier or piece status as words: `MISE_A_DISPOSITION_MOE` → « Mise à disposition MOE ». */
export function statusLabel(status: string): string {
  const words = status.split('_').map((w) => (KEEP.has(w) ? w : (ACCENTS[w] ?? w.toLowerCase())));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** What the pre-fill read in a piece's PDF (the API's `SuggestionsPreRemplissage`), in words. */
export const SUGGESTION_LABELS: Record<string, string> = {
  siretDestinataire: 'SIRET du destinataire',
  engagementJuridique: 'numéro d’engagement',
  numeroPiece: 'numéro de la pièce',
  datePiece: 'date de la pièce',
  montantHt: 'montant HT',
  montantTva: 'TVA',
  montantTtc: 'montant TTC',
};

/** What the verification of an uploaded file concluded, in words. */
export const FILE_CHECK_LABELS: Record<string, string> = {
  EN_ATTENTE: 'en cours',
  VERIFIE: 'vérifié',
  REFUSE: 'refusé',
  ABANDONNE: 'abandonné',
};
