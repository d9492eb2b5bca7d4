import * as z from 'zod/mini';
import type { OpenClock } from '../../shared/adapters/dynamo/dossier-indexes';
import type { StoredPending } from '../../shared/adapters/dynamo/dossier-types';
import { deadlineOf } from '../../shared/adapters/dynamo/pending';
import { parisDateOf } from '../../shared/domain/calendar';
import { ACTION_TYPES } from '../../shared/domain/circuits/actions';
import { clockView, type DgpClock } from '../../shared/domain/dgp';
import { CLOCK_HOLDERS } from '../../shared/domain/dgp/effects';
import { ROLES } from '../../shared/domain/roles';
import { httpHandler } from '../../shared/http/handler';
import { ok } from '../../shared/http/results';
import { route, routesOf } from '../../shared/http/router';
import { amountString, calendarDateString, cursorParam, nextCursor, toAmountString } from '../../shared/schemas/common';
import { siretParams } from '../../shared/schemas/identity';
import { withMeta } from '../../shared/schemas/meta';
import { assertMemberOf, assertReaderOfDossiers } from '../../shared/services/structure-readers';
import { ecbRateService } from '../../shared/services/wiring';
import { services } from './lib';

/**
 * What a structure sees at a glance, every view answered from an index (one Query each, keys.ts): its waits by
 * deadline (« Synthèse », GSI1 PENDING#siret), its dossiers counted by status (« Tableau de bord », GSI2 BOARD#siret,
 * one entry per dossier), and — for a public buyer (MOA, service financier) — its open DGP clocks by échéance (GSI1
 * DGP#siret). Readable only by the structure's members (approved attachment).
 */

const TAGS = ['Tableaux de bord'];

const actionType = withMeta(z.enum(ACTION_TYPES as [string, ...string[]]), { id: 'TypeAction' });
const role = z.enum(ROLES);

const attente = withMeta(
  z.object({
    dossierId: z.string(),
    versionDossier: withMeta(z.int(), { description: 'Version du dossier quand l’attente a commencé.' }),
    etape: withMeta(z.string(), { description: 'Étape du circuit (état du dossier).' }),
    role: withMeta(role, { description: 'Rôle en lequel la structure doit agir.' }),
    actions: withMeta(z.array(actionType), { description: 'Actions que la structure peut faire à cette étape.' }),
    echeance: withMeta(z.nullable(z.iso.datetime({ offset: true })), {
      description: 'Instant où le délai expire (fin du dernier jour, heure de Paris) ; null sans délai.',
    }),
    dernierJour: z.nullable(calendarDateString),
    rappelLe: z.nullable(z.iso.datetime({ offset: true })),
    enRetardDepuis: z.nullable(calendarDateString),
    effetALEcheance: withMeta(z.nullable(z.string()), { description: 'Ce que fait le système quand le délai expire.' }),
    autresActeurs: withMeta(z.array(z.object({ siret: z.string(), role, actions: z.array(actionType) })), {
      description: 'Autres structures qui peuvent aussi agir à cette étape.',
    }),
  }),
  { id: 'Attente', description: 'Ce qu’un dossier attend de la structure.' },
);

export const syntheseJson = withMeta(
  z.object({
    siret: z.string(),
    attentes: z.array(attente),
    total: withMeta(z.int().check(z.gte(0)), {
      description: 'Nombre d’attentes en tout, toutes pages confondues.',
    }),
    suivant: nextCursor,
  }),
  { id: 'Synthese', description: 'Ce qui attend la structure, échéance la plus proche d’abord.' },
);

/**
 * One pending wait as the structure sees it: its own actions are the primary actor's when it is the primary, plus
 * those of every `otherActors` entry naming it (the same structure may act in several roles at one step).
 */
export function toAttente(siret: string, dossierId: string, p: StoredPending) {
  const others = (p.otherActors ?? []) as { actorSiret: string; actorRole: string; allowedActions: string[] }[];
  const mine = others.filter((o) => o.actorSiret === siret);
  const primaryIsMine = p.actorSiret === siret;
  const actions = [
    ...new Set([
      ...(primaryIsMine ? ((p.allowedActions as string[] | undefined) ?? []) : []),
      ...mine.flatMap((o) => o.allowedActions),
    ]),
  ];
  const deadline = deadlineOf(p);
  return {
    dossierId,
    versionDossier: Number(p.dossierVersion ?? 0),
    etape: p.step,
    role: (primaryIsMine ? p.actorRole : (mine[0]?.actorRole ?? p.actorRole)) as (typeof ROLES)[number],
    actions,
    echeance: deadline,
    dernierJour: (p.lastDay as string | null | undefined) ?? null,
    rappelLe: (p.reminderAt as string | null | undefined) ?? null,
    enRetardDepuis: (p.lateSince as string | null | undefined) ?? null,
    effetALEcheance: ((p.onTimeout as { effect?: string } | null | undefined)?.effect as string | undefined) ?? null,
    autresActeurs: [
      ...(primaryIsMine
        ? []
        : [
            {
              siret: p.actorSiret,
              role: p.actorRole as (typeof ROLES)[number],
              actions: (p.allowedActions ?? []) as string[],
            },
          ]),
      ...others
        .filter((o) => o.actorSiret !== siret)
        .map((o) => ({ siret: o.actorSiret, role: o.actorRole as (typeof ROLES)[number], actions: o.allowedActions })),
    ],
  };
}

export const lireSynthese = httpHandler({
  operationId: 'lireSynthese',
  summary: 'Synthèse : ce qui attend ma structure, par échéance',
  tags: TAGS,
  method: 'GET',
  path: '/v1/structures/{siret}/synthese',
  auth: 'user',
  params: siretParams,
  query: z.object({
    limite: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 100),
    suivant: cursorParam,
  }),
  responses: {
    200: { description: 'Une page des attentes, échéance la plus proche d’abord', schema: syntheseJson },
  },
  handler: async (ctx) => {
    const { identityStore, dossiers } = services();
    await assertMemberOf(identityStore, ctx.identity.userId, ctx.params.siret);
    const [page, total] = await Promise.all([
      dossiers.indexes.pendingFor(ctx.params.siret, { limit: ctx.query.limite, cursor: ctx.query.suivant }),
      dossiers.indexes.countPending(ctx.params.siret),
    ]);
    return ok({
      siret: ctx.params.siret,
      attentes: page.items.map((p) => toAttente(ctx.params.siret, p.dossierId, p.pending)),
      total,
      ...(page.next ? { suivant: page.next } : {}),
    });
  },
});

export const tableauDeBordJson = withMeta(
  z.object({
    siret: z.string(),
    total: z.int().check(z.gte(0)),
    parStatut: withMeta(z.record(z.string(), z.int().check(z.gte(1))), {
      description: 'Nombre de dossiers par statut.',
    }),
  }),
  { id: 'TableauDeBord' },
);

export const lireTableauDeBord = httpHandler({
  operationId: 'lireTableauDeBord',
  summary: 'Tableau de bord : dossiers de ma structure par statut',
  tags: TAGS,
  method: 'GET',
  path: '/v1/structures/{siret}/tableau-de-bord',
  auth: 'user',
  params: siretParams,
  responses: { 200: { description: 'Les compteurs', schema: tableauDeBordJson } },
  handler: async (ctx) => {
    const { identityStore, dossiers } = services();
    await assertMemberOf(identityStore, ctx.identity.userId, ctx.params.siret);
    const counts = await dossiers.indexes.countsByStatus(ctx.params.siret);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return ok({ siret: ctx.params.siret, total, parStatut: counts });
  },
});

/** The roles whose structures follow a dossier's payment delay in their « Délais ». */
const BUYER_ROLES: ReadonlySet<string> = new Set(['MOA', 'SERVICE_FINANCIER']);

const delai = withMeta(
  z.object({
    dossierId: z.string(),
    marcheId: withMeta(z.optional(z.string()), {
      description: 'Marché du dossier (absent des délais enregistrés avant).',
    }),
    numeroMarche: z.optional(z.string()),
    piece: withMeta(z.optional(z.object({ cadre: z.string(), numero: z.string() })), {
      description: 'Pièce qui a ouvert le dossier : elle le nomme (absente des délais enregistrés avant).',
    }),
    echeance: withMeta(calendarDateString, { description: 'Dernier jour du délai global de paiement.' }),
    enRetard: z.boolean(),
    joursRestants: z.int().check(z.gte(0)),
    joursDeRetard: z.int().check(z.gte(0)),
    detenteur: withMeta(z.optional(z.enum(CLOCK_HOLDERS)), { description: 'Qui détient le dossier aujourd’hui.' }),
    joursUtilises: withMeta(z.record(z.enum(CLOCK_HOLDERS), z.int()), { description: 'Jours consommés par acteur.' }),
    interetsMoratoires: withMeta(z.optional(amountString), {
      description: 'Intérêts moratoires courus jusqu’à aujourd’hui inclus (euros), quand ils sont calculables.',
    }),
    indemniteForfaitaire: withMeta(z.optional(amountString), {
      description: '40 € par paiement en retard (CCP D2192-35).',
    }),
    totalDu: withMeta(z.optional(amountString), {
      description: 'Intérêts moratoires + indemnité forfaitaire, dus à ce jour (quand les intérêts sont calculables).',
    }),
    interetsNonCalculables: withMeta(z.optional(z.object({ code: z.string(), message: z.string() })), {
      description: 'Pourquoi les intérêts ne peuvent pas être calculés (taux de la BCE non enregistré…).',
    }),
  }),
  { id: 'DelaiPaiement' },
);

export const delaisJson = withMeta(
  z.object({
    siret: z.string(),
    aujourdhui: calendarDateString,
    delais: z.array(delai),
    total: withMeta(z.int().check(z.gte(0)), {
      description: 'Nombre de délais en cours en tout, toutes pages confondues.',
    }),
    suivant: nextCursor,
    totaux: withMeta(
      z.object({
        dossiersEnRetard: z.int().check(z.gte(0)),
        interetsMoratoires: withMeta(amountString, {
          description: 'Somme des intérêts calculables, courus à ce jour.',
        }),
        indemnitesForfaitaires: amountString,
        du: withMeta(amountString, { description: 'Intérêts + indemnités : ce qui est dû et court encore.' }),
        dossiersSansInterets: withMeta(z.int().check(z.gte(0)), {
          description: 'Dossiers en retard dont les intérêts ne sont pas calculables (voir chacun).',
        }),
      }),
      {
        id: 'TotauxDelais',
        description: 'Totaux de tous les délais en cours de la structure, toutes pages confondues.',
      },
    ),
  }),
  { id: 'DelaisPaiement', description: 'Délais globaux de paiement en cours, par échéance, retards d’abord.' },
);

export const lireDelais = httpHandler({
  operationId: 'lireDelais',
  summary: 'Délais de paiement en cours de l’acheteur public, par échéance (retards d’abord)',
  description:
    'Les délais globaux de paiement en cours des dossiers dont la structure est le maître d’ouvrage ou le service financier, tant qu’elle tient ce rôle sur le marché.',
  tags: TAGS,
  method: 'GET',
  path: '/v1/structures/{siret}/delais',
  auth: 'user',
  params: siretParams,
  query: z.object({
    limite: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 100),
    suivant: cursorParam,
  }),
  responses: { 200: { description: 'Une page des délais en cours', schema: delaisJson } },
  handler: async (ctx) => {
    const { identityStore, dossiers, marcheStore } = services();
    await assertReaderOfDossiers(identityStore, ctx.identity.userId, ctx.params.siret);
    const today = parisDateOf(ctx.now);
    const [page, all, ecbRates, marches] = await Promise.all([
      dossiers.indexes.openClocksOf(ctx.params.siret, { limit: ctx.query.limite, cursor: ctx.query.suivant }),
      dossiers.indexes.allOpenClocksOf(ctx.params.siret),
      ecbRateService().table(),
      marcheStore.marchesOfStructure(ctx.params.siret),
    ]);
    // Every actor of the marché reads its dossiers (docs/rules/circuits.md): a delay is listed only while the
    // structure is still a public buyer (MOA or service financier) of the dossier's marché
    const numeroMarche = new Map(
      marches.filter((m) => m.roles.some((r) => BUYER_ROLES.has(r))).map((m) => [m.marcheId, m.numeroMarche]),
    );
    const listed = (c: OpenClock) => c.marcheId === undefined || numeroMarche.has(c.marcheId);
    const viewOf = (c: OpenClock) => clockView(c.clock as DgpClock, today, { ...(c.interestBase ?? {}), ecbRates });
    // The totals sum every delay listed, on every page (what the MOA owes and what still accrues)
    const everyListed = all.filter(listed);
    const totals = { late: 0, interest: 0, indemnity: 0, unknown: 0 };
    for (const c of everyListed) {
      const view = viewOf(c);
      if (view.daysLate === 0) continue;
      totals.late += 1;
      totals.indemnity += view.indemnityCents;
      if (view.lateInterest?.ok) totals.interest += view.lateInterest.value.interestCents;
      else totals.unknown += 1;
    }
    const delais = page.items.filter(listed).map((c) => {
      const view = viewOf(c);
      const interest = view.lateInterest;
      return {
        dossierId: c.dossierId,
        ...(c.marcheId ? { marcheId: c.marcheId, numeroMarche: numeroMarche.get(c.marcheId) } : {}),
        ...(c.piece ? { piece: c.piece } : {}),
        echeance: c.echeance,
        enRetard: view.daysLate > 0,
        joursRestants: view.daysLeft,
        joursDeRetard: view.daysLate,
        ...(view.holder ? { detenteur: view.holder } : {}),
        joursUtilises: { ...view.daysUsedBy },
        ...(view.daysLate > 0 ? { indemniteForfaitaire: toAmountString(view.indemnityCents) } : {}),
        ...(interest?.ok
          ? {
              interetsMoratoires: toAmountString(interest.value.interestCents),
              totalDu: toAmountString(interest.value.totalCents),
            }
          : {}),
        ...(interest && !interest.ok
          ? { interetsNonCalculables: { code: interest.error.code, message: interest.error.message } }
          : {}),
        ...(view.daysLate > 0 && !interest
          ? {
              interetsNonCalculables: {
                code: 'MONTANT_INCONNU',
                message:
                  'Aucun montant n’est encore connu sur ce dossier : les intérêts seront calculés dès qu’il le sera.',
              },
            }
          : {}),
      };
    });
    return ok({
      siret: ctx.params.siret,
      aujourdhui: today,
      delais,
      total: everyListed.length,
      ...(page.next ? { suivant: page.next } : {}),
      totaux: {
        dossiersEnRetard: totals.late,
        interetsMoratoires: toAmountString(totals.interest),
        indemnitesForfaitaires: toAmountString(totals.indemnity),
        du: toAmountString(totals.interest + totals.indemnity),
        dossiersSansInterets: totals.unknown,
      },
    });
  },
});

export const handler = route(routesOf(lireSynthese, lireTableauDeBord, lireDelais));
