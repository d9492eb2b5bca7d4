import * as z from 'zod';
import { evenementOutput } from './dossier';

/** The dossier's audit trail, its verification and, on request, the stored files checked again. */
export const historiqueOutput = /* @__PURE__ */ z
  .object({
    dossierId: z.string(),
    evenements: z.array(evenementOutput.extend({ empreintePrecedente: z.string(), empreinte: z.string() })),
    verification: z.object({
      integre: z.boolean(),
      longueur: z.int().optional(),
      derniereEmpreinte: z.string().optional(),
      rompuAuSeq: z.int().optional(),
      raison: z.string().optional(),
      fichiersIntegres: z
        .boolean()
        .optional()
        .meta({ description: 'Avec fichiers=1 : tous les fichiers stockés ont encore leur empreinte.' }),
    }),
    fichiers: z
      .array(
        z.object({
          pieceId: z.string(),
          fichierId: z.string(),
          nom: z.string(),
          version: z.string().optional(),
          empreinteEnregistree: z.string(),
          empreinteStockee: z.string().optional().meta({ description: 'Absente quand l’objet a disparu.' }),
          integre: z.boolean(),
          raison: z.string().optional(),
        }),
      )
      .optional()
      .meta({ description: 'Avec fichiers=1 : chaque fichier vérifié relu dans le stockage.' }),
  })
  .meta({ id: 'HistoriqueDossier' });
