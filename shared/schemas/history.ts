import * as z from 'zod/mini';
import { pure } from '../domain/pure';
import { evenementOutput } from './dossier';
import { withMeta } from './meta';

/** The dossier's audit trail, its verification and, on request, the stored files checked again. */
export const historiqueOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      dossierId: z.string(),
      evenements: z.array(z.extend(evenementOutput, { empreintePrecedente: z.string(), empreinte: z.string() })),
      verification: z.object({
        integre: z.boolean(),
        longueur: z.optional(z.int()),
        derniereEmpreinte: z.optional(z.string()),
        rompuAuSeq: z.optional(z.int()),
        raison: z.optional(z.string()),
        fichiersIntegres: withMeta(z.optional(z.boolean()), {
          description: 'Avec fichiers=1 : tous les fichiers stockés ont encore leur empreinte.',
        }),
      }),
      fichiers: withMeta(
        z.optional(
          z.array(
            z.object({
              pieceId: z.string(),
              fichierId: z.string(),
              nom: z.string(),
              version: z.optional(z.string()),
              empreinteEnregistree: z.string(),
              empreinteStockee: withMeta(z.optional(z.string()), { description: 'Absente quand l’objet a disparu.' }),
              integre: z.boolean(),
              raison: z.optional(z.string()),
            }),
          ),
        ),
        { description: 'Avec fichiers=1 : chaque fichier vérifié relu dans le stockage.' },
      ),
    }),
    { id: 'HistoriqueDossier' },
  ),
);
