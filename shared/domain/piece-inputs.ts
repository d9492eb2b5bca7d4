import type { Cadre, CadreFamily } from './cadres';
import type { CalendarDate } from './calendar';
import type { Montants } from './circuits';
import { DomainError } from './errors';

/**
 * Business checks on what a depositor types for a piece, beyond its format: the sign of its amounts for its cadre
 * and its date (docs/rules/money.md, docs/rules/documents.md). Each refusal is a 422 with a French message.
 */

/**
 * *(assumption)* Families of cadres whose amounts may be negative. A décompte (final, général, DGD, tacit or not)
 * may close on a sum the titulaire owes (solde débiteur: CCAG-T 2021 art. 12.4, « le montant du solde »). An état
 * d'acompte is a + b + d + e − (c + f + g) (CCAG-T 2021 art. 12.2.1, 2009 art. 13.2.1): negative when penalties,
 * advance recovery and retenue exceed the month's works. What a company asks for — its projet de décompte mensuel
 * (A4, A10, A13) and a sous-traitant's or cotraitant's invoice (A9, A12) — states work done: never negative (a
 * credit note is not a works cadre).
 */
export const NEGATIVE_AMOUNT_FAMILIES: readonly CadreFamily[] = [
  'ETAT_ACOMPTE',
  'VALIDATED',
  'FINAL',
  'GENERAL',
  'DEFINITIVE',
  'TACIT',
];

export function admitsNegativeAmounts(cadre: Pick<Cadre, 'family'>): boolean {
  return NEGATIVE_AMOUNT_FAMILIES.includes(cadre.family);
}

const sign = (cents: number) => Math.sign(cents);

/** Refuses a negative amount where the cadre admits none, and amounts of opposite signs (HT, TVA, TTC) anywhere. */
export function checkAmountSigns(cadre: Pick<Cadre, 'code' | 'label' | 'family'>, m: Montants): void {
  const fields = [
    ['htCents', 'HT'],
    ['tvaCents', 'TVA'],
    ['ttcCents', 'TTC'],
  ] as const;
  if (!admitsNegativeAmounts(cadre)) {
    const negative = fields.find(([k]) => m[k] < 0);
    if (negative) {
      const [key, label] = negative;
      const message = `Montant ${label} négatif : une pièce ${cadre.code} (${cadre.label}) demande un paiement, ses montants sont positifs ou nuls. Un solde en faveur de l'acheteur se constate dans le décompte.`;
      throw new DomainError('MONTANT_NEGATIF', message, 'INVALID', [{ path: `montants.${key}`, message }]);
    }
    return;
  }
  const signs = new Set(fields.map(([k]) => sign(m[k])).filter((s) => s !== 0));
  if (signs.size > 1) {
    const message =
      'Montants de signes contraires : HT, TVA et TTC sont tous positifs (somme due au titulaire) ou tous négatifs (solde en faveur de l’acheteur).';
    throw new DomainError('MONTANTS_SIGNES_CONTRAIRES', message, 'INVALID', [{ path: 'montants', message }]);
  }
}

/**
 * *(assumption)* The earliest piece date accepted when the marché records no notification date: the Factures de
 * travaux space postdates it by far, and no works contract still billed today is older.
 */
export const EARLIEST_PIECE_DATE: CalendarDate = '2000-01-01' as CalendarDate;

/**
 * A piece is dated the day it was drawn up: not after today (Europe/Paris) and not before the marché was notified
 * (nothing can be billed under a contract not yet in force: CCAG-T 2021 art. 3.1, the notification starts the
 * marché), or before `EARLIEST_PIECE_DATE` when the notification date is unknown.
 */
export function checkPieceDate(date: CalendarDate, today: CalendarDate, notifiedOn?: string): void {
  if (date > today) {
    const message = `La date de la pièce (${date}) est postérieure à aujourd'hui (${today}) : indiquez la date à laquelle la pièce a été établie.`;
    throw new DomainError('DATE_PIECE_FUTURE', message, 'INVALID', [{ path: 'datePiece', message }]);
  }
  const floor = notifiedOn && /^\d{4}-\d{2}-\d{2}$/.test(notifiedOn) ? notifiedOn : undefined;
  if (floor && date < floor) {
    const message = `La date de la pièce (${date}) est antérieure à la notification du marché (${floor}) : une pièce ne peut pas précéder le marché.`;
    throw new DomainError('DATE_PIECE_AVANT_MARCHE', message, 'INVALID', [{ path: 'datePiece', message }]);
  }
  if (!floor && date < EARLIEST_PIECE_DATE) {
    const message = `La date de la pièce (${date}) est antérieure au ${EARLIEST_PIECE_DATE} : vérifiez l'année.`;
    throw new DomainError('DATE_PIECE_TROP_ANCIENNE', message, 'INVALID', [{ path: 'datePiece', message }]);
  }
}
