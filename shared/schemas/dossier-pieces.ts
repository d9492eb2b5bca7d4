import * as z from 'zod/mini';
import { pure } from '../domain/pure';
import { amountString } from './common';
import { etatAcompteOutput } from './etat-acompte';
import { withMeta } from './meta';
import { montantsOutput } from './pieces';

/** A piece of a dossier's chain on the wire (GET /v1/dossiers/{dossierId}), with its état d'acompte when it has one. */
export const pieceOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      id: z.string(),
      cadre: z.string(),
      numero: z.string(),
      statut: z.string(),
      deposantSiret: z.string(),
      deposantRole: z.string(),
      deposeeLe: z.string(),
      montants: z.optional(montantsOutput),
      etatAcompte: withMeta(z.optional(etatAcompteOutput), {
        description: "Lignes de l'état d'acompte et montants qui en découlent (A4, A5, A6, A15, A16, A19).",
      }),
      pieceAssocieeId: z.nullable(z.string()),
      destinataire: z.optional(
        z.object({
          siret: z.string(),
          codeService: z.optional(z.string()),
          engagementJuridique: z.optional(z.string()),
        }),
      ),
      certificat: z.optional(z.string()),
    }),
    { id: 'PieceDossier' },
  ),
);

/** How the base of late interest is reached (shared/domain/circuits/amounts.ts interestBasisOf). */
export const assietteOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      piece: withMeta(z.string(), { description: 'La pièce dont le montant est dû (cadre et numéro).' }),
      depuisEtatAcompte: withMeta(z.boolean(), { description: "Vrai : la base vient des lignes de l'état d'acompte." }),
      montantDu: withMeta(amountString, { description: 'Montant dû avant retenue de garantie.' }),
      retenueGarantie: amountString,
      base: withMeta(amountString, { description: 'Montant dû − retenue de garantie.' }),
      calcul: withMeta(z.string(), { description: 'Le calcul, en centimes.' }),
    }),
    { id: 'AssietteInterets' },
  ),
);
