import type { Clock } from '../../adapters/clock';
import { decodeCursor, type InboxStore, type UserNotification } from '../../adapters/dynamo/notifications/inbox-store';
import { DomainError } from '../../domain/errors';
import { type NotificationPreferences, preferencesView, updatePreferences } from '../../domain/notifications';

/** Most notifications per page of `GET /v1/moi/notifications`. */
export const MAX_PAGE = 50;

/** A user's notifications in the portal and the API (issue 13): unread first, a count, mark read, preferences. */
export class NotificationService {
  constructor(private readonly deps: { readonly inbox: InboxStore; readonly clock: Clock }) {}

  async list(
    userId: string,
    options: { limit?: number; cursor?: string } = {},
  ): Promise<{ items: UserNotification[]; cursor?: string; unread: number }> {
    const limit = options.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw new DomainError(
        'LIMITE_INVALIDE',
        `Le nombre de notifications par page va de 1 à ${MAX_PAGE}.`,
        'INVALID',
        [{ path: 'limite', message: `entier de 1 à ${MAX_PAGE}` }],
      );
    }
    if (options.cursor !== undefined) {
      const key = decodeCursor(options.cursor);
      if (!key || key.gsi2pk !== `NOTIFS#${userId}` || key.pk !== `USER#${userId}`) {
        throw new DomainError(
          'CURSEUR_INVALIDE',
          'Le curseur de pagination est invalide : reprenez la liste depuis le début (sans curseur).',
          'INVALID',
          [{ path: 'curseur', message: 'curseur inconnu' }],
        );
      }
    }
    const [page, unread] = await Promise.all([
      this.deps.inbox.list(userId, limit, options.cursor),
      this.deps.inbox.unreadCount(userId),
    ]);
    return { ...page, unread };
  }

  unreadCount(userId: string): Promise<number> {
    return this.deps.inbox.unreadCount(userId);
  }

  /** Marks one of the user's notifications read; a notification of another user is unknown to this one. */
  async markRead(userId: string, id: string): Promise<UserNotification> {
    if (!(await this.deps.inbox.markRead(userId, id, this.deps.clock.now().toISOString()))) {
      throw new DomainError('NOTIFICATION_INCONNUE', `Vous n'avez pas de notification ${id}.`, 'NOT_FOUND');
    }
    return (await this.deps.inbox.get(userId, id)) as UserNotification;
  }

  async preferences(userId: string) {
    const prefs = (await this.deps.inbox.preferencesOf([userId])).get(userId);
    return preferencesView(prefs);
  }

  async updatePreferences(userId: string, patch: Readonly<Record<string, unknown>>) {
    const current: NotificationPreferences | undefined = (await this.deps.inbox.preferencesOf([userId])).get(userId);
    const next = updatePreferences(current, patch);
    await this.deps.inbox.setPreferences(userId, next);
    return preferencesView(next);
  }
}
