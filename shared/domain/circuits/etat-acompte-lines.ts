import * as z from 'zod';
import type { EtatAcompte } from '../money';

/** The lines of an état d'acompte (docs/rules/money.md#état-dacompte), as a piece carries them; checked in etat-acompte.ts. */
const cents = /* @__PURE__ */ z
  .number()
  .int()
  .refine(Number.isSafeInteger, { message: 'montant en centimes hors limites' });
const positive = cents.refine((n) => n >= 0, { message: 'montant positif ou nul attendu' });

export const etatAcompteLignesSchema = /* @__PURE__ */ z.object({
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
