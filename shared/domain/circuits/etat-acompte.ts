import { fr } from 'zod/locales';
import { DomainError, type FieldIssue } from '../errors';
import type { Marche } from '../marche';
import { type EtatAcompte, etatAcompte, formatRate } from '../money';
import type { CadreCode } from './cadres';
import { type EtatAcompteLignes, type EtatAcomptePiece, etatAcompteLignesSchema } from './etat-acompte-lines';
import { type RefusalCode, refusal } from './refusals';
import type { DossierParams, Montants } from './types';

/**
 * The structured état d'acompte a piece may carry (A4, A5, A6, A15, A16, A19): the lines of CCAG-T 2014 art. 13.2.1
 * (2021: 12.2.1) in integer cents, from which the amounts of the piece follow (docs/rules/money.md):
 * a = cumul du mois − cumul précédent (per TVA rate), b = TVA on a + d, c pénalités, d révision des prix, e avance,
 * f remboursement d'avance, g retenue de garantie at the marché's rate (≤ 5 %), and
 * amount due = a + b + d + e − (c + f + g). The lines' shape: etat-acompte-lines.ts.
 */

/** The pieces that may carry the lines: the PDM, the titulaire's état (no MOE), the MOE's and the MOA's états. */
export const ETAT_ACOMPTE_CADRES: readonly CadreCode[] = ['A4', 'A5', 'A6', 'A15', 'A16', 'A19'];

function refuse(code: RefusalCode, message: string, fields: FieldIssue[]): never {
  throw refusal(code, message, fields);
}

/** Only a monthly état d'acompte (or the PDM it comes from) carries the lines of art. 13.2.1. */
export function checkEtatAcompteCadre(cadre: string): void {
  if (!(ETAT_ACOMPTE_CADRES as readonly string[]).includes(cadre)) {
    const message = `Les lignes d'un état d'acompte ne se joignent qu'aux pièces ${ETAT_ACOMPTE_CADRES.join(', ')}, pas à une pièce ${cadre} : retirez « etatAcompte ».`;
    refuse('ETAT_ACOMPTE_NON_PREVU', message, [{ path: 'etatAcompte', message }]);
  }
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
            message: `Ligne ${i + 1} (TVA ${formatRate(l.tauxTvaBp)} %) : le cumul du mois (${l.cumulMoisHtCents} centimes) est inférieur au cumul précédent (${l.cumulPrecedentHtCents} centimes) ; un montant cumulé ne diminue jamais d'un acompte à l'autre : corrigez le cumul.`,
          },
        ]
      : [],
  );
  if (decreasing.length > 0) {
    refuse('CUMUL_DECROISSANT', decreasing.map((f) => f.message).join(' '), decreasing);
  }
  const calcul = computeLines(lignes, params.retenueGarantieBp ?? 0);
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

function computeLines(lignes: EtatAcompteLignes, retenueGarantieBp: number): EtatAcompte {
  try {
    return etatAcompte({ ...lignes, retenueGarantieBp });
  } catch (e) {
    // A total beyond the safe integers, say: the same refusal as a malformed line, naming it
    if (!(e instanceof DomainError) || e.code === 'RETENUE_GARANTIE_TROP_ELEVEE') throw e;
    const fields = e.fields.map((f) => ({ path: `etatAcompte.${f.path}`, message: f.message }));
    refuse('ETAT_ACOMPTE_INVALIDE', `État d'acompte mal formé : ${e.message}`, fields);
  }
}

/** The cumulative décompte HT an état stands at: Σ cumul du mois over its lines. */
export function cumulHtOf(lignes: EtatAcompteLignes): number {
  return lignes.lignes.reduce((sum, l) => sum + l.cumulMoisHtCents, 0);
}

/** The latest état d'acompte of the acompte before this one (same marché, same company). */
export interface EtatPrecedent {
  readonly dossierId: string;
  readonly numero: string;
  readonly cumulHtCents: number;
}

/**
 * The cumul of a marché's décomptes only grows from one acompte to the next (CCAG-T 2014 art. 13.1.1, 2021 art.
 * 12.1.1: each monthly décompte states the cumulative amount of the work done since the start): an état d'acompte
 * whose cumul is lower than the latest état of the previous acompte of the marché, or higher than the latest état of
 * a later acompte already sent (dossiers may be sent out of order), is refused. Within one dossier the MOE and the
 * MOA may still correct the PDM's cumul downwards.
 */
export function checkCumulMarche(
  lignes: EtatAcompteLignes,
  precedent: EtatPrecedent | undefined,
  suivant?: EtatPrecedent,
): void {
  const cumul = cumulHtOf(lignes);
  if (precedent && cumul < precedent.cumulHtCents) {
    const message = `Le cumul HT de cet état d'acompte (${cumul} centimes) est inférieur à celui de l'état d'acompte précédent du marché, n° ${precedent.numero} du dossier ${precedent.dossierId} (${precedent.cumulHtCents} centimes) : un montant cumulé ne diminue jamais d'un acompte à l'autre ; corrigez les cumuls du mois.`;
    refuse('CUMUL_INFERIEUR_ETAT_PRECEDENT', message, [{ path: 'etatAcompte.lignes', message }]);
  }
  if (suivant && cumul > suivant.cumulHtCents) {
    const message = `Le cumul HT de cet état d'acompte (${cumul} centimes) dépasse celui de l'état d'acompte suivant du marché, déjà envoyé, n° ${suivant.numero} du dossier ${suivant.dossierId} (${suivant.cumulHtCents} centimes) : un montant cumulé ne diminue jamais d'un acompte à l'autre ; corrigez les cumuls du mois.`;
    refuse('CUMUL_SUPERIEUR_ETAT_SUIVANT', message, [{ path: 'etatAcompte.lignes', message }]);
  }
}

/**
 * The lines typed on a draft, checked as soon as they are typed (the same rules as at the deposit, which applies the
 * marché's retenue again): the cadre takes them, the TVA rates are the marché's, the cumuls never decrease and the
 * piece's amounts, when given, are those of the lines. Returns the lines as parsed.
 */
export function checkDraftEtatAcompte(
  cadre: string,
  input: unknown,
  montants: Montants | undefined,
  marche?: Pick<Marche, 'tauxTvaBp' | 'retenueGarantieBp'>,
): EtatAcompteLignes {
  checkEtatAcompteCadre(cadre);
  const { etat } = checkEtatAcompte({ retenueGarantieBp: marche?.retenueGarantieBp ?? 0 }, input, montants);
  if (marche) {
    const faults = etat.lignes.lignes.flatMap((l, i) =>
      marche.tauxTvaBp.includes(l.tauxTvaBp)
        ? []
        : [
            {
              path: `etatAcompte.lignes.${i}.tauxTva`,
              message: `Taux de TVA de ${formatRate(l.tauxTvaBp)} % absent du marché (taux prévus : ${marche.tauxTvaBp.map((t) => `${formatRate(t)} %`).join(', ')}) : corrigez la ligne ${i + 1}.`,
            },
          ],
    );
    if (faults.length > 0) refuse('ETAT_ACOMPTE_INVALIDE', faults.map((f) => f.message).join(' '), faults);
  }
  return etat.lignes;
}
