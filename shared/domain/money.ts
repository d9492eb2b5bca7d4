import { DomainError } from './errors';
import { excerpt } from './excerpt';

/**
 * Money is exact (docs/rules/money.md): integer cents inside (`Cents`, a safe integer), decimal strings with two decimals
 * at the API ("1234.50"). Rates are basis points (1 % = 100). No floating point touches an amount: products go
 * through `bigint`.
 */
export type Cents = number;
/** Basis points: 1 % = 100, 100 % = 10 000. */
export type BasisPoints = number;

const BP_PER_UNIT = 10_000n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Accepted API amount: optional minus, digits, optionally a dot and one or two decimals. Refused on purpose:
 * a plus sign, surrounding spaces, thousands separators, a decimal comma, exponents, a bare ".5" or "5.", more than
 * two decimals (no silent rounding of an amount).
 */
const AMOUNT = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

function invalid(message: string, path: string): DomainError {
  return new DomainError('MONTANT_INVALIDE', message, 'INVALID', [{ path, message }]);
}

export function isCents(value: unknown): value is Cents {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** Throws `MONTANT_INVALIDE` unless `value` is a safe integer number of cents. */
export function assertCents(value: unknown, path = 'montant'): Cents {
  if (!isCents(value))
    throw invalid(`Montant ${String(value)} invalide : un nombre entier de centimes est attendu.`, path);
  return value === 0 ? 0 : value; // no -0
}

/** Parses an API amount ("1234.5", "-12.05", "7") into cents; throws `MONTANT_INVALIDE` otherwise. */
export function parseAmount(s: string, path = 'montant'): Cents {
  const m = typeof s === 'string' ? AMOUNT.exec(s) : null;
  if (!m) {
    throw invalid(
      `Montant « ${excerpt(String(s))} » invalide : écrivez un nombre décimal avec un point et au plus deux décimales, sans espace ni séparateur de milliers (exemple : 1234.50).`,
      path,
    );
  }
  const [, sign, units, decimals = ''] = m;
  const magnitude = BigInt(units!) * 100n + BigInt(decimals.padEnd(2, '0'));
  if (magnitude > MAX_SAFE) throw invalid(`Montant « ${excerpt(s)} » trop grand pour être traité exactement.`, path);
  const cents = Number(magnitude);
  return sign === '-' && cents !== 0 ? -cents : cents;
}

/** Formats cents for the API: "1234.50", "-0.05" (two decimals, minus sign, no grouping). */
export function formatAmount(c: Cents): string {
  const cents = assertCents(c);
  const abs = Math.abs(cents);
  const rest = abs % 100;
  const units = (abs - rest) / 100; // exact: a multiple of 100 divides without rounding, unlike trunc(abs / 100)
  return `${cents < 0 ? '-' : ''}${units}.${rest.toString().padStart(2, '0')}`;
}

/** U+202F, the narrow no-break space French typography (and `Intl` fr-FR) uses between digit groups. */
export const THOUSANDS_SEPARATOR = '\u202f';
/** U+00A0, the no-break space before the euro sign (as `Intl` fr-FR writes it). */
export const CURRENCY_SEPARATOR = '\u00a0';

/**
 * French display: "1 234,50 €" with a narrow no-break space between groups of three digits and a no-break space
 * before "€" (the same characters as `Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' })`, written
 * by hand so that no float is involved). Negative amounts start with "-".
 */
export function formatEuros(c: Cents): string {
  const [sign, units, decimals] = /^(-?)(\d+)\.(\d{2})$/.exec(formatAmount(c))!.slice(1) as [string, string, string];
  const grouped = units.replace(/\B(?=(\d{3})+$)/g, THOUSANDS_SEPARATOR);
  return `${sign}${grouped},${decimals}${CURRENCY_SEPARATOR}€`;
}

function checkRate(rateBp: BasisPoints, path: string): void {
  if (!Number.isSafeInteger(rateBp) || rateBp < 0) {
    throw new DomainError(
      'TAUX_INVALIDE',
      `Taux ${String(rateBp)} invalide : un nombre entier positif de points de base est attendu (1 % = 100).`,
      'INVALID',
      [{ path, message: 'Taux en points de base entier et positif attendu.' }],
    );
  }
}

/**
 * `base × rate`, rounded to the cent half away from zero (0.5 cent → 1 cent, −0.5 cent → −1 cent), so that
 * `applyRateBp(-x, r) === -applyRateBp(x, r)`. The product is computed on bigint: exact for any safe input.
 */
export function applyRateBp(baseCents: Cents, rateBp: BasisPoints, path = 'taux'): Cents {
  const base = BigInt(assertCents(baseCents));
  checkRate(rateBp, path);
  const product = base * BigInt(rateBp);
  const abs = product < 0n ? -product : product;
  const rounded = (abs + BP_PER_UNIT / 2n) / BP_PER_UNIT; // half-up on the magnitude
  if (rounded > MAX_SAFE) throw invalid('Montant calculé trop grand pour être traité exactement.', path);
  const n = Number(rounded);
  return product < 0n && n !== 0 ? -n : n;
}

/** Sum of cents that refuses to leave the safe-integer range (a silent float would lose cents). */
export function sumCents(values: readonly Cents[], path = 'montant'): Cents {
  let total = 0n;
  for (const v of values) total += BigInt(assertCents(v, path));
  if (total > MAX_SAFE || total < -MAX_SAFE) throw invalid('Somme trop grande pour être traitée exactement.', path);
  return Number(total);
}

/** Retenue de garantie cap: 5 % (CCP R2191-33). */
export const RETENUE_GARANTIE_MAX_BP = 500;

/** What the retenue de garantie is applied to. */
export type RetenueGarantieBase = 'TTC' | 'HT';
/** docs/rules/money.md *(assumption H15)*: the retenue de garantie is applied to the TTC acompte (a + b + d). */
export const DEFAULT_RETENUE_GARANTIE_BASE: RetenueGarantieBase = 'TTC';

/** Throws `RETENUE_GARANTIE_TROP_ELEVEE` above 5 %. */
export function assertRetenueGarantieBp(rateBp: BasisPoints, path = 'retenueGarantieBp'): BasisPoints {
  checkRate(rateBp, path);
  // CCP R2191-33: la retenue de garantie ne peut être supérieure à 5 %
  if (rateBp > RETENUE_GARANTIE_MAX_BP) {
    const message = `Retenue de garantie de ${formatRate(rateBp)} % : elle ne peut dépasser 5 % (CCP R2191-33).`;
    throw new DomainError('RETENUE_GARANTIE_TROP_ELEVEE', message, 'INVALID', [{ path, message }]);
  }
  return rateBp;
}

/** 550 → "5,5" (French display of a rate given in basis points). */
export function formatRate(rateBp: BasisPoints): string {
  const units = Math.trunc(rateBp / 100);
  const decimals = (rateBp % 100).toString().padStart(2, '0').replace(/0+$/, '');
  return decimals ? `${units},${decimals}` : `${units}`;
}

/** Amounts of the décompte at one TVA rate (HT, cents). */
export interface EtatAcompteLigneTva {
  readonly tauxTvaBp: BasisPoints;
  /** Montant cumulé HT du décompte mensuel de ce mois, à ce taux. */
  readonly cumulMoisHtCents: Cents;
  /** Montant cumulé HT du décompte mensuel précédent, à ce taux (0 for the first acompte). */
  readonly cumulPrecedentHtCents: Cents;
  /** d) révision / actualisation des prix HT at this rate; may be negative. */
  readonly revisionPrixHtCents?: Cents;
}

export interface EtatAcompteInput {
  /** One line per TVA rate; lines with the same rate are added together before TVA is computed. */
  readonly lignes: readonly EtatAcompteLigneTva[];
  /** c) pénalités (≥ 0, outside the TVA base). */
  readonly penalitesCents?: Cents;
  /** e) avance attribuée (≥ 0). */
  readonly avanceCents?: Cents;
  /** f) remboursement d'avance (≥ 0). */
  readonly remboursementAvanceCents?: Cents;
  /** g) retenue de garantie rate, ≤ 500 bp. */
  readonly retenueGarantieBp: BasisPoints;
  /** *(assumption H15)* base of the retenue; default `DEFAULT_RETENUE_GARANTIE_BASE` (TTC). */
  readonly retenueGarantieBase?: RetenueGarantieBase;
}

export interface TvaParTaux {
  readonly tauxTvaBp: BasisPoints;
  /** a + d at this rate. */
  readonly baseHtCents: Cents;
  readonly montantTvaCents: Cents;
}

export interface EtatAcompte {
  /** a) montant de l'acompte = cumul du mois − cumul précédent (HT). */
  readonly montantAcompteHtCents: Cents;
  /** b) TVA = Σ of `tvaParTaux`. */
  readonly tvaCents: Cents;
  readonly tvaParTaux: readonly TvaParTaux[];
  /** c) */
  readonly penalitesCents: Cents;
  /** d) */
  readonly revisionPrixHtCents: Cents;
  /** e) */
  readonly avanceCents: Cents;
  /** f) */
  readonly remboursementAvanceCents: Cents;
  /** g) */
  readonly retenueGarantieCents: Cents;
  readonly retenueGarantieBase: RetenueGarantieBase;
  /** What g was applied to: a + b + d (TTC) or a + d (HT). */
  readonly retenueGarantieAssietteCents: Cents;
  /** a + b + d. */
  readonly montantTtcCents: Cents;
  /** a + b + d + e − (c + f + g). */
  readonly montantDuCents: Cents;
}

function nonNegative(value: Cents | undefined, path: string): Cents {
  const v = assertCents(value ?? 0, path);
  if (v < 0) {
    const message = 'Ce montant ne peut pas être négatif.';
    throw new DomainError('MONTANT_INVALIDE', message, 'INVALID', [{ path, message }]);
  }
  return v;
}

/**
 * The état d'acompte of one month, every line in cents.
 * CCAG-T 2014 art. 13.2.1 (2021: 12.2.1): montant dû = a + b + d + e − (c + f + g)
 */
export function etatAcompte(input: EtatAcompteInput): EtatAcompte {
  if (input.lignes.length === 0) {
    const message = 'Au moins une ligne (un taux de TVA) est attendue.';
    throw new DomainError('LIGNES_TVA_MANQUANTES', message, 'INVALID', [{ path: 'lignes', message }]);
  }
  const retenueGarantieBp = assertRetenueGarantieBp(input.retenueGarantieBp);
  const penalitesCents = nonNegative(input.penalitesCents, 'penalitesCents');
  const avanceCents = nonNegative(input.avanceCents, 'avanceCents');
  const remboursementAvanceCents = nonNegative(input.remboursementAvanceCents, 'remboursementAvanceCents');

  const byRate = new Map<BasisPoints, { a: Cents; d: Cents }>();
  input.lignes.forEach((l, i) => {
    checkRate(l.tauxTvaBp, `lignes.${i}.tauxTvaBp`);
    const cumul = assertCents(l.cumulMoisHtCents, `lignes.${i}.cumulMoisHtCents`);
    const precedent = assertCents(l.cumulPrecedentHtCents, `lignes.${i}.cumulPrecedentHtCents`);
    const d = assertCents(l.revisionPrixHtCents ?? 0, `lignes.${i}.revisionPrixHtCents`);
    const acc = byRate.get(l.tauxTvaBp) ?? { a: 0, d: 0 };
    // CCAG-T 2014 art. 13.2.1 a) (2021: 12.2.1): acompte = décompte du mois − décompte précédent
    byRate.set(l.tauxTvaBp, {
      a: sumCents([acc.a, cumul, -precedent], `lignes.${i}`),
      d: sumCents([acc.d, d], `lignes.${i}`),
    });
  });

  // CCAG-T 2014 art. 13.1.5 (2021: 12.1.5): TVA by rate; base a + d *(assumption H16: révision bears TVA like the work)*
  const tvaParTaux: TvaParTaux[] = [...byRate.entries()]
    .sort(([r1], [r2]) => r1 - r2)
    .map(([tauxTvaBp, { a, d }]) => {
      const baseHtCents = sumCents([a, d]);
      return { tauxTvaBp, baseHtCents, montantTvaCents: applyRateBp(baseHtCents, tauxTvaBp) };
    });
  const montantAcompteHtCents = sumCents([...byRate.values()].map((v) => v.a));
  const revisionPrixHtCents = sumCents([...byRate.values()].map((v) => v.d));
  const tvaCents = sumCents(tvaParTaux.map((t) => t.montantTvaCents));
  const montantTtcCents = sumCents([montantAcompteHtCents, tvaCents, revisionPrixHtCents]);

  const retenueGarantieBase = input.retenueGarantieBase ?? DEFAULT_RETENUE_GARANTIE_BASE;
  const retenueGarantieAssietteCents =
    retenueGarantieBase === 'TTC' ? montantTtcCents : sumCents([montantAcompteHtCents, revisionPrixHtCents]);
  // CCP R2191-32: the retenue is taken on each acompte; a negative acompte gives back its share (linear, same rounding)
  const retenueGarantieCents = applyRateBp(retenueGarantieAssietteCents, retenueGarantieBp, 'retenueGarantieBp');

  // CCAG-T 2014 art. 13.2.1 (2021: 12.2.1): a + b + d + e − (c + f + g)
  const montantDuCents = sumCents([
    montantTtcCents,
    avanceCents,
    -penalitesCents,
    -remboursementAvanceCents,
    -retenueGarantieCents,
  ]);
  return {
    montantAcompteHtCents,
    tvaCents,
    tvaParTaux,
    penalitesCents,
    revisionPrixHtCents,
    avanceCents,
    remboursementAvanceCents,
    retenueGarantieCents,
    retenueGarantieBase,
    retenueGarantieAssietteCents,
    montantTtcCents,
    montantDuCents,
  };
}
