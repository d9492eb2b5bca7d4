import type { DgpKind } from '../dgp/clock';
import { applyRateBp } from '../money';
import type { Dossier, Piece } from './types';

/**
 * What a dossier owes and which DGP clock it runs, as the interest and the clock views need them.
 */

/** The kind of DGP clock of a dossier: the solde's, a sous-traitant's direct payment, or a monthly acompte's. */
export function dgpKindOf(d: Dossier): DgpKind {
  if (d.kind === 'SOLDE') return 'SOLDE';
  return d.origin === 'SOUS_TRAITANT' ? 'SOUS_TRAITANT' : 'ACOMPTE_MENSUEL';
}

/** The last piece with amounts: the one the dossier is paid on. */
function paidPiece(d: Dossier): Piece | undefined {
  for (let i = d.pieces.length - 1; i >= 0; i--) {
    const p = d.pieces[i];
    if (p?.montants) return p;
  }
  return undefined;
}

/**
 * Retenue de garantie on the amount due, deducted from the base of late interest (décret 2013-269 art. 8): line g of
 * the paid piece's état d'acompte when it carries one, else the marché's rate applied to the TTC acompte
 * (assumption H15: the retenue is taken on the amount as paid).
 */
export function retenueGarantie(d: Dossier, dueTtcCents: number): number {
  const etat = paidPiece(d)?.etatAcompte;
  if (etat) return etat.calcul.retenueGarantieCents;
  return applyRateBp(dueTtcCents, d.params.retenueGarantieBp ?? 0);
}

/**
 * Amount due on the dossier for interest, before the retenue de garantie: the paid piece's TTC, or, when it carries
 * an état d'acompte, a + b + d + e − (c + f) (docs/rules/money.md#état-dacompte; the base is then the amount due of
 * the état, a + b + d + e − (c + f + g)).
 */
export function amountDue(d: Dossier): number | undefined {
  const p = paidPiece(d);
  if (!p?.montants) return undefined;
  const etat = p.etatAcompte?.calcul;
  return etat ? etat.montantDuCents + etat.retenueGarantieCents : p.montants.ttcCents;
}

/** How the base of late interest is reached, for the reader: from which piece, with which lines. */
export interface InterestBasis {
  readonly pieceCadre: string;
  readonly pieceNumero: string;
  readonly fromEtatAcompte: boolean;
  readonly amountDueCents: number;
  readonly retenueGarantieCents: number;
  readonly baseCents: number;
  /** The arithmetic, in French, amounts in cents. */
  readonly calcul: string;
}

export function interestBasisOf(d: Dossier): InterestBasis | undefined {
  const p = paidPiece(d);
  const due = amountDue(d);
  if (!p || due === undefined) return undefined;
  const g = retenueGarantie(d, due);
  const c = p.etatAcompte?.calcul;
  const calcul = c
    ? `a + b + d + e − (c + f + g) = ${c.montantAcompteHtCents} + ${c.tvaCents} + ${c.revisionPrixHtCents} + ${c.avanceCents} − (${c.penalitesCents} + ${c.remboursementAvanceCents} + ${c.retenueGarantieCents}) = ${c.montantDuCents} centimes (état d'acompte ${p.cadre} n° ${p.numero})`
    : `TTC − retenue de garantie = ${due} − ${g} = ${due - g} centimes (pièce ${p.cadre} n° ${p.numero}, retenue au taux du marché)`;
  return {
    pieceCadre: p.cadre,
    pieceNumero: p.numero,
    fromEtatAcompte: Boolean(c),
    amountDueCents: due,
    retenueGarantieCents: g,
    baseCents: due - g,
    calcul,
  };
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
