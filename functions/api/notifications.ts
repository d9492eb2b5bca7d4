import * as z from 'zod/mini';
import type { UserNotification } from '../../shared/adapters/dynamo/notifications/inbox-store';
import { DELIVERY_MODES, NOTIFICATION_KINDS } from '../../shared/domain/notifications';
import { httpHandler } from '../../shared/http/handler';
import { ok } from '../../shared/http/results';
import { route, routesOf } from '../../shared/http/router';
import { withMeta } from '../../shared/schemas/meta';
import { MAX_PAGE } from '../../shared/services/notifications/notification-service';
import { notificationService } from '../../shared/services/wiring';

/** My notifications (issue 13): unread first, a count for the portal's header, mark read, e-mail preferences. */

const TAGS = ['Notifications'];

const notificationJson = withMeta(
  z.object({
    id: z.string(),
    type: z.enum(NOTIFICATION_KINDS),
    le: withMeta(z.string(), { description: 'Instant de l’événement (ISO 8601).' }),
    titre: z.string(),
    texte: z.array(z.string()),
    lien: withMeta(z.string(), { description: 'Chemin dans le portail (le dossier, la structure).' }),
    dossierId: z.nullable(z.string()),
    numero: z.nullable(z.string()),
    actionAttendue: withMeta(
      z.nullable(
        z.object({
          libelle: z.string(),
          dernierJour: z.nullable(z.string()),
          echeance: z.nullable(z.string()),
          siSilence: z.nullable(z.string()),
        }),
      ),
      { description: 'Ce qui est attendu, pour qui peut agir (null pour une information).' },
    ),
    aAgir: withMeta(z.boolean(), {
      description: 'Vrai quand l’utilisateur peut et doit agir (espace en modification).',
    }),
    lue: z.boolean(),
    lueLe: z.nullable(z.string()),
  }),
  { id: 'Notification' },
);

const listeJson = withMeta(
  z.object({
    notifications: z.array(notificationJson),
    nonLues: z.int().check(z.gte(0)),
    curseur: withMeta(z.nullable(z.string()), {
      description: 'À passer en paramètre `curseur` pour la page suivante.',
    }),
  }),
  { id: 'Notifications' },
);

const compteJson = withMeta(
  z.object({ nonLues: withMeta(z.int().check(z.gte(0)), { description: 'Compté jusqu’à 100.' }) }),
  { id: 'CompteNotifications' },
);

const preferencesJson = withMeta(
  z.object({
    preferences: z.array(
      z.object({
        type: z.enum(NOTIFICATION_KINDS),
        libelle: z.string(),
        mode: z.enum(DELIVERY_MODES),
        desactivableSiActionAttendue: z.boolean(),
      }),
    ),
  }),
  { id: 'PreferencesNotifications' },
);

function toJson(n: UserNotification): z.infer<typeof notificationJson> {
  return {
    id: n.id,
    type: n.kind,
    le: n.at,
    titre: n.title,
    texte: [...n.lines],
    lien: n.link,
    dossierId: n.dossierId ?? null,
    numero: n.numero ?? null,
    actionAttendue: n.action
      ? {
          libelle: n.action.label,
          dernierJour: n.action.lastDay,
          echeance: n.action.deadlineAt,
          siSilence: n.action.onSilence,
        }
      : null,
    aAgir: n.mustAct,
    lue: Boolean(n.readAt),
    lueLe: n.readAt ?? null,
  };
}

export const lireMesNotifications = httpHandler({
  operationId: 'lireMesNotifications',
  summary: 'Mes notifications, non lues d’abord',
  description:
    'Les notifications de l’utilisateur, les non lues d’abord puis les plus récentes ; chacune renvoie à son dossier. Pagination par curseur.',
  tags: TAGS,
  method: 'GET',
  path: '/v1/moi/notifications',
  auth: 'user',
  query: z.object({
    limite: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(MAX_PAGE)), 20),
    curseur: z.optional(z.string().check(z.maxLength(2000))),
  }),
  responses: { 200: { description: 'Une page de notifications', schema: listeJson } },
  handler: async (ctx) => {
    const page = await notificationService().list(ctx.identity.userId, {
      limit: ctx.query.limite,
      cursor: ctx.query.curseur,
    });
    return ok({ notifications: page.items.map(toJson), nonLues: page.unread, curseur: page.cursor ?? null });
  },
});

export const compterMesNotifications = httpHandler({
  operationId: 'compterMesNotifications',
  summary: 'Nombre de notifications non lues (en-tête du portail)',
  tags: TAGS,
  method: 'GET',
  path: '/v1/moi/notifications/non-lues',
  auth: 'user',
  responses: { 200: { description: 'Le compte', schema: compteJson } },
  handler: async (ctx) => ok({ nonLues: await notificationService().unreadCount(ctx.identity.userId) }),
});

export const marquerNotificationLue = httpHandler({
  operationId: 'marquerNotificationLue',
  summary: 'Marquer une notification comme lue',
  tags: TAGS,
  method: 'PUT',
  path: '/v1/moi/notifications/{notificationId}/lue',
  auth: 'user',
  params: z.object({ notificationId: z.string().check(z.regex(/^[\w-]{1,64}$/)) }),
  responses: {
    200: { description: 'La notification, lue', schema: notificationJson },
    404: { description: 'Pas de telle notification pour cet utilisateur.' },
  },
  handler: async (ctx) =>
    ok(toJson(await notificationService().markRead(ctx.identity.userId, ctx.params.notificationId))),
});

export const lirePreferencesNotifications = httpHandler({
  operationId: 'lirePreferencesNotifications',
  summary: 'Mes préférences de notification par courriel',
  tags: TAGS,
  method: 'GET',
  path: '/v1/moi/preferences-notifications',
  auth: 'user',
  responses: { 200: { description: 'Le mode de chaque type de notification', schema: preferencesJson } },
  handler: async (ctx) => ok({ preferences: await notificationService().preferences(ctx.identity.userId) }),
});

export const modifierPreferencesNotifications = httpHandler({
  operationId: 'modifierPreferencesNotifications',
  summary: 'Choisir, par type, un courriel immédiat, une synthèse quotidienne ou aucun courriel',
  description:
    'Les actions attendues et leurs rappels ne peuvent pas être désactivés pour qui doit agir : « AUCUN » vaut alors « IMMEDIAT ».',
  tags: TAGS,
  method: 'PUT',
  path: '/v1/moi/preferences-notifications',
  auth: 'user',
  body: z.record(z.string().check(z.maxLength(40)), z.string().check(z.maxLength(20))).check(
    z.refine((r) => Object.keys(r).length <= NOTIFICATION_KINDS.length, {
      message: 'trop de types',
    }),
  ),
  responses: { 200: { description: 'Les préférences enregistrées', schema: preferencesJson } },
  handler: async (ctx) =>
    ok({ preferences: await notificationService().updatePreferences(ctx.identity.userId, ctx.body) }),
});

export const handler = route(
  routesOf(
    lireMesNotifications,
    compterMesNotifications,
    marquerNotificationLue,
    lirePreferencesNotifications,
    modifierPreferencesNotifications,
  ),
);
