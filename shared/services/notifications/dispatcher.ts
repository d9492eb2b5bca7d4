import type { Clock } from '../../adapters/clock';
import type { InboxStore, UserNotification } from '../../adapters/dynamo/notifications/inbox-store';
import type { OutboxEntry, OutboxStore } from '../../adapters/dynamo/notifications/outbox-store';
import type { MailJob, MailQueue } from '../../adapters/mail';
import {
  deliveryOf,
  digestDayOf,
  type MemberFacts,
  notificationId,
  recipientsOf,
  titleFor,
} from '../../domain/notifications';
import type { Membership, User } from '../../domain/structures';

/** What the dispatcher reads of the structures and their users (the identity store). */
export interface DirectoryPort {
  membersOf(siret: string): Promise<readonly Membership[]>;
  getUsers(userIds: readonly string[]): Promise<Map<string, User>>;
}

export interface DispatcherDeps {
  readonly outbox: OutboxStore;
  readonly inbox: InboxStore;
  readonly directory: DirectoryPort;
  readonly mailQueue: MailQueue;
  readonly clock: Clock;
}

/**
 * Delivers the outbox (issue 13): each entry becomes one notification per user concerned (`recipientsOf`), written
 * once under a stable id, and its e-mail is queued when the user wants it at once. At least once: an entry stays in
 * the outbox until all its users have it, and running it again changes nothing that is done.
 */
export class NotificationDispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  /** Delivers every pending entry (oldest first); returns how many notifications were created. */
  async dispatchPending(limit = 100): Promise<number> {
    let created = 0;
    for (const entry of await this.deps.outbox.pending(limit)) created += await this.dispatch(entry);
    return created;
  }

  async dispatch(entry: OutboxEntry): Promise<number> {
    const { intent } = entry;
    const sirets = [...new Set(intent.audience.map((a) => a.siret))];
    const memberships = (await Promise.all(sirets.map((s) => this.deps.directory.membersOf(s)))).flat();
    const users = await this.deps.directory.getUsers([...new Set(memberships.map((m) => m.userId))]);
    const members: MemberFacts[] = memberships.flatMap((m) => {
      const u = users.get(m.userId);
      return u
        ? [
            {
              userId: m.userId,
              siret: m.siret,
              status: m.status,
              role: m.role,
              spaces: m.spaces,
              active: u.active,
              contactAddress: u.contactAddress,
            },
          ]
        : [];
    });
    const recipients = recipientsOf(intent, members);
    const prefs = await this.deps.inbox.preferencesOf(recipients.map((r) => r.userId));
    const digestDay = digestDayOf(new Date(intent.at));
    const jobs: MailJob[] = [];
    let created = 0;
    for (const r of recipients) {
      const mail = deliveryOf(prefs.get(r.userId), intent.kind, r.mustAct);
      const n: UserNotification = {
        id: notificationId(intent, r.userId),
        userId: r.userId,
        kind: intent.kind,
        at: intent.at,
        title: titleFor(intent, r.mustAct),
        lines: intent.lines,
        link: intent.link,
        dossierId: intent.dossierId,
        numero: intent.numero,
        action: intent.action,
        mustAct: r.mustAct,
        contactAddress: r.contactAddress,
        mail,
        digestDay: mail === 'QUOTIDIEN' ? digestDay : undefined,
      };
      if (await this.deps.inbox.add(n)) created += 1;
      // Queued again when it already existed: the sender sends it once (a crash may have come before the queue)
      if (mail === 'IMMEDIAT') jobs.push({ userId: r.userId, notificationId: n.id });
    }
    await this.deps.mailQueue.enqueue(jobs);
    await this.deps.outbox.markDelivered(entry, this.deps.clock.now().toISOString());
    return created;
  }
}
