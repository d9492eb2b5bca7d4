import { CADRES } from '../cadres';
import type { Role } from '../roles';
import type { DossierKind, DossierOrigin } from './states';

/**
 * The cadres as the circuits use them (docs/rules/cadres.md). The full table (labels, API values, depositors,
 * confidence) is shared/domain/cadres.ts; this module adds which cadre opens which circuit.
 */
export type CadreCode =
  | 'A1'
  | 'A2'
  | 'A3'
  | 'A4'
  | 'A5'
  | 'A6'
  | 'A7'
  | 'A8'
  | 'A9'
  | 'A10'
  | 'A11'
  | 'A12'
  | 'A13'
  | 'A14'
  | 'A15'
  | 'A16'
  | 'A17'
  | 'A18'
  | 'A19'
  | 'A20'
  | 'A21'
  | 'A22'
  | 'A23'
  | 'A24'
  | 'A25';

/**
 * Depositor roles of every works cadre: the cadres table's own column (docs/rules/cadres.md), read here so that the
 * rule is written once.
 */
export const CADRE_DEPOSITORS: Readonly<Partial<Record<CadreCode, readonly Role[]>>> = Object.fromEntries(
  CADRES.map((c) => [c.code, c.depositorRoles]),
);

/** Cadres that open a dossier: the first deposit (docs/rules/circuits.md). */
export const OPENING_CADRES: Readonly<
  Partial<Record<CadreCode, { readonly kind: DossierKind; readonly origin: DossierOrigin }>>
> = {
  A4: { kind: 'ACOMPTE_MENSUEL', origin: 'TITULAIRE' },
  // Marché without a MOE: the titulaire's état d'acompte opens the dossier (organisation.ts)
  A5: { kind: 'ACOMPTE_MENSUEL', origin: 'TITULAIRE' },
  A7: { kind: 'SOLDE', origin: 'TITULAIRE' },
  A9: { kind: 'ACOMPTE_MENSUEL', origin: 'SOUS_TRAITANT' },
  A10: { kind: 'ACOMPTE_MENSUEL', origin: 'SOUS_TRAITANT' },
  A12: { kind: 'ACOMPTE_MENSUEL', origin: 'COTRAITANT' },
  A13: { kind: 'ACOMPTE_MENSUEL', origin: 'COTRAITANT' },
  A14: { kind: 'SOLDE', origin: 'COTRAITANT' },
};

/** Ordinary invoices, justice and TIC refunds: not works pieces, with the space they belong to (docs/rules/cadres.md). */
export const CADRES_HORS_TRAVAUX: Readonly<Partial<Record<CadreCode, string>>> = {
  A1: 'Factures émises',
  A2: 'Factures émises',
  A3: 'Mémoires de frais de justice',
  A21: 'Demandes de remboursement de la TIC',
};

/**
 * Works cadres this circuit does not run: A11 (sous-traitant projet de décompte final) is an unconfirmed cadre,
 * absent from the AIFE labels, kept behind its flag in the cadre table. A5 / A6 / A16 / A18 run in
 * the circuits without a MOE and with validation delegated to the MOE (organisation.ts).
 */
export const CADRES_NON_GERES: readonly CadreCode[] = ['A11'];

export const ALL_CADRES: readonly CadreCode[] = Array.from({ length: 25 }, (_, i) => `A${i + 1}` as CadreCode);

export function isCadreCode(value: string): value is CadreCode {
  return (ALL_CADRES as readonly string[]).includes(value);
}
