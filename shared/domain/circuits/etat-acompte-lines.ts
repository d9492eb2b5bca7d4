import * as z from 'zod/mini';
import type { EtatAcompte } from '../money';
import { pure } from '../pure';

/** The lines of an état d'acompte (docs/rules/money.md#état-dacompte), as a piece carries them; checked in etat-acompte.ts. */
const cents = /* @__PURE__ */ pure(() =>
  z.number().check(z.int(), z.refine(Number.isSafeInteger, { message: 'montant en centimes hors limites' })),
);
const positive = cents.check(z.refine((n) => n >= 0, { message: 'montant positif ou nul attendu' }));

export const etatAcompteLignesSchema = /* @__PURE__ */ pure(() =>
  z.object({
    lignes: z
      .array(
        z.object({
          tauxTvaBp: z.number().check(z.int(), z.gte(0), z.lte(10_000)),
          cumulMoisHtCents: positive,
          cumulPrecedentHtCents: positive,
          revisionPrixHtCents: z.optional(cents),
        }),
      )
      .check(z.minLength(1), z.maxLength(10)),
    penalitesCents: z.optional(positive),
    avanceCents: z.optional(positive),
    remboursementAvanceCents: z.optional(positive),
  }),
);
export type EtatAcompteLignes = z.output<typeof etatAcompteLignesSchema>;

/** The lines as deposited, and every figure the rule book derives from them. */
export interface EtatAcomptePiece {
  readonly lignes: EtatAcompteLignes;
  readonly calcul: EtatAcompte;
}
