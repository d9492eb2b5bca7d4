import { DomainError } from './errors';
import { excerpt } from './excerpt';
import type { Role } from './roles';

/**
 * Cadres de facturation of works pieces (docs/rules/cadres.md), kept as data. API spellings: Chorus Pro, as found in
 * antoine2116/go-choruspro `factures.go` (single source for most of them: see `confidence`).
 */

/** What the piece is, for circuits and screens. */
export type CadreFamily =
  | 'MONTHLY' // projet de décompte mensuel (PDM): the monthly payment request
  | 'ETAT_ACOMPTE' // état d'acompte drawn up from a PDM
  | 'VALIDATED' // état d'acompte validé, to the service financier
  | 'INVOICE' // invoice of a sous-traitant or cotraitant
  | 'FINAL' // projet de décompte final
  | 'GENERAL' // projet de décompte général / décompte général
  | 'DEFINITIVE' // décompte général signed by the titulaire = DGD
  | 'TACIT'; // tacit procedure (projet de DG signed by the titulaire, tacit DGD)

/** Which dossier the piece belongs to (docs/rules/circuits.md): monthly acompte or solde. */
export type CadreDossier = 'ACOMPTE' | 'SOLDE' | 'ACOMPTE_OU_SOLDE';

/**
 * CONFIRMED: spelling seen in several API clients; SINGLE_SOURCE: one client only (to check against the PISTE
 * swagger); UNCONFIRMED: the cadre or its depositor is doubtful (docs/rules/cadres.md).
 */
export type CadreConfidence = 'CONFIRMED' | 'SINGLE_SOURCE' | 'UNCONFIRMED';

/** Feature flags that switch doubtful cadres on (off by default). */
export interface CadreOptions {
  readonly a11Enabled?: boolean;
}
export type CadreFeatureFlag = keyof CadreOptions;

export interface Cadre {
  readonly code: string;
  readonly apiValue: string;
  readonly label: string;
  readonly depositorRoles: readonly Role[];
  readonly family: CadreFamily;
  readonly dossier: CadreDossier;
  readonly confidence: CadreConfidence;
  readonly featureFlag?: CadreFeatureFlag;
}

// Chorus Pro: a mandataire deposits what the titulaire deposits (docs/rules/actors.md)
const TITULAIRE: readonly Role[] = ['TITULAIRE', 'MANDATAIRE'];

const CADRE_ROWS = [
  {
    code: 'A4',
    apiValue: 'A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR',
    label: 'Projet de décompte mensuel',
    depositorRoles: TITULAIRE,
    family: 'MONTHLY',
    dossier: 'ACOMPTE',
    confidence: 'SINGLE_SOURCE',
  },
  {
    code: 'A5',
    apiValue: 'A5_ETAT_ACOMPTE_FOURNISSEUR',
    label: "État d'acompte (circuit sans maîtrise d'œuvre)",
    depositorRoles: TITULAIRE,
    family: 'ETAT_ACOMPTE',
    dossier: 'ACOMPTE',
    confidence: 'SINGLE_SOURCE',
  },
  {
    code: 'A6',
    apiValue: 'A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR',
    label: "État d'acompte validé, transmis au service financier",
    depositorRoles: TITULAIRE,
    family: 'VALIDATED',
    dossier: 'ACOMPTE',
    confidence: 'SINGLE_SOURCE',
  },
  {
    code: 'A7',
    apiValue: 'A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR',
    label: 'Projet de décompte final',
    depositorRoles: TITULAIRE,
    family: 'FINAL',
    dossier: 'SOLDE',
    confidence: 'SINGLE_SOURCE',
  },
  {
    code: 'A8',
    apiValue: 'A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR',
    label: 'Décompte général signé par le titulaire (décompte général et définitif)',
    depositorRoles: TITULAIRE,
    family: 'DEFINITIVE',
    dossier: 'SOLDE',
    confidence: 'SINGLE_SOURCE',
  },
  {
    code: 'A9',
    apiValue: 'A9_FACTURE_SOUSTRAITANT',
    label: 'Facture du sous-traitant',
    depositorRoles: ['SOUS_TRAITANT'],
    family: 'INVOICE',
    dossier: 'ACOMPTE_OU_SOLDE',
    confidence: 'CONFIRMED',
  },
  {
    code: 'A10',
    apiValue: 'A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT',
    label: 'Projet de décompte mensuel du sous-traitant',
    depositorRoles: ['SOUS_TRAITANT'],
    family: 'MONTHLY',
    dossier: 'ACOMPTE',
    confidence: 'SINGLE_SOURCE',
  },
  {
    // Present in go-choruspro only, absent from the AIFE labels (docs/rules/cadres.md): behind a flag (H17)
    code: 'A11',
    apiValue: 'A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT',
    label: 'Projet de décompte final du sous-traitant',
    depositorRoles: ['SOUS_TRAITANT'],
    family: 'FINAL',
    dossier: 'SOLDE',
    confidence: 'UNCONFIRMED',
    featureFlag: 'a11Enabled',
  },
  {
    code: 'A12',
    apiValue: 'A12_FACTURE_COTRAITANT',
    label: 'Facture du cotraitant',
    depositorRoles: ['COTRAITANT'],
    family: 'INVOICE',
    dossier: 'ACOMPTE_OU_SOLDE',
    confidence: 'CONFIRMED',
  },
  {
    code: 'A13',
    apiValue: 'A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT',
    label: 'Projet de décompte mensuel du cotraitant',
    depositorRoles: ['COTRAITANT'],
    family: 'MONTHLY',
    dossier: 'ACOMPTE',
    confidence: 'SINGLE_SOURCE',
  },
  {
    code: 'A14',
    apiValue: 'A14_PROJET_DECOMPTE_FINAL_COTRAITANT',
    label: 'Projet de décompte final du cotraitant',
    depositorRoles: ['COTRAITANT'],
    family: 'FINAL',
    dossier: 'SOLDE',
    confidence: 'SINGLE_SOURCE',
  },
  {
    code: 'A15',
    apiValue: 'A15_ETAT_ACOMPTE_MOE',
    label: "État d'acompte établi par le maître d'œuvre",
    depositorRoles: ['MOE'],
    family: 'ETAT_ACOMPTE',
    dossier: 'ACOMPTE',
    confidence: 'SINGLE_SOURCE',
  },
  {
    code: 'A16',
    apiValue: 'A16_ETAT_ACOMPTE_VALIDE_MOE',
    label: "État d'acompte validé par le maître d'œuvre (validation déléguée)",
    depositorRoles: ['MOE'],
    family: 'VALIDATED',
    dossier: 'ACOMPTE',
    confidence: 'SINGLE_SOURCE',
  },
  {
    code: 'A17',
    apiValue: 'A17_PROJET_DECOMPTE_GENERAL_MOE',
    label: "Projet de décompte général établi par le maître d'œuvre",
    depositorRoles: ['MOE'],
    family: 'GENERAL',
    dossier: 'SOLDE',
    confidence: 'SINGLE_SOURCE',
  },
  {
    code: 'A18',
    apiValue: 'A18_DECOMPTE_GENERAL_MOE',
    label: "Décompte général déposé par le maître d'œuvre (délégation)",
    depositorRoles: ['MOE'],
    family: 'GENERAL',
    dossier: 'SOLDE',
    confidence: 'SINGLE_SOURCE',
  },
  {
    code: 'A19',
    apiValue: 'A19_ETAT_ACOMPTE_VALIDE_MOA',
    label: "État d'acompte validé par le maître d'ouvrage, transmis au service financier",
    depositorRoles: ['MOA'],
    family: 'VALIDATED',
    dossier: 'ACOMPTE',
    confidence: 'SINGLE_SOURCE',
  },
  {
    code: 'A20',
    apiValue: 'A20_DECOMPTE_GENERAL_MOA',
    label: "Décompte général notifié au titulaire par le maître d'ouvrage",
    depositorRoles: ['MOA'],
    family: 'GENERAL',
    dossier: 'SOLDE',
    confidence: 'SINGLE_SOURCE',
  },
  {
    code: 'A22',
    apiValue: 'A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE',
    label: 'Projet de décompte général signé par le titulaire (procédure tacite)',
    depositorRoles: TITULAIRE,
    family: 'TACIT',
    dossier: 'SOLDE',
    confidence: 'SINGLE_SOURCE',
  },
  {
    code: 'A23',
    apiValue: 'A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR',
    label: 'Décompte général et définitif tacite déposé par le titulaire',
    depositorRoles: TITULAIRE,
    family: 'TACIT',
    dossier: 'SOLDE',
    confidence: 'SINGLE_SOURCE',
  },
  {
    code: 'A24',
    apiValue: 'A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE',
    label: "Décompte général et définitif tacite déposé par le maître d'œuvre",
    depositorRoles: ['MOE'],
    family: 'TACIT',
    dossier: 'SOLDE',
    confidence: 'SINGLE_SOURCE',
  },
  {
    // Actor unconfirmed: the enum name says MOE, the AIFE labels say MOA; docs/rules/cadres.md chooses MOA (H17)
    code: 'A25',
    apiValue: 'A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE',
    label: "Décompte général et définitif tacite déposé par le maître d'ouvrage",
    depositorRoles: ['MOA'],
    family: 'TACIT',
    dossier: 'SOLDE',
    confidence: 'UNCONFIRMED',
  },
] as const satisfies readonly Cadre[];

/** The works cadres (docs/rules/cadres.md). Order: Chorus Pro numbering. */
export const CADRES: readonly Cadre[] = CADRE_ROWS;

/** Cadres that exist on Chorus Pro but not for works pieces, with the space (espace) they belong to. */
export interface CadreHorsTravaux {
  readonly code: string;
  readonly apiValue: string;
  readonly label: string;
  /** Name of the Chorus Pro space where such a piece is deposited (our wording of the portal's spaces). */
  readonly espace: string;
}

// Chorus Pro KB0011386: only works pieces follow the CCAG circuit; these go through other spaces
export const CADRES_HORS_TRAVAUX: readonly CadreHorsTravaux[] = [
  { code: 'A1', apiValue: 'A1_FACTURE_FOURNISSEUR', label: 'Facture fournisseur', espace: 'Factures émises' },
  {
    code: 'A2',
    apiValue: 'A2_FACTURE_FOURNISSEUR_DEJA_PAYEE',
    label: 'Facture fournisseur déjà payée',
    espace: 'Factures émises',
  },
  {
    code: 'A3',
    apiValue: 'A3_MEMOIRE_JUSTICE',
    label: 'Mémoire de frais de justice',
    espace: 'Mémoires de frais de justice',
  },
  {
    code: 'A21',
    apiValue: 'A21_DEMANDE_REMBOURSEMENT_TIC',
    label: 'Demande de remboursement de la TIC',
    espace: 'Demandes de remboursement de la TIC',
  },
];

const normalize = (s: string): string => s.trim().toUpperCase();
const matches = (c: { code: string; apiValue: string }, key: string): boolean => c.code === key || c.apiValue === key;

/** The works cadre for a code ("A4", case-insensitive) or an API value, or `undefined`. */
export function findCadre(codeOrApiValue: string): Cadre | undefined {
  const key = normalize(codeOrApiValue);
  return CADRES.find((c) => matches(c, key));
}

/** The works cadre for a code or an API value; throws `CADRE_HORS_TRAVAUX` or `CADRE_INCONNU` otherwise. */
export function cadreByCode(codeOrApiValue: string): Cadre {
  const cadre = findCadre(codeOrApiValue);
  if (cadre) return cadre;
  const key = normalize(codeOrApiValue);
  const other = CADRES_HORS_TRAVAUX.find((c) => matches(c, key));
  if (other) {
    // Chorus Pro: A1, A2, A3, A21 are not works pieces (docs/rules/cadres.md)
    const message = `Le cadre ${other.code} (${other.label}) n'est pas une pièce de travaux : il relève de l'espace « ${other.espace} ».`;
    throw new DomainError('CADRE_HORS_TRAVAUX', message, 'INVALID', [{ path: 'cadre', message }]);
  }
  const message = `Cadre de facturation « ${excerpt(codeOrApiValue)} » inconnu : utilisez un code A4 à A25 (par exemple A4 ou A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR).`;
  throw new DomainError('CADRE_INCONNU', message, 'INVALID', [{ path: 'cadre', message }]);
}

const ROLE_LABELS: Record<Role, string> = {
  TITULAIRE: 'titulaire',
  MANDATAIRE: 'mandataire',
  COTRAITANT: 'cotraitant',
  SOUS_TRAITANT: 'sous-traitant',
  MOE: "maître d'œuvre",
  MOA: "maître d'ouvrage",
  SERVICE_FINANCIER: 'service financier',
};

function isEnabled(cadre: Cadre, options: CadreOptions): boolean {
  return cadre.featureFlag === undefined || options[cadre.featureFlag] === true;
}

/**
 * Checks that `depositorRole` may deposit a piece under `cadre` and returns the cadre.
 * docs/rules/cadres.md: a depositor may only use the cadres of its role.
 */
export function assertCadreAllowed(cadre: Cadre | string, depositorRole: Role, options: CadreOptions = {}): Cadre {
  const c = typeof cadre === 'string' ? cadreByCode(cadre) : cadre;
  if (!isEnabled(c, options)) {
    // docs/rules/cadres.md: unconfirmed cadre (A11) behind a flag
    const message = `Le cadre ${c.code} (${c.label}) n'est pas activé sur cette plateforme.`;
    throw new DomainError('CADRE_DESACTIVE', message, 'INVALID', [{ path: 'cadre', message }]);
  }
  // Chorus Pro « Factures de travaux »: the cadre tells which actor deposits the piece
  if (!c.depositorRoles.includes(depositorRole)) {
    const allowed = cadresForRole(depositorRole, options).map((x) => x.code);
    const message =
      `Le cadre ${c.code} (${c.label}) est réservé au ${c.depositorRoles.map((r) => ROLE_LABELS[r]).join(' ou au ')} ; ` +
      (allowed.length > 0
        ? `en tant que ${ROLE_LABELS[depositorRole]}, utilisez : ${allowed.join(', ')}.`
        : `le ${ROLE_LABELS[depositorRole]} ne dépose pas de pièce de travaux.`);
    throw new DomainError('CADRE_NON_AUTORISE_POUR_ROLE', message, 'FORBIDDEN', [{ path: 'cadre', message }]);
  }
  return c;
}

/** The cadres a role may deposit, in table order (flagged cadres only when enabled). */
export function cadresForRole(role: Role, options: CadreOptions = {}): readonly Cadre[] {
  return CADRES.filter((c) => c.depositorRoles.includes(role) && isEnabled(c, options));
}
