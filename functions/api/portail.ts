import * as z from 'zod/mini';
import { parisDateOf } from '../../shared/domain/calendar';
import { httpHandler } from '../../shared/http/handler';
import { ok } from '../../shared/http/results';
import { route, routesOf } from '../../shared/http/router';
import { amountString, calendarDateString, cursorParam, nextCursor, toAmountString } from '../../shared/schemas/common';
import { siretParams } from '../../shared/schemas/identity';
import { withMeta } from '../../shared/schemas/meta';
import { type PortalViewDeps, recentEvents, syntheseRows } from '../../shared/services/portal-views';
import { assertMemberOf } from '../../shared/services/structure-readers';
import { dossierSearchStore, dossierStore, identityStore, portalStore } from '../../shared/services/wiring';

/**
 * The reads of the portal's first screens (shared/services/portal-views.ts): « Synthèse » rows with their dossier,
 * and the structure's « fil d'événements ». Readable only by the structure's members (approved attachment), like
 * the structure's other views.
 */

const TAGS = ['Portail'];

function deps(): PortalViewDeps {
  return { dossiers: dossierStore().indexes, search: dossierSearchStore(), portal: portalStore() };
}

const instant = z.iso.datetime({ offset: true });
const structureRef = z.nullable(z.object({ siret: z.string(), raisonSociale: z.nullable(z.string()) }));

const ligne = withMeta(
  z.object({
    dossierId: z.string(),
    versionDossier: z.int(),
    marcheId: z.nullable(z.string()),
    etat: withMeta(z.string(), { description: 'État courant du dossier (étape du circuit).' }),
    libelleEtat: z.string(),
    etatDepuis: withMeta(z.nullable(calendarDateString), {
      description: 'Date de l’état courant (début de l’attente).',
    }),
    piece: z.nullable(z.object({ cadre: z.string(), numero: z.string(), deposeeLe: instant })),
    deposant: structureRef,
    fournisseur: structureRef,
    montantTtc: z.nullable(amountString),
    engagement: withMeta(z.nullable(z.string()), { description: 'Numéro d’engagement juridique.' }),
    role: withMeta(z.string(), { description: 'Rôle en lequel la structure doit agir.' }),
    actions: z.array(z.string()),
    echeance: z.nullable(instant),
    dernierJour: z.nullable(calendarDateString),
    joursRestants: withMeta(z.nullable(z.int()), {
      description: 'Jours jusqu’au dernier jour du délai (0 ce jour-là, négatif une fois passé).',
    }),
    enRetard: z.boolean(),
    enRetardDepuis: z.nullable(calendarDateString),
    rappelLe: z.nullable(instant),
    aDefautDeReponse: withMeta(z.nullable(z.object({ effet: z.string(), description: z.string() })), {
      description: 'Ce qui se passe si personne n’agit avant l’échéance (acceptation tacite…).',
    }),
  }),
  { id: 'LigneSynthese' },
);

export const aTraiterJson = withMeta(
  z.object({
    siret: z.string(),
    aujourdhui: calendarDateString,
    lignes: z.array(ligne),
    total: withMeta(z.int().check(z.gte(0)), {
      description: 'Nombre de pièces à traiter en tout, toutes pages confondues.',
    }),
    suivant: nextCursor,
  }),
  { id: 'SyntheseDetaillee', description: 'Ce qui attend la structure, échéance la plus proche d’abord.' },
);

export const lireATraiter = httpHandler({
  operationId: 'lireATraiter',
  summary: 'Synthèse du portail : ce qui attend ma structure, avec chaque dossier',
  tags: TAGS,
  method: 'GET',
  path: '/v1/structures/{siret}/a-traiter',
  auth: 'user',
  params: siretParams,
  query: z.object({
    limite: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(200)), 200),
    suivant: cursorParam,
  }),
  responses: { 200: { description: 'Une page des lignes de la synthèse', schema: aTraiterJson } },
  handler: async (ctx) => {
    await assertMemberOf(identityStore(), ctx.identity.userId, ctx.params.siret);
    const today = parisDateOf(ctx.now);
    const views = deps();
    const [page, total] = await Promise.all([
      syntheseRows(views, ctx.params.siret, today, { limit: ctx.query.limite, cursor: ctx.query.suivant }),
      views.dossiers.countPending(ctx.params.siret),
    ]);
    return ok({
      siret: ctx.params.siret,
      aujourdhui: today,
      lignes: page.rows.map(({ montantTtcCents, ...r }) => ({
        ...r,
        montantTtc: montantTtcCents === null ? null : toAmountString(montantTtcCents),
      })),
      total,
      ...(page.next ? { suivant: page.next } : {}),
    });
  },
});

const evenement = withMeta(
  z.object({
    dossierId: z.string(),
    le: instant,
    type: z.string(),
    libelle: z.string(),
    numero: withMeta(z.nullable(z.string()), { description: 'Numéro de la pièce concernée.' }),
    acteurSiret: z.nullable(z.string()),
  }),
  { id: 'EvenementStructure' },
);

export const evenementsJson = withMeta(z.object({ siret: z.string(), evenements: z.array(evenement) }), {
  id: 'FilEvenements',
  description: 'Les derniers événements des dossiers de la structure.',
});

export const lireEvenements = httpHandler({
  operationId: 'lireEvenements',
  summary: 'Fil d’événements : les derniers événements des dossiers de ma structure',
  description:
    'Les derniers événements (au plus 5 par dossier) des 20 dossiers de la structure ouverts le plus récemment, du plus récent au plus ancien.',
  tags: TAGS,
  method: 'GET',
  path: '/v1/structures/{siret}/evenements',
  auth: 'user',
  params: siretParams,
  query: z.object({ limite: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(50)), 20) }),
  responses: { 200: { description: 'Les événements, du plus récent au plus ancien', schema: evenementsJson } },
  handler: async (ctx) => {
    await assertMemberOf(identityStore(), ctx.identity.userId, ctx.params.siret);
    const evenements = await recentEvents(deps(), ctx.params.siret, {
      dossiers: 20,
      perDossier: 5,
      limit: ctx.query.limite,
    });
    return ok({ siret: ctx.params.siret, evenements });
  },
});

export const handler = route(routesOf(lireATraiter, lireEvenements));
