import { addDays, type CalendarDate, parisDateOf, startOfParisDay } from '../calendar';
import { DomainError } from '../errors';
import { NOTIFICATION_KIND_LABELS, NOTIFICATION_KINDS, type NotificationKind } from './kinds';

/**
 * How a user receives each kind of notification by e-mail (issue 13, *Mon compte*): at once, in a daily digest, or
 * not at all. Every notification is in the portal whatever the choice.
 */
export const DELIVERY_MODES = ['IMMEDIAT', 'QUOTIDIEN', 'AUCUN'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];
export type NotificationPreferences = Readonly<Partial<Record<NotificationKind, DeliveryMode>>>;

export const DEFAULT_DELIVERY: DeliveryMode = 'IMMEDIAT';

/** Kinds a user who must act cannot turn off: the action itself and the reminder of its deadline. */
export const MANDATORY_FOR_ACTORS: readonly NotificationKind[] = ['ACTION_ATTENDUE', 'RAPPEL_ECHEANCE'];

/** The e-mail delivery of one notification to one user, given the user's preferences. */
export function deliveryOf(
  prefs: NotificationPreferences | undefined,
  kind: NotificationKind,
  mustAct: boolean,
): DeliveryMode {
  const chosen = prefs?.[kind] ?? DEFAULT_DELIVERY;
  if (chosen === 'AUCUN' && mustAct && MANDATORY_FOR_ACTORS.includes(kind)) return DEFAULT_DELIVERY;
  return chosen;
}

/** Checks a preferences update: known kinds and modes only; returns the merged preferences. */
export function updatePreferences(
  current: NotificationPreferences | undefined,
  patch: Readonly<Record<string, unknown>>,
): NotificationPreferences {
  const next: Partial<Record<NotificationKind, DeliveryMode>> = { ...(current ?? {}) };
  const issues: { path: string; message: string }[] = [];
  for (const [kind, mode] of Object.entries(patch)) {
    if (!(NOTIFICATION_KINDS as readonly string[]).includes(kind)) {
      issues.push({
        path: kind,
        message: `type de notification inconnu (attendus : ${NOTIFICATION_KINDS.join(', ')})`,
      });
    } else if (!(DELIVERY_MODES as readonly unknown[]).includes(mode)) {
      issues.push({ path: kind, message: `mode inconnu (attendus : ${DELIVERY_MODES.join(', ')})` });
    } else next[kind as NotificationKind] = mode as DeliveryMode;
  }
  if (issues.length > 0) {
    throw new DomainError(
      'PREFERENCES_INVALIDES',
      `Préférences de notification invalides : ${issues.map((i) => `${i.path} : ${i.message}`).join(' ; ')}.`,
      'INVALID',
      issues,
    );
  }
  return next;
}

/** The preferences as *Mon compte* shows them: every kind with its mode and whether it can be turned off. */
export function preferencesView(prefs: NotificationPreferences | undefined) {
  return NOTIFICATION_KINDS.map((kind) => ({
    type: kind,
    libelle: NOTIFICATION_KIND_LABELS[kind],
    mode: prefs?.[kind] ?? DEFAULT_DELIVERY,
    desactivableSiActionAttendue: !MANDATORY_FOR_ACTORS.includes(kind),
  }));
}

/** Hour (Paris) at which the daily digest of the previous day goes out. Assumption: 7 a.m. */
export const DIGEST_HOUR_PARIS = 7;

/** The Paris day whose digest holds a notification made at `at`. */
export function digestDayOf(at: Date): CalendarDate {
  return parisDateOf(at);
}

/** When the digest of `day` is sent: the next morning, Paris time. */
export function digestSendAt(day: CalendarDate): Date {
  const next = addDays(day, 1);
  return atParisHour(new Date(startOfParisDay(next).getTime() + DIGEST_HOUR_PARIS * 3_600_000));
}

/** Corrects an instant to DIGEST_HOUR_PARIS on the wall clock of Paris (a DST change happens at 2-3 a.m.). */
function atParisHour(at: Date): Date {
  const wall = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', hourCycle: 'h23' });
  const hour = Number(wall.format(at));
  return new Date(at.getTime() + (DIGEST_HOUR_PARIS - hour) * 3_600_000);
}

/** The last digest day whose digest is due at `now` (the day before today in Paris once it is 7 a.m.). */
export function lastDigestDayDue(now: Date): CalendarDate {
  const today = parisDateOf(now);
  const yesterday = addDays(today, -1);
  return digestSendAt(yesterday).getTime() <= now.getTime() ? yesterday : addDays(today, -2);
}
