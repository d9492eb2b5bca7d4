import * as z from 'zod/mini';
import { MAX_CURSOR_LENGTH } from '../../shared/adapters/dynamo/cursor';
import { MAX_DIRECTORY_PAGE } from '../../shared/adapters/dynamo/directory-store';
import {
  DIRECTORY_CSV_HEADER,
  DIRECTORY_CSV_MEDIA_TYPE,
  directoryCsv,
} from '../../shared/domain/structures/directory-csv';
import { httpHandler } from '../../shared/http/handler';
import { ok, text } from '../../shared/http/results';
import { route, routesOf } from '../../shared/http/router';
import { siret } from '../../shared/schemas/common';
import { entreeAnnuaire, toEntreeAnnuaireJson } from '../../shared/schemas/identity';
import { withMeta } from '../../shared/schemas/meta';
import { directoryStore } from '../../shared/services/wiring';

/**
 * The public directory of structures (docs/rules/structures.md#directory), read WITHOUT a token, as on Chorus Pro
 * (a supplier looks up its buyer's parameters before it has an account): only active public structures, only their
 * SIRET, raison sociale and directory parameters. By name prefix a page at a time (opaque cursor), by SIRET, or the
 * whole directory as a CSV file. Unknown query parameters are refused (400), every input is bounded. Function
 * `apiAnnuaire`, read-only on the table.
 */

const TAGS = ['Annuaire'];
/** The CSV download holds at most this many structures (about 1.2 MB, well under a Lambda response's 6 MB). */
export const DIRECTORY_CSV_MAX_ROWS = 10_000;
const TRUNCATED_HEADER = 'X-Annuaire-Tronque';

const nom = withMeta(z.string().check(z.trim(), z.minLength(1), z.maxLength(200)), {
  description: 'Début de la raison sociale (majuscules et minuscules confondues).',
});

const annuaireQuery = z
  .strictObject({
    nom: z.optional(nom),
    siret: withMeta(z.optional(siret), { description: 'SIRET exact de la structure publique.' }),
    limite: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(MAX_DIRECTORY_PAGE)), 20),
    suivant: withMeta(z.optional(z.string().check(z.maxLength(MAX_CURSOR_LENGTH))), {
      description: 'Curseur de la page suivante, tel que reçu dans « suivant ».',
    }),
  })
  .check(
    z.superRefine((q, ctx) => {
      if ((q.nom === undefined) === (q.siret === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['nom'],
          message:
            'Cherchez soit par « nom » (début de la raison sociale), soit par « siret », l’un des deux seulement.',
        });
      }
      if (q.suivant !== undefined && q.nom === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['suivant'],
          message: '« suivant » ne sert qu’à la recherche par « nom » : retirez-le.',
        });
      }
    }),
  );

const annuaireOutput = withMeta(
  z.object({
    structures: z.array(entreeAnnuaire),
    suivant: withMeta(z.optional(z.string()), {
      description: 'À renvoyer dans « suivant » pour la page suivante ; absent à la dernière page.',
    }),
  }),
  { id: 'PageAnnuaire' },
);

export const chercherAnnuaire = httpHandler({
  operationId: 'chercherAnnuaire',
  summary: 'Chercher une structure publique dans l’annuaire (sans authentification)',
  description:
    'Structures publiques actives, par début de raison sociale (par ordre alphabétique, une page à la fois) ou par SIRET, avec leurs paramètres d’annuaire : code service obligatoire, engagement juridique obligatoire, MOA présente, statut de mise en paiement remonté. Les structures privées et désactivées n’y figurent pas.',
  tags: TAGS,
  method: 'GET',
  path: '/v1/annuaire',
  auth: 'public',
  query: annuaireQuery,
  responses: { 200: { description: 'Structures trouvées', schema: annuaireOutput } },
  handler: async (ctx) => {
    const directory = directoryStore();
    const q = ctx.query;
    if (q.siret !== undefined) {
      const entry = await directory.bySiret(q.siret);
      return ok({ structures: entry ? [toEntreeAnnuaireJson(entry)] : [] });
    }
    const page = await directory.byNamePrefix(q.nom ?? '', q.limite, q.suivant);
    return ok({
      structures: page.entries.map(toEntreeAnnuaireJson),
      ...(page.next ? { suivant: page.next } : {}),
    });
  },
});

export const telechargerAnnuaire = httpHandler({
  operationId: 'telechargerAnnuaire',
  summary: 'Télécharger l’annuaire des structures publiques (CSV, sans authentification)',
  description: `Fichier CSV en UTF-8 (avec BOM), séparateur « ; », une ligne par structure publique active, par ordre alphabétique ; colonnes : ${DIRECTORY_CSV_HEADER.join(' ; ')}. Au plus ${DIRECTORY_CSV_MAX_ROWS} structures : au-delà, l’en-tête ${TRUNCATED_HEADER} vaut « true » et il faut restreindre par « nom ».`,
  tags: TAGS,
  method: 'GET',
  path: '/v1/annuaire.csv',
  auth: 'public',
  query: z.strictObject({ nom: z.optional(nom) }),
  responses: {
    200: {
      description: 'L’annuaire en CSV',
      contentType: DIRECTORY_CSV_MEDIA_TYPE,
      schema: withMeta(z.string(), { id: 'AnnuaireCsv', description: 'Le fichier CSV.' }),
      headers: {
        'Content-Disposition': 'attachment; filename="annuaire.csv".',
        [TRUNCATED_HEADER]: `« true » quand l’annuaire compte plus de ${DIRECTORY_CSV_MAX_ROWS} structures pour ce nom.`,
      },
    },
  },
  handler: async (ctx) => {
    const { entries, truncated } = await directoryStore().all(ctx.query.nom ?? '', DIRECTORY_CSV_MAX_ROWS);
    return text(directoryCsv(entries), DIRECTORY_CSV_MEDIA_TYPE, {
      headers: {
        'Content-Disposition': 'attachment; filename="annuaire.csv"',
        [TRUNCATED_HEADER]: String(truncated),
      },
    });
  },
});

export const handler = route(routesOf(chercherAnnuaire, telechargerAnnuaire));
