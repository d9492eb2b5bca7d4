import * as z from 'zod/mini';
import { ALL_CADRES, PIECE_STATUSES } from '../domain/circuits';
import { pure } from '../domain/pure';
import { amount, amountString, calendarDateString, id, siret } from './common';
import { withMeta } from './meta';

/**
 * « Rechercher » at the API (GET /v1/dossiers): the criteria as query parameters (unknown ones refused), one page of
 * results with an opaque cursor. The criteria themselves are the rule book's (shared/domain/circuits/search.ts).
 */
const booleen = /* @__PURE__ */ pure(() =>
  z.pipe(
    z.enum(['true', 'false']),
    z.transform((v) => v === 'true'),
  ),
);

const statuts = /* @__PURE__ */ pure(() =>
  withMeta(
    z.pipe(
      z.pipe(
        z.string().check(z.maxLength(1000)),
        z.transform((v) => v.split(',').map((s) => s.trim())),
      ),
      z.array(z.enum(PIECE_STATUSES)).check(z.minLength(1), z.maxLength(PIECE_STATUSES.length)),
    ),
    { description: 'Un ou plusieurs statuts séparés par des virgules (exemple : SUSPENDUE,A_RECYCLER).' },
  ),
);

export const rechercheQuery = /* @__PURE__ */ pure(() =>
  z.strictObject({
    marche: withMeta(z.optional(id), { description: 'Identifiant du marché.' }),
    numero: withMeta(z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(35))), {
      description: 'Début du numéro d’une pièce du dossier (majuscules et minuscules confondues).',
    }),
    statut: z.optional(statuts),
    deposant: withMeta(z.optional(siret), { description: 'SIRET du déposant d’une pièce du dossier.' }),
    cadre: withMeta(z.optional(z.enum(ALL_CADRES as [string, ...string[]])), {
      description: 'Cadre de facturation d’une pièce du dossier (A4, A9, A15…).',
    }),
    ouvert: z.optional(booleen),
    depuis: withMeta(z.optional(calendarDateString), { description: 'Dossiers ouverts ce jour-là ou après.' }),
    jusqua: withMeta(z.optional(calendarDateString), { description: 'Dossiers ouverts ce jour-là ou avant.' }),
    montantMin: withMeta(z.optional(amount), { description: 'Montant TTC minimal (dernière pièce chiffrée).' }),
    montantMax: withMeta(z.optional(amount), { description: 'Montant TTC maximal (dernière pièce chiffrée).' }),
    enRetard: withMeta(z.optional(booleen), { description: 'true : dossiers ouverts dont l’échéance est dépassée.' }),
    enAttenteDeMoi: withMeta(z.optional(booleen), { description: 'true : dossiers dont l’étape attend ma structure.' }),
    tri: withMeta(z._default(z.enum(['recent', 'ancien']), 'recent'), {
      description: 'Plus récents (défaut) ou plus anciens d’abord.',
    }),
    limite: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
    suivant: withMeta(z.optional(z.string().check(z.maxLength(500))), {
      description: 'Curseur de la page suivante, tel que reçu.',
    }),
  }),
);

export const dossierTrouveOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
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
      pieceCourante: z.optional(z.object({ cadre: z.string(), numero: z.string() })),
      numeros: withMeta(z.array(z.string()), { description: 'Numéros des pièces de la chaîne, dans l’ordre.' }),
      montantTtc: z.optional(amountString),
      ouvertLe: z.string(),
      majLe: z.string(),
      enRetard: z.boolean(),
      enAttenteDeMoi: z.boolean(),
    }),
    { id: 'DossierTrouve' },
  ),
);

export const rechercheOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      siret: withMeta(z.string(), { description: 'La structure pour laquelle la recherche est faite.' }),
      dossiers: z.array(dossierTrouveOutput),
      examines: withMeta(z.int(), { description: 'Dossiers examinés pour cette page (au plus 500).' }),
      suivant: withMeta(z.optional(z.string()), {
        description: 'À renvoyer dans « suivant » pour la page suivante ; absent à la dernière page.',
      }),
    }),
    { id: 'RechercheDossiers' },
  ),
);
