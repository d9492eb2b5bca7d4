/**
 * Keys of the notification items (issue 13), beside the table's other keys (../keys.ts):
 *
 * | pattern                                   | how                                                             |
 * |-------------------------------------------|-----------------------------------------------------------------|
 * | outbox entries not yet delivered           | GSI1 pk = OUTBOX, sk = at#source#kind (sparse: removed once     |
 * |                                           |   delivered); item pk = OUTBOX#source, sk = KIND#kind           |
 * | reminders due by time                     | GSI1 pk = REMINDERS#yyyy-mm, sk = dueAt#dossier; item           |
 * |                                           |   pk = DOSSIER#id, sk = REMINDER (one per dossier: its wait's)  |
 * | technical password notices due by time    | GSI1 pk = NOTICES#yyyy-mm, sk = dueAt#siret; item               |
 * |                                           |   pk = NOTICE#TECHPWD#siret, sk = NOTICE (one per structure)    |
 * | a user's notifications, unread first      | GSI2 pk = NOTIFS#user, sk = 0|1 (unread|read) # newest first    |
 * | e-mails to send now                       | GSI1 pk = MAIL#PENDING, sk = at#user#id (sparse)                |
 * | a day's digest                            | GSI1 pk = DIGEST#yyyy-mm-dd, sk = user#at#id (sparse)           |
 * | a digest sent (once per user and day)     | pk = USER#id, sk = DIGEST#yyyy-mm-dd                            |
 */
export const OUTBOX_INDEX = 'OUTBOX';
export const MAIL_PENDING = 'MAIL#PENDING';
export const REMINDERS = 'REMINDERS';
export const NOTICES = 'NOTICES';

export const notificationKeys = {
  outbox: (source: string, kind: string) => ({ pk: `OUTBOX#${source}`, sk: `KIND#${kind}` }),
  reminder: (dossierId: string) => ({ pk: `DOSSIER#${dossierId}`, sk: 'REMINDER' }),
  technicalPasswordNotice: (siret: string) => ({ pk: `NOTICE#TECHPWD#${siret}`, sk: 'NOTICE' }),
  notification: (userId: string, id: string) => ({ pk: `USER#${userId}`, sk: `NOTIF#${id}` }),
  user: (userId: string) => ({ pk: `USER#${userId}`, sk: 'META' }),
  digestSent: (userId: string, day: string) => ({ pk: `USER#${userId}`, sk: `DIGEST#${day}` }),
} as const;

const MAX_MS = 9_999_999_999_999;

/** Sort key of a user's notification: unread (0) before read (1), newest first, then the id. */
export function inboxSortKey(read: boolean, at: string, id: string): string {
  const inverted = String(MAX_MS - Date.parse(at)).padStart(13, '0');
  return `${read ? '1' : '0'}#${inverted}#${id}`;
}

export const notificationIndexes = {
  outbox: (at: string, source: string, kind: string) => ({ gsi1pk: OUTBOX_INDEX, gsi1sk: `${at}#${source}#${kind}` }),
  reminderAt: (dueAt: string, dossierId: string) => notificationIndexes.dueAt(REMINDERS, dueAt, dossierId),
  /** A monthly-partitioned index of things due by time (reminders, notices). */
  dueAt: (prefix: string, dueAt: string, id: string) => ({
    gsi1pk: `${prefix}#${dueAt.slice(0, 7)}`,
    gsi1sk: `${dueAt}#${id}`,
  }),
  inbox: (userId: string, read: boolean, at: string, id: string) => ({
    gsi2pk: `NOTIFS#${userId}`,
    gsi2sk: inboxSortKey(read, at, id),
  }),
  mailPending: (at: string, userId: string, id: string) => ({ gsi1pk: MAIL_PENDING, gsi1sk: `${at}#${userId}#${id}` }),
  digest: (day: string, userId: string, at: string, id: string) => ({
    gsi1pk: `DIGEST#${day}`,
    gsi1sk: `${userId}#${at}#${id}`,
  }),
} as const;
