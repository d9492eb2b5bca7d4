import * as z from 'zod';
import { amountString } from './common';
import { etatAcompteOutput } from './etat-acompte';
import { montantsOutput } from './pieces';

/** A piece of a dossier's chain on the wire (GET /v1/dossiers/{dossierId}), with its état d'acompte when it has one. */
export const pieceOutput = /* @__PURE__ */ z
  .object({
    id: z.string(),
    cadre: z.string(),
    numero: z.string(),
    statut: z.string(),
    deposantSiret: z.string(),
    deposantRole: z.string(),
    deposeeLe: z.string(),
    montants: montantsOutput.optional(),
    etatAcompte: etatAcompteOutput
      .optional()
      .meta({ description: "Lignes de l'état d'acompte et montants qui en découlent (A4, A5, A6, A15, A16, A19)." }),
    pieceAssocieeId: z.string().nullable(),
    destinataire: z
      .object({ siret: z.string(), codeService: z.string().optional(), engagementJuridique: z.string().optional() })
      .optional(),
    certificat: z.string().optional(),
  })
  .meta({ id: 'PieceDossier' });

/** How the base of late interest is reached (shared/domain/circuits/amounts.ts interestBasisOf). */
export const assietteOutput = /* @__PURE__ */ z
  .object({
    piece: z.string().meta({ description: 'La pièce dont le montant est dû (cadre et numéro).' }),
    depuisEtatAcompte: z.boolean().meta({ description: "Vrai : la base vient des lignes de l'état d'acompte." }),
    montantDu: amountString.meta({ description: 'Montant dû avant retenue de garantie.' }),
    retenueGarantie: amountString,
    base: amountString.meta({ description: 'Montant dû − retenue de garantie.' }),
    calcul: z.string().meta({ description: 'Le calcul, en centimes.' }),
  })
  .meta({ id: 'AssietteInterets' });
