import * as z from 'zod';
import { fr } from 'zod/locales';
import { DomainError, type FieldIssue } from '../errors';
import { type EtatAcompte, etatAcompte } from '../money';
import type { DossierParams, Montants } from './types';

/**
 * The structured état d'acompte a piece may carry (A4, A5, A6, A15, A16, A19): the lines of CCAG-T 2014 art. 13.2.1
 * (2021: 12.2.1) in integer cents, from which the amounts of the piece follow (docs/rules/money.md):
 * a = cumul du mois − cumul précédent (per TVA rate), b = TVA on a + d, c pénalités, d révision des prix, e avance,
 * f remboursement d'avance, g retenue de garantie at the marché's rate (≤ 5 %), and
 * amount due = a + b + d + e − (c + f + g).
 */
const cents = z.number().int().refine(Number.isSafeInteger, { message: 'montant en centimes hors limites' });
const positive = cents.refine((n) => n >= 0, { message: 'montant positif ou nul attendu' });

export const etatAcompteLignesSchema = z.object({
  lignes: z
    .array(
      z.object({
        tauxTvaBp: z.number().int().min(0).max(10_000),
        cumulMoisHtCents: positive,
        cumulPrecedentHtCents: positive,
        revisionPrixHtCents: cents.optional(),
      }),
    )
    .min(1)
    .max(10),
  penalitesCents: positive.optional(),
  avanceCents: positive.optional(),
  remboursementAvanceCents: positive.optional(),
});
export type EtatAcompteLignes = z.output<typeof etatAcompteLignesSchema>;

/** The lines as deposited, and every figure the rule book derives from them. */
export interface EtatAcomptePiece {
  readonly lignes: EtatAcompteLignes;
  readonly calcul: EtatAcompte;
}

function refuse(code: string, message: string, fields: FieldIssue[]): never {
  throw new DomainError(code, message, 'INVALID', fields);
}

/**
 * Checks the lines and derives the état d'acompte: each cumulative amount never decreases (this month's cumul is at
 * least the previous one: the cumul of a marché's décomptes only grows, CCAG-T 2014 art. 13.1.1), the retenue de
 * garantie is the marché's (≤ 5 %, CCP R2191-33), and the piece's HT / TVA / TTC, when given, are those of the
 * lines (HT = a + d, TVA = b, TTC = a + b + d). Returns the amounts of the piece.
 */
export function checkEtatAcompte(
  params: Pick<DossierParams, 'retenueGarantieBp'>,
  input: unknown,
  montants: Montants | undefined,
): { etat: EtatAcomptePiece; montants: Montants } {
  const parsed = etatAcompteLignesSchema.safeParse(input, { error: fr().localeError });
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => ({
      path: ['etatAcompte', ...i.path.map(String)].join('.'),
      message: i.message,
    }));
    refuse(
      'ETAT_ACOMPTE_INVALIDE',
      `État d'acompte mal formé : ${fields.map((f) => `${f.path} : ${f.message}`).join(' ; ')}.`,
      fields,
    );
  }
  const lignes = parsed.data;
  const decreasing = lignes.lignes.flatMap((l, i) =>
    l.cumulMoisHtCents < l.cumulPrecedentHtCents
      ? [
          {
            path: `etatAcompte.lignes.${i}.cumulMoisHtCents`,
            message: `Le cumul du mois (${l.cumulMoisHtCents}) est inférieur au cumul précédent (${l.cumulPrecedentHtCents}) : un montant cumulé ne diminue jamais d'un acompte à l'autre ; corrigez le cumul.`,
          },
        ]
      : [],
  );
  if (decreasing.length > 0) {
    refuse('CUMUL_DECROISSANT', decreasing.map((f) => f.message).join(' '), decreasing);
  }
  const calcul = etatAcompte({ ...lignes, retenueGarantieBp: params.retenueGarantieBp ?? 0 });
  const derived: Montants = {
    htCents: calcul.montantAcompteHtCents + calcul.revisionPrixHtCents,
    tvaCents: calcul.tvaCents,
    ttcCents: calcul.montantTtcCents,
  };
  if (montants) {
    const faults = (['htCents', 'tvaCents', 'ttcCents'] as const)
      .filter((k) => montants[k] !== derived[k])
      .map((k) => ({
        path: `piece.montants.${k}`,
        message: `${k === 'htCents' ? 'HT (a + d)' : k === 'tvaCents' ? 'TVA (b)' : 'TTC (a + b + d)'} : ${montants[k]} déclaré, ${derived[k]} d'après les lignes de l'état d'acompte (centimes).`,
      }));
    if (faults.length > 0) {
      refuse(
        'ETAT_ACOMPTE_INCOHERENT',
        `Les montants de la pièce ne sont pas ceux de son état d'acompte : ${faults.map((f) => f.message).join(' ; ')} Corrigez les lignes ou les montants.`,
        faults,
      );
    }
  }
  return { etat: { lignes, calcul }, montants: derived };
}

/** One line of the MOE's (or the MOA's) corrections against the previous piece. */
export interface LigneCorrigee {
  readonly ligne: string;
  readonly avantCents: number;
  readonly apresCents: number;
  readonly ecartCents: number;
}

/** The line-by-line difference between two états d'acompte (the MOE's corrections of the PDM), changed lines only. */
export function correctionsEtatAcompte(avant: EtatAcomptePiece, apres: EtatAcomptePiece): LigneCorrigee[] {
  const flat = (e: EtatAcomptePiece): Map<string, number> => {
    const m = new Map<string, number>();
    for (const l of e.lignes.lignes) {
      const t = `TVA ${l.tauxTvaBp / 100} %`;
      m.set(`cumul du mois HT (${t})`, (m.get(`cumul du mois HT (${t})`) ?? 0) + l.cumulMoisHtCents);
      m.set(`cumul précédent HT (${t})`, (m.get(`cumul précédent HT (${t})`) ?? 0) + l.cumulPrecedentHtCents);
      m.set(
        `d) révision des prix HT (${t})`,
        (m.get(`d) révision des prix HT (${t})`) ?? 0) + (l.revisionPrixHtCents ?? 0),
      );
    }
    const c = e.calcul;
    m.set('a) acompte HT', c.montantAcompteHtCents);
    m.set('b) TVA', c.tvaCents);
    m.set('c) pénalités', c.penalitesCents);
    m.set('e) avance', c.avanceCents);
    m.set("f) remboursement d'avance", c.remboursementAvanceCents);
    m.set('g) retenue de garantie', c.retenueGarantieCents);
    m.set('montant dû', c.montantDuCents);
    return m;
  };
  const a = flat(avant);
  const b = flat(apres);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return keys
    .map((ligne) => ({ ligne, avantCents: a.get(ligne) ?? 0, apresCents: b.get(ligne) ?? 0 }))
    .filter((l) => l.avantCents !== l.apresCents)
    .map((l) => ({ ...l, ecartCents: l.apresCents - l.avantCents }));
}
