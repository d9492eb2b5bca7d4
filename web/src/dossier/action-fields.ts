import { decimalOf } from '../marche/fiche-form';

/**
 * The fields each dossier action sends beside its type (the API's `ActionDossier`, shared/schemas/dossier-actions.ts), and
 * the request body built from what the user typed. A dotted name (`montants.ht`) is a field of a nested object;
 * amounts are typed the French way (`9 500,00`) and sent as the API's decimals (`9500.00`). Every rule stays with
 * the API: a value it refuses comes back as a problem naming the field, shown next to it.
 */
export type FieldKind = 'text' | 'textarea' | 'lines' | 'motif' | 'amount';
export interface Field {
  readonly name: string;
  readonly label: string;
  readonly kind: FieldKind;
  readonly optional?: boolean;
  readonly hint?: string;
}

export const MOTIFS = [
  ['MAUVAIS_MARCHE', 'Mauvais marché'],
  ['MAUVAIS_DESTINATAIRE', 'Mauvais destinataire'],
  ['DONNEES_OBLIGATOIRES_MANQUANTES', 'Données obligatoires manquantes'],
] as const;

const AMOUNT_HINT = 'En euros, par exemple 1 188,00.';
const correctedAmount = (part: 'ht' | 'tva' | 'ttc', label: string, hint?: string): Field => ({
  name: `montants.${part}`,
  label: `Montant ${label} corrigé`,
  kind: 'amount',
  optional: true,
  ...(hint ? { hint } : {}),
});

export const FIELDS: Record<string, readonly Field[]> = {
  VALIDER: [
    {
      name: 'complementInformation',
      label: 'Complément d’information',
      kind: 'textarea',
      optional: true,
      hint: 'Un message visible de tous les acteurs du dossier (2 000 caractères au plus).',
    },
  ],
  REFUSER: [{ name: 'motifs', label: 'Motifs du refus', kind: 'textarea' }],
  REFUSER_MOE: [
    {
      name: 'motif',
      label: 'Motif du refus',
      kind: 'motif',
      hint: 'Un désaccord sur les montants n’est pas un motif de refus : corrigez-les dans l’état d’acompte.',
    },
    { name: 'commentaire', label: 'Commentaire', kind: 'textarea', optional: true },
  ],
  VALIDER_ETAT_ACOMPTE: [
    {
      name: 'destinataire.siret',
      label: 'SIRET du service financier destinataire',
      kind: 'text',
      optional: true,
      hint: 'Seulement si la pièce ne va pas au service financier de la fiche du marché.',
    },
    { name: 'destinataire.codeService', label: 'Code service du destinataire', kind: 'text', optional: true },
    {
      name: 'destinataire.engagementJuridique',
      label: 'Numéro d’engagement juridique du destinataire',
      kind: 'text',
      optional: true,
    },
  ],
  VALIDER_ETAT_ACOMPTE_FOURNISSEUR: [
    correctedAmount('ht', 'HT', 'Seulement pour corriger les montants du titulaire : les trois montants, en euros.'),
    correctedAmount('tva', 'de TVA'),
    correctedAmount('ttc', 'TTC'),
    { name: 'commentaire', label: 'Commentaire', kind: 'textarea', optional: true },
  ],
  REFUSER_MOA: [
    { name: 'motif', label: 'Motif du refus', kind: 'motif' },
    { name: 'commentaire', label: 'Commentaire', kind: 'textarea', optional: true },
  ],
  REFUSER_DG: [{ name: 'motifs', label: 'Motifs du refus du décompte général', kind: 'textarea' }],
  SUSPENDRE: [
    {
      name: 'documentsManquants',
      label: 'Documents manquants',
      kind: 'lines',
      hint: 'Un document par ligne : la suspension doit les lister tous.',
    },
  ],
  METTRE_A_RECYCLER: [{ name: 'motif', label: 'Motif du renvoi', kind: 'textarea' }],
  REJETER: [{ name: 'motif', label: 'Motif du rejet (définitif)', kind: 'textarea' }],
  RECYCLER: [
    { name: 'siret', label: 'SIRET du destinataire', kind: 'text', optional: true },
    { name: 'codeService', label: 'Code service', kind: 'text', optional: true },
    { name: 'engagementJuridique', label: 'Numéro d’engagement juridique', kind: 'text', optional: true },
  ],
  SIGNER_DG_AVEC_RESERVES: [
    { name: 'memoireReclamation', label: 'Mémoire en réclamation (réserves)', kind: 'textarea' },
    { name: 'sommesAdmises', label: 'Sommes admises', kind: 'amount', hint: AMOUNT_HINT },
  ],
};

/** One field's value as sent: a list of lines, an amount as the API's decimal, or the trimmed text. */
function sentValue(f: Field, typed: string): unknown {
  if (f.kind === 'lines')
    return typed
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  return f.kind === 'amount' ? decimalOf(typed) : typed;
}

/** The body of an action from what was typed; an optional field left empty is left out (and so is its group). */
export function actionBodyOf(type: string, typed: Readonly<Record<string, string>>): Record<string, unknown> {
  const body: Record<string, unknown> = { type };
  for (const f of FIELDS[type] ?? []) {
    const v = (typed[f.name] ?? '').trim();
    if (v === '' && f.optional) continue;
    const [head = f.name, leaf] = f.name.split('.');
    if (leaf === undefined) body[head] = sentValue(f, v);
    else body[head] = { ...(body[head] as Record<string, unknown> | undefined), [leaf]: sentValue(f, v) };
  }
  return body;
}
