import * as z from 'zod';
import { ALL_CADRES, PIECE_STATUSES } from '../domain/circuits';
import { amount, amountString, calendarDateString, id, siret } from './common';

/**
 * « Rechercher » at the API (GET /v1/dossiers): the criteria as query parameters (unknown ones refused), one page of
 * results with an opaque cursor. The criteria themselves are the rule book's (shared/domain/circuits/search.ts).
 */
const booleen = /* @__PURE__ */ z.enum(['true', 'false']).transform((v) => v === 'true');

const statuts = /* @__PURE__ */ z
  .string()
  .max(1000)
  .transform((v) => v.split(',').map((s) => s.trim()))
  .pipe(z.array(z.enum(PIECE_STATUSES)).min(1).max(PIECE_STATUSES.length))
  .meta({ description: 'Un ou plusieurs statuts séparés par des virgules (exemple : SUSPENDUE,A_RECYCLER).' });

export const rechercheQuery = /* @__PURE__ */ z.strictObject({
  marche: id.optional().meta({ description: 'Identifiant du marché.' }),
  numero: z
    .string()
    .trim()
    .min(1)
    .max(35)
    .optional()
    .meta({ description: 'Début du numéro d’une pièce du dossier (majuscules et minuscules confondues).' }),
  statut: statuts.optional(),
  deposant: siret.optional().meta({ description: 'SIRET du déposant d’une pièce du dossier.' }),
  cadre: z
    .enum(ALL_CADRES as [string, ...string[]])
    .optional()
    .meta({ description: 'Cadre de facturation d’une pièce du dossier (A4, A9, A15…).' }),
  ouvert: booleen.optional(),
  depuis: calendarDateString.optional().meta({ description: 'Dossiers ouverts ce jour-là ou après.' }),
  jusqua: calendarDateString.optional().meta({ description: 'Dossiers ouverts ce jour-là ou avant.' }),
  montantMin: amount.optional().meta({ description: 'Montant TTC minimal (dernière pièce chiffrée).' }),
  montantMax: amount.optional().meta({ description: 'Montant TTC maximal (dernière pièce chiffrée).' }),
  enRetard: booleen.optional().meta({ description: 'true : dossiers ouverts dont l’échéance est dépassée.' }),
  enAttenteDeMoi: booleen.optional().meta({ description: 'true : dossiers dont l’étape attend ma structure.' }),
  tri: z
    .enum(['recent', 'ancien'])
    .default('recent')
    .meta({ description: 'Plus récents (défaut) ou plus anciens d’abord.' }),
  limite: z.coerce.number().int().min(1).max(100).default(20),
  suivant: z.string().max(500).optional().meta({ description: 'Curseur de la page suivante, tel que reçu.' }),
});

export const dossierTrouveOutput = /* @__PURE__ */ z
  .object({
    id: z.string(),
    marcheId: z.string(),
    version: z.int(),
    type: z.string(),
    origine: z.string(),
    etat: z.string(),
    libelleEtat: z.string(),
    statut: z.string(),
    ouvert: z.boolean(),
    fournisseurSiret: z.string(),
    pieceCourante: z.object({ cadre: z.string(), numero: z.string() }).optional(),
    numeros: z.array(z.string()).meta({ description: 'Numéros des pièces de la chaîne, dans l’ordre.' }),
    montantTtc: amountString.optional(),
    ouvertLe: z.string(),
    majLe: z.string(),
    enRetard: z.boolean(),
    enAttenteDeMoi: z.boolean(),
  })
  .meta({ id: 'DossierTrouve' });

export const rechercheOutput = /* @__PURE__ */ z
  .object({
    siret: z.string().meta({ description: 'La structure pour laquelle la recherche est faite.' }),
    dossiers: z.array(dossierTrouveOutput),
    examines: z.int().meta({ description: 'Dossiers examinés pour cette page (au plus 500).' }),
    suivant: z
      .string()
      .optional()
      .meta({ description: 'À renvoyer dans « suivant » pour la page suivante ; absent à la dernière page.' }),
  })
  .meta({ id: 'RechercheDossiers' });
