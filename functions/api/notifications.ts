import * as z from 'zod';
import type { UserNotification } from '../../shared/adapters/dynamo/notifications/inbox-store';
import { DELIVERY_MODES, NOTIFICATION_KINDS } from '../../shared/domain/notifications';
import { httpHandler } from '../../shared/http/handler';
import { ok } from '../../shared/http/results';
import { route, routesOf } from '../../shared/http/router';
import { MAX_PAGE } from '../../shared/services/notifications/notification-service';
import { notificationService } from '../../shared/services/wiring';

/** My notifications (issue 13): unread first, a count for the portal's header, mark read, e-mail preferences. */

const TAGS = ['Notifications'];

const notificationJson = z
  .object({
    id: z.string(),
    type: z.enum(NOTIFICATION_KINDS),
    le: z.string().meta({ description: 'Instant de l’événement (ISO 8601).' }),
    titre: z.string(),
    texte: z.array(z.string()),
    lien: z.string().meta({ description: 'Chemin dans le portail (le dossier, la structure).' }),
    dossierId: z.string().nullable(),
    numero: z.string().nullable(),
    actionAttendue: z
      .object({
        libelle: z.string(),
        dernierJour: z.string().nullable(),
        echeance: z.string().nullable(),
        siSilence: z.string().nullable(),
      })
      .nullable()
      .meta({ description: 'Ce qui est attendu, pour qui peut agir (null pour une information).' }),
    aAgir: z.boolean().meta({ description: 'Vrai quand l’utilisateur peut et doit agir (espace en modification).' }),
    lue: z.boolean(),
    lueLe: z.string().nullable(),
  })
  .meta({ id: 'Notification' });

const listeJson = z
  .object({
    notifications: z.array(notificationJson),
    nonLues: z.int().min(0),
    curseur: z.string().nullable().meta({ description: 'À passer en paramètre `curseur` pour la page suivante.' }),
  })
  .meta({ id: 'Notifications' });

const compteJson = z
  .object({ nonLues: z.int().min(0).meta({ description: 'Compté jusqu’à 100.' }) })
  .meta({ id: 'CompteNotifications' });

const preferencesJson = z
  .object({
    preferences: z.array(
      z.object({
        type: z.enum(NOTIFICATION_KINDS),
        libelle: z.string(),
        mode: z.enum(DELIVERY_MODES),
        desactivableSiActionAttendue: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'PreferencesNotifications' });

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
    limite: z.coerce.number().int().min(1).max(MAX_PAGE).default(20),
    curseur: z.string().max(2000).optional(),
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
  params: z.object({ notificationId: z.string().regex(/^[\w-]{1,64}$/) }),
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
  body: z
    .record(z.string().max(40), z.string().max(20))
    .refine((r) => Object.keys(r).length <= NOTIFICATION_KINDS.length, {
      message: 'trop de types',
    }),
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
