import type { Space } from '../roles';

/** A structure: an establishment identified by its SIRET, with its services and settings (docs/rules/structures.md#siret). */
export type StructureType = 'PUBLIC' | 'PRIVE';

export interface StructureService {
  readonly code: string;
  readonly libelle: string;
  readonly active: boolean;
}

/** Directory (annuaire) parameters of a public structure; all false for a private one. */
export interface DirectoryParams {
  readonly codeServiceObligatoire: boolean;
  readonly engagementObligatoire: boolean;
  /** « Structure avec MOA »: the structure acts through a maîtrise d'ouvrage. */
  readonly moaPresente: boolean;
  /** The mise-en-paiement status is reported back to suppliers. */
  readonly statutMiseEnPaiementRemonte: boolean;
}

export const NO_DIRECTORY_PARAMS: DirectoryParams = {
  codeServiceObligatoire: false,
  engagementObligatoire: false,
  moaPresente: false,
  statutMiseEnPaiementRemonte: false,
};

/** Mandat de facturation: another structure bills on this one's behalf. Not carried over by a SIRET change. */
export interface MandatFacturation {
  readonly mandataireSiret: string;
  readonly reference?: string;
}

export interface Structure {
  readonly siret: string;
  readonly raisonSociale: string;
  readonly type: StructureType;
  readonly services: readonly StructureService[];
  readonly directory: DirectoryParams;
  readonly active: boolean;
  /** Spaces (espaces) enabled on the structure. */
  readonly spaces: readonly Space[];
  readonly createdAt: Date;
  readonly deactivatedAt?: Date;
  /** Set on a structure created by a SIRET change: the SIRET it replaces. */
  readonly originalSiret?: string;
  /** Set on a structure deactivated by a SIRET change: the SIRET that replaces it. */
  readonly successorSiret?: string;
  readonly mandatFacturation?: MandatFacturation;
  readonly compteTechnique?: TechnicalAccount;
  /** Who was gestionnaire principal before whom, and why: the most recent last (`recordPrincipalChange`). */
  readonly principalHistory?: readonly PrincipalChange[];
}

/** A change of gestionnaire principal, recorded on the structure (docs/rules/structures.md#managers). */
export interface PrincipalChange {
  readonly at: Date;
  /** The former GP. */
  readonly from: string;
  /** The new GP; null when no active gestionnaire secondaire could take the role (structure without GP). */
  readonly to: string | null;
  /** DESACTIVATION: the GP's account was deactivated (succession rule); TRANSFERT: the GP handed the role over. */
  readonly reason: 'DESACTIVATION' | 'TRANSFERT';
}

/** The structure keeps this many changes of GP (the oldest go first). */
export const PRINCIPAL_HISTORY_MAX = 50;

export function recordPrincipalChange(structure: Structure, change: PrincipalChange): Structure {
  return {
    ...structure,
    principalHistory: [...(structure.principalHistory ?? []), change].slice(-PRINCIPAL_HISTORY_MAX),
  };
}

/**
 * The technical (API) account of a structure (docs/rules/structures.md#technical-account). The domain keeps when the password changed, never the
 * password: the caller hashes the validated password and stores the hash elsewhere.
 */
export interface TechnicalAccount {
  readonly siret: string;
  readonly login: string;
  /** When its credential (password, or the machine client's secret) last changed: the 424 days run from here. */
  readonly passwordChangedAt: Date;
  /** Its machine-to-machine client (OAuth 2 client credentials), once the GP has created one. */
  readonly clientId?: string;
}
