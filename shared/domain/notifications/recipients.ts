import { createHash } from 'node:crypto';
import type { SpaceMode } from '../roles';
import type { MembershipRole, MembershipStatus, SpaceSubscription } from '../structures';
import { ACTION_TITLE_PREFIX, type Audience, type NotificationIntent } from './kinds';

/**
 * Who receives a notification (issue 13): the users of the structures concerned who have the espace, in a mode that
 * lets them see it (CONSULTATION or MODIFICATION). Only a user in MODIFICATION of a structure expected to act is
 * asked to act; a user of another structure is never told.
 */
export interface MemberFacts {
  readonly userId: string;
  readonly siret: string;
  readonly status: MembershipStatus;
  readonly role: MembershipRole;
  readonly spaces: readonly SpaceSubscription[];
  /** The user's account is active. */
  readonly active: boolean;
  readonly contactAddress: string;
}

export interface Recipient {
  readonly userId: string;
  readonly contactAddress: string;
  /** The user may act on it (a structure expected to act, espace in MODIFICATION). */
  readonly mustAct: boolean;
  /** The structure through which the user is told. */
  readonly siret: string;
}

function modeIn(member: MemberFacts, audience: Audience): SpaceMode | 'GESTION' | null {
  if (audience.userId) return audience.userId === member.userId ? 'MODIFICATION' : null;
  if (member.status !== 'APPROVED') return null;
  if (audience.principalOnly) return member.role === 'GESTIONNAIRE_PRINCIPAL' ? 'GESTION' : null;
  if (audience.managersOnly) return member.role === 'UTILISATEUR' ? null : 'GESTION';
  if (!audience.space) return 'MODIFICATION';
  return member.spaces.find((s) => s.space === audience.space)?.mode ?? null;
}

/** Recipients of an intent among the members of its structures (one per user, asked to act if any entry says so). */
export function recipientsOf(intent: NotificationIntent, members: readonly MemberFacts[]): Recipient[] {
  const out = new Map<string, Recipient>();
  for (const audience of intent.audience) {
    for (const m of members) {
      if (m.siret !== audience.siret || !m.active) continue;
      const mode = modeIn(m, audience);
      if (!mode) continue;
      const mustAct = audience.act && mode !== 'CONSULTATION';
      const seen = out.get(m.userId);
      if (!seen || (mustAct && !seen.mustAct)) {
        out.set(m.userId, { userId: m.userId, contactAddress: m.contactAddress, mustAct, siret: m.siret });
      }
    }
  }
  return [...out.values()].sort((a, b) => (a.userId < b.userId ? -1 : 1));
}

/**
 * The title a recipient reads: an « Action attendue » sent to a user who is told but not asked to act (espace in
 * Consultation, docs/rules/notifications.md) reads « Pour information — … », so that its subject does not ask them
 * to act.
 */
export function titleFor(intent: Pick<NotificationIntent, 'kind' | 'title'>, mustAct: boolean): string {
  if (mustAct || intent.kind !== 'ACTION_ATTENDUE' || !intent.title.startsWith(ACTION_TITLE_PREFIX))
    return intent.title;
  return `${INFORMATION_TITLE_PREFIX}${intent.title.slice(ACTION_TITLE_PREFIX.length)}`;
}

const INFORMATION_TITLE_PREFIX = 'Pour information — ';

/**
 * The notification's identifier: stable for a cause, a kind and a user, so that a delivery run again (a retry, a
 * resumed platform) finds the notification already there and never makes a second one.
 */
export function notificationId(intent: Pick<NotificationIntent, 'source' | 'kind'>, userId: string): string {
  return createHash('sha256').update(`${intent.source}|${intent.kind}|${userId}`).digest('base64url').slice(0, 22);
}
