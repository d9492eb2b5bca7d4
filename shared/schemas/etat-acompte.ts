import * as z from 'zod/mini';
import type { EtatAcompteLignes, EtatAcomptePiece, LigneCorrigee } from '../domain/circuits';
import { pure } from '../domain/pure';
import { amount, amountString, toAmountString } from './common';
import { rate, rateString, toRateString } from './marche';
import { withMeta } from './meta';

/**
 * The structured état d'acompte at the API (docs/rules/money.md#état-dacompte; CCAG-T 2014 art. 13.2.1, 2021 art.
 * 12.2.1): its lines as the depositor types them (euros as decimal strings, TVA rates as percentages), and the
 * figures the rule book derives from them. The rule book (`checkEtatAcompte`) checks the rest.
 */

const ligneInput = /* @__PURE__ */ pure(() =>
  z.catchall(
    z.object({
      tauxTva: withMeta(rate, { description: 'Taux de TVA de la ligne, en pourcentage (exemple : 20).' }),
      cumulMoisHt: withMeta(amount, { description: 'Montant cumulé HT du décompte de ce mois, à ce taux.' }),
      cumulPrecedentHt: withMeta(amount, {
        description: 'Montant cumulé HT du décompte précédent, à ce taux (0 au premier).',
      }),
      revisionPrixHt: withMeta(z.optional(amount), {
        description: 'd) Révision des prix HT à ce taux (peut être négative).',
      }),
    }),
    z.never(),
  ),
);

/** Request: the lines of an état d'acompte → the rule book's shape (cents, basis points). */
export const etatAcompteInput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.pipe(
      z.catchall(
        z.object({
          lignes: withMeta(z.array(ligneInput).check(z.minLength(1), z.maxLength(10)), {
            description: 'Une ligne par taux de TVA (10 au plus).',
          }),
          penalites: withMeta(z.optional(amount), { description: 'c) Pénalités.' }),
          avance: withMeta(z.optional(amount), { description: 'e) Avance.' }),
          remboursementAvance: withMeta(z.optional(amount), { description: "f) Remboursement de l'avance." }),
        }),
        z.never(),
      ),
      z.transform(
        (e): EtatAcompteLignes => ({
          lignes: e.lignes.map((l) => ({
            tauxTvaBp: l.tauxTva,
            cumulMoisHtCents: l.cumulMoisHt,
            cumulPrecedentHtCents: l.cumulPrecedentHt,
            ...(l.revisionPrixHt !== undefined ? { revisionPrixHtCents: l.revisionPrixHt } : {}),
          })),
          ...(e.penalites !== undefined ? { penalitesCents: e.penalites } : {}),
          ...(e.avance !== undefined ? { avanceCents: e.avance } : {}),
          ...(e.remboursementAvance !== undefined ? { remboursementAvanceCents: e.remboursementAvance } : {}),
        }),
      ),
    ),
    {
      id: 'EtatAcompteSaisi',
      description:
        "Lignes de l'état d'acompte (A4, A5, A6, A15, A16, A19) : montant dû = a + b + d + e − (c + f + g). Les montants HT / TVA / TTC de la pièce, s'ils sont donnés, doivent être ceux des lignes.",
    },
  ),
);

// --------------------------------------------------------------------------------------------------- responses

const ligneOutput = /* @__PURE__ */ pure(() =>
  z.object({
    tauxTva: rateString,
    cumulMoisHt: amountString,
    cumulPrecedentHt: amountString,
    revisionPrixHt: amountString,
  }),
);

/** The lines as typed on a draft (the figures follow at the deposit, with the marché's retenue de garantie). */
export const etatAcompteSaisiOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      lignes: z.array(ligneOutput),
      penalites: amountString,
      avance: amountString,
      remboursementAvance: amountString,
    }),
    { id: 'LignesEtatAcompte' },
  ),
);

export function etatAcompteSaisiJson(l: EtatAcompteLignes): z.output<typeof etatAcompteSaisiOutput> {
  return {
    lignes: l.lignes.map((x) => ({
      tauxTva: toRateString(x.tauxTvaBp),
      cumulMoisHt: toAmountString(x.cumulMoisHtCents),
      cumulPrecedentHt: toAmountString(x.cumulPrecedentHtCents),
      revisionPrixHt: toAmountString(x.revisionPrixHtCents ?? 0),
    })),
    penalites: toAmountString(l.penalitesCents ?? 0),
    avance: toAmountString(l.avanceCents ?? 0),
    remboursementAvance: toAmountString(l.remboursementAvanceCents ?? 0),
  };
}

export const etatAcompteOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      lignes: z.array(ligneOutput),
      acompteHt: withMeta(amountString, { description: 'a) cumul du mois − cumul précédent (HT).' }),
      tva: withMeta(amountString, { description: 'b) TVA sur a + d.' }),
      penalites: withMeta(amountString, { description: 'c)' }),
      revisionPrixHt: withMeta(amountString, { description: 'd)' }),
      avance: withMeta(amountString, { description: 'e)' }),
      remboursementAvance: withMeta(amountString, { description: 'f)' }),
      retenueGarantie: withMeta(amountString, { description: 'g) au taux du marché, sur a + b + d.' }),
      montantTtc: withMeta(amountString, { description: 'a + b + d.' }),
      montantDu: withMeta(amountString, { description: 'a + b + d + e − (c + f + g).' }),
      corrections: withMeta(
        z.optional(
          z.array(z.object({ ligne: z.string(), avant: amountString, apres: amountString, ecart: amountString })),
        ),
        {
          description: 'Lignes modifiées par rapport à l’état de la pièce précédente (corrections du maître d’œuvre).',
        },
      ),
    }),
    { id: 'EtatAcompte' },
  ),
);

/** The état as deposited, with its differences against the previous piece's état when there is one. */
export function etatAcompteJson(
  e: EtatAcomptePiece,
  corrections?: readonly LigneCorrigee[],
): z.output<typeof etatAcompteOutput> {
  const c = e.calcul;
  return {
    lignes: etatAcompteSaisiJson(e.lignes).lignes,
    acompteHt: toAmountString(c.montantAcompteHtCents),
    tva: toAmountString(c.tvaCents),
    penalites: toAmountString(c.penalitesCents),
    revisionPrixHt: toAmountString(c.revisionPrixHtCents),
    avance: toAmountString(c.avanceCents),
    remboursementAvance: toAmountString(c.remboursementAvanceCents),
    retenueGarantie: toAmountString(c.retenueGarantieCents),
    montantTtc: toAmountString(c.montantTtcCents),
    montantDu: toAmountString(c.montantDuCents),
    ...(corrections?.length
      ? {
          corrections: corrections.map((l) => ({
            ligne: l.ligne,
            avant: toAmountString(l.avantCents),
            apres: toAmountString(l.apresCents),
            ecart: toAmountString(l.ecartCents),
          })),
        }
      : {}),
  };
}
