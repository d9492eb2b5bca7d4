import type { DgpKind } from '../dgp/clock';
import { applyRateBp } from '../money';
import type { Dossier } from './types';

/**
 * What a dossier owes and which DGP clock it runs, as the interest and the clock views need them.
 */

/** The kind of DGP clock of a dossier: the solde's, a sous-traitant's direct payment, or a monthly acompte's. */
export function dgpKindOf(d: Dossier): DgpKind {
  if (d.kind === 'SOLDE') return 'SOLDE';
  return d.origin === 'SOUS_TRAITANT' ? 'SOUS_TRAITANT' : 'ACOMPTE_MENSUEL';
}

/**
 * Retenue de garantie on the amount due: the marché's rate applied to the TTC acompte (assumption H15: the retenue is
 * taken on the amount as paid), deducted from the base of late interest (décret 2013-269 art. 8).
 */
export function retenueGarantie(d: Dossier, dueTtcCents: number): number {
  return applyRateBp(dueTtcCents, d.params.retenueGarantieBp ?? 0);
}

/** Amount due on the dossier for interest: the last piece with amounts (TTC). */
export function amountDue(d: Dossier): number | undefined {
  for (let i = d.pieces.length - 1; i >= 0; i--) {
    const m = d.pieces[i]?.montants;
    if (m) return m.ttcCents;
  }
  return undefined;
}

/** Structures that see the dossier: every party of it. */
export function structuresOf(d: Dossier): string[] {
  const p = d.parties;
  return [
    ...new Set([
      p.fournisseur.siret,
      p.titulaire.siret,
      ...p.valideurs.map((v) => v.siret),
      ...(p.moe ? [p.moe.siret] : []),
      p.moa.siret,
      p.serviceFinancier.siret,
    ]),
  ];
}
