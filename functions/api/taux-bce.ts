import * as z from 'zod/mini';
import { parisDateOf } from '../../shared/domain/calendar';
import { DomainError } from '../../shared/domain/errors';
import { currentHalfYear, ECB_RATE_SOURCES, percentToBp, type RecordedEcbRate } from '../../shared/domain/rates';
import { httpHandler } from '../../shared/http/handler';
import { created, ok } from '../../shared/http/results';
import { route, routesOf } from '../../shared/http/router';
import { calendarDateString } from '../../shared/schemas/common';
import { withMeta } from '../../shared/schemas/meta';
import { resolveOperator } from '../../shared/services/operator-authorization';
import { ecbRateService, identityStore, operatorStore } from '../../shared/services/wiring';

/**
 * The ECB rate table for platform operators (docs/ecb-rates.md): read it, record a half-year's rate by hand. The
 * scheduled fetch and `npm run taux-bce` are the two other ways in; all three validate the same way.
 */
const TAGS = ['Exploitation'];

const tauxJson = withMeta(
  z.object({
    semestre: withMeta(calendarDateString, { description: 'Premier jour du semestre (AAAA-01-01 ou AAAA-07-01).' }),
    tauxPointsBase: withMeta(z.int(), {
      description: 'Taux des opérations principales de refinancement, en points de base.',
    }),
    taux: withMeta(z.string(), { description: 'Le même taux en pourcentage (« 2,15 »).' }),
    source: z.enum(ECB_RATE_SOURCES),
    enVigueurDepuis: withMeta(z.optional(calendarDateString), { description: 'Jour où ce taux est entré en vigueur.' }),
    reference: z.optional(z.string()),
    enregistreLe: z.iso.datetime({ offset: true }),
    enregistrePar: z.string(),
  }),
  { id: 'TauxBce' },
);

export function tauxBceJson(r: RecordedEcbRate): z.infer<typeof tauxJson> {
  const abs = Math.abs(r.rateBp);
  const percent = `${r.rateBp < 0 ? '-' : ''}${Math.trunc(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
  return {
    semestre: r.halfYearStart,
    tauxPointsBase: r.rateBp,
    taux: percent,
    source: r.source,
    ...(r.effectiveSince ? { enVigueurDepuis: r.effectiveSince } : {}),
    ...(r.reference ? { reference: r.reference } : {}),
    enregistreLe: r.recordedAt,
    enregistrePar: r.recordedBy,
  };
}

function stores() {
  return { access: { identity: identityStore(), operators: operatorStore() }, service: ecbRateService() };
}

export const listerTauxBce = httpHandler({
  operationId: 'listerTauxBce',
  summary: 'Taux de la BCE enregistrés, par semestre (opérateurs de la plateforme)',
  tags: TAGS,
  method: 'GET',
  path: '/v1/taux-bce',
  auth: 'user',
  responses: {
    200: {
      description: 'La table des taux et le semestre en cours',
      schema: withMeta(
        z.object({
          taux: z.array(tauxJson),
          semestreCourant: calendarDateString,
          semestreCourantManquant: withMeta(z.optional(z.string()), { description: 'Pourquoi une alerte est levée.' }),
        }),
        { id: 'TableTauxBce' },
      ),
    },
    403: { description: 'Réservé aux opérateurs de la plateforme (ROLE_OPERATEUR_REQUIS).' },
  },
  handler: async (ctx) => {
    const { access, service } = stores();
    await resolveOperator(ctx.identity.userId, access);
    const [rates, missing] = await Promise.all([service.list(), service.missingCurrent(ctx.now)]);
    return ok({
      taux: rates.map(tauxBceJson),
      semestreCourant: currentHalfYear(parisDateOf(ctx.now)),
      ...(missing ? { semestreCourantManquant: missing.message } : {}),
    });
  },
});

export const enregistrerTauxBce = httpHandler({
  operationId: 'enregistrerTauxBce',
  summary: 'Enregistrer le taux de la BCE d’un semestre (opérateurs de la plateforme)',
  description:
    'Le taux des opérations principales de refinancement en vigueur le premier jour du semestre (CCP R2192-31), tel que la BCE le publie. Un semestre déjà enregistré à la même valeur est laissé tel quel (200) ; à une autre valeur, refusé (409). Chaque enregistrement est journalisé (qui, quand, quelle source).',
  tags: TAGS,
  method: 'POST',
  path: '/v1/taux-bce',
  auth: 'user',
  body: z.object({
    semestre: withMeta(calendarDateString, { examples: ['2026-07-01'] }),
    taux: withMeta(z.string().check(z.maxLength(12)), {
      description: 'En pourcentage, comme la BCE le publie.',
      examples: ['2.15', '2,15'],
    }),
    enVigueurDepuis: z.optional(calendarDateString),
    reference: withMeta(z.optional(z.string().check(z.maxLength(300))), {
      description: 'Où le taux a été lu (communiqué de la BCE…).',
    }),
  }),
  responses: {
    201: { description: 'Taux enregistré', schema: tauxJson, headers: { Location: 'La table des taux.' } },
    200: { description: 'Ce taux était déjà enregistré : rien n’a changé', schema: tauxJson },
    403: { description: 'Réservé aux opérateurs de la plateforme (ROLE_OPERATEUR_REQUIS).' },
    409: { description: 'Un autre taux est déjà enregistré pour ce semestre (TAUX_BCE_DEJA_ENREGISTRE).' },
  },
  handler: async (ctx) => {
    const { access, service } = stores();
    const operator = await resolveOperator(ctx.identity.userId, access);
    const rateBp = percentToBp(ctx.body.taux);
    if (rateBp === undefined) {
      const message = `Taux « ${ctx.body.taux} » illisible : indiquez un pourcentage avec au plus deux décimales (2.15).`;
      throw new DomainError('TAUX_BCE_INVALIDE', message, 'INVALID', [{ path: 'taux', message }]);
    }
    const { outcome, rate } = await service.recordOne(
      {
        halfYearStart: ctx.body.semestre,
        rateBp,
        source: 'OPERATEUR',
        ...(ctx.body.enVigueurDepuis ? { effectiveSince: ctx.body.enVigueurDepuis } : {}),
        ...(ctx.body.reference ? { reference: ctx.body.reference } : {}),
      },
      operator.userId,
      ctx.now,
    );
    return outcome === 'ENREGISTRE' ? created(tauxBceJson(rate), '/v1/taux-bce') : ok(tauxBceJson(rate));
  },
});

export const handler = route(routesOf(listerTauxBce, enregistrerTauxBce));
