import { api } from '../api/client';
import { unwrap } from '../api/problem';

/** The unread count in the header, read again every minute and after each « marquer comme lue ». */
export const unreadQuery = {
  queryKey: ['notifications', 'non-lues'],
  queryFn: async () => unwrap(await api.GET('/v1/moi/notifications/non-lues')),
  refetchInterval: 60_000,
} as const;

export const PAGE_SIZE = 20;

/** One page of the user's notifications, unread first (the cursor of the previous page, if any). */
export async function notificationsPage(curseur: string | undefined) {
  return unwrap(
    await api.GET('/v1/moi/notifications', {
      params: { query: { limite: PAGE_SIZE, ...(curseur ? { curseur } : {}) } },
    }),
  );
}

export async function markRead(notificationId: string) {
  return unwrap(await api.PUT('/v1/moi/notifications/{notificationId}/lue', { params: { path: { notificationId } } }));
}

/** The user's e-mail mode for each kind of notification (« Mon compte »). */
export const preferencesQuery = {
  queryKey: ['notifications', 'preferences'],
  queryFn: async () => unwrap(await api.GET('/v1/moi/preferences-notifications')),
} as const;

/** Records the modes changed (kind → mode); the answer is every kind's mode as recorded. */
export async function savePreferences(changes: Readonly<Record<string, string>>) {
  return unwrap(await api.PUT('/v1/moi/preferences-notifications', { body: { ...changes } }));
}
