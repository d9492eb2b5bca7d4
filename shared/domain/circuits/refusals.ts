import { DomainError, type DomainErrorKind, type FieldIssue } from '../errors';

/**
 * Every code a circuit refusal may carry, with its kind (the HTTP status family). Clients and workflows rely on
 * the code; the message (French) says what is wrong and what to do.
 */
export const REFUSAL_CODES = {
  /** The action is malformed (missing or wrongly typed field). */
  ACTION_INVALIDE: 'INVALID',
  /** `now` is not a valid instant, or is earlier than the dossier's last change. */
  HORODATAGE_INVALIDE: 'INVALID',
  /** The dossier does not belong to the marché given. */
  MARCHE_INCOHERENT: 'INVALID',
  /** No dossier yet, and the action is not a first deposit. */
  DOSSIER_INTROUVABLE: 'NOT_FOUND',
  /** A first deposit on a dossier that already exists. */
  DOSSIER_DEJA_OUVERT: 'CONFLICT',
  /** The dossier is closed (paid, refused, rejected…): nothing more can be done on it. */
  DOSSIER_CLOS: 'CONFLICT',
  /** Nobody may do this in the dossier's current state. */
  ACTION_NON_AUTORISEE_DANS_CET_ETAT: 'CONFLICT',
  /** Someone may do this now, but not in the roles the actor holds. */
  ROLE_NON_AUTORISE: 'FORBIDDEN',
  /** The actor holds the role, but the dossier names another structure in it. */
  ACTEUR_NON_DESIGNE: 'FORBIDDEN',
  /** The delay of this step has passed and its tacit effect applies: the act is too late. */
  DELAI_DEPASSE: 'CONFLICT',
  /** System timeout applied before the deadline. */
  DELAI_NON_EXPIRE: 'CONFLICT',
  /** System timeout on a wait that has no deadline running. */
  AUCUN_DELAI_EN_COURS: 'CONFLICT',
  /** System timeout for a step the dossier has already left. */
  ETAPE_PERIMEE: 'CONFLICT',
  /** Cadres (docs/rules/cadres.md). */
  CADRE_INCONNU: 'INVALID',
  CADRE_HORS_TRAVAUX: 'INVALID',
  CADRE_NON_GERE: 'INVALID',
  CADRE_NON_INITIAL: 'INVALID',
  CADRE_INATTENDU: 'INVALID',
  CADRE_NON_AUTORISE_POUR_ROLE: 'FORBIDDEN',
  /** A4 on a marché without a MOE, A5 on a marché with one (organisation.ts). */
  CADRE_INADAPTE_AU_CIRCUIT: 'INVALID',
  /** The A6's amounts differ from those the MOA validated. */
  MONTANTS_NON_VALIDES: 'INVALID',
  /** Piece numbers (shared/domain/documents.ts validatePieceNumber). */
  NUMERO_PIECE_VIDE: 'INVALID',
  NUMERO_PIECE_TROP_LONG: 'INVALID',
  NUMERO_PIECE_CARACTERE_INTERDIT: 'INVALID',
  /** The piece id, or the depositor's piece number, is already in the dossier. */
  PIECE_DEJA_PRESENTE: 'CONFLICT',
  MONTANTS_INCOHERENTS: 'INVALID',
  /** MOE / MOA refusal reasons. */
  MOTIF_REFUS_INVALIDE: 'INVALID',
  REFUS_POUR_MONTANT_INTERDIT: 'INVALID',
  /** Service financier. */
  SUSPENSION_DEJA_UTILISEE: 'CONFLICT',
  SUSPENSION_APRES_MANDATEMENT: 'CONFLICT',
  LISTE_DOCUMENTS_VIDE: 'INVALID',
  RECYCLAGE_VIDE: 'INVALID',
  RECYCLAGE_CHAMP_NON_MODIFIABLE: 'INVALID',
  SIRET_INVALIDE: 'INVALID',
  /** Opening a dossier: the marché and the depositor. */
  SOUS_TRAITANT_SANS_PAIEMENT_DIRECT: 'FORBIDDEN',
  COTRAITANT_NON_AUTORISE: 'FORBIDDEN',
  MARCHE_INCOMPLET: 'CONFLICT',
  DATE_INVALIDE: 'INVALID',
  /** The structured état d'acompte (etat-acompte.ts). */
  ETAT_ACOMPTE_INVALIDE: 'INVALID',
  ETAT_ACOMPTE_NON_PREVU: 'INVALID',
  ETAT_ACOMPTE_INCOHERENT: 'INVALID',
  CUMUL_DECROISSANT: 'INVALID',
  CUMUL_INFERIEUR_ETAT_PRECEDENT: 'INVALID',
  CUMUL_SUPERIEUR_ETAT_SUIVANT: 'INVALID',
  RETENUE_GARANTIE_TROP_ELEVEE: 'INVALID',
} as const satisfies Record<string, DomainErrorKind>;

export type RefusalCode = keyof typeof REFUSAL_CODES;

export function refusal(code: RefusalCode, message: string, fields: readonly FieldIssue[] = []): DomainError {
  return new DomainError(code, message, REFUSAL_CODES[code], fields);
}

export function isRefusalCode(code: string): code is RefusalCode {
  return Object.hasOwn(REFUSAL_CODES, code);
}
