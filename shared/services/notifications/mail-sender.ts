import type { Clock } from '../../adapters/clock';
import type { InboxStore } from '../../adapters/dynamo/notifications/inbox-store';
import type { MailJob, MailPort, MailQueue } from '../../adapters/mail';
import { addDays, type CalendarDate } from '../../domain/calendar';
import { lastDigestDayDue } from '../../domain/notifications';
import { digestMail, notificationMail } from './mail-template';

export interface MailSenderDeps {
  readonly inbox: InboxStore;
  readonly mailer: MailPort;
  readonly clock: Clock;
  /** The portal's address, for the links in the e-mails. */
  readonly portalUrl: string;
  /** How long a claim on an e-mail holds before another sender may take it over (default 5 minutes). */
  readonly leaseMs?: number;
}

const DEFAULT_LEASE_MS = 5 * 60_000;

/**
 * Sends the e-mails of notifications (issue 13), once each: a sender claims the notification, sends, then records
 * it sent; a failure releases the claim and is thrown, so that the queue retries (then its dead-letter queue keeps
 * it). A job for an e-mail already sent is dropped.
 */
export class MailSender {
  constructor(private readonly deps: MailSenderDeps) {}

  private get lease(): number {
    return this.deps.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** Sends one notification's e-mail; 'sent', or why not. */
  async send(job: MailJob): Promise<'sent' | 'already-sent' | 'claimed-elsewhere' | 'unknown'> {
    const { inbox, clock } = this.deps;
    const n = await inbox.get(job.userId, job.notificationId);
    if (!n) return 'unknown';
    if (n.mailedAt) return 'already-sent';
    if (!(await inbox.claimMail(n.userId, n.id, clock.now(), this.lease))) return 'claimed-elsewhere';
    try {
      await this.deps.mailer.send(notificationMail(n, this.deps.portalUrl));
    } catch (e) {
      await inbox.releaseMail(n.userId, n.id);
      throw e;
    }
    await inbox.markMailed(n.userId, n.id, clock.now().toISOString());
    return 'sent';
  }

  /** Hands the queue again the immediate e-mails not sent for longer than the lease (a lost job, a crash). */
  async requeueStale(queue: MailQueue, limit = 100): Promise<number> {
    const before = new Date(this.deps.clock.now().getTime() - this.lease).toISOString();
    const stale = (await this.deps.inbox.mailsPending(limit)).filter((m) => m.at < before);
    await queue.enqueue(stale.map((m) => ({ userId: m.userId, notificationId: m.id })));
    return stale.length;
  }

  /** Sends the digests of `day`: one e-mail per user with every notification of the day, once. */
  async sendDigests(day: CalendarDate): Promise<number> {
    const { inbox, clock } = this.deps;
    const byUser = new Map<string, Awaited<ReturnType<InboxStore['digestOf']>>>();
    for (const n of await inbox.digestOf(day)) byUser.set(n.userId, [...(byUser.get(n.userId) ?? []), n]);
    let sent = 0;
    for (const [userId, items] of byUser) {
      if (!(await inbox.claimDigest(userId, day, clock.now(), this.lease))) continue;
      const to = items[items.length - 1]?.contactAddress as string;
      await this.deps.mailer.send(digestMail(userId, day, to, items, this.deps.portalUrl));
      await inbox.markDigestSent(
        userId,
        day,
        items.map((n) => n.id),
        clock.now().toISOString(),
      );
      sent += 1;
    }
    return sent;
  }

  /** Sends the digests due at `now`: the last `days` Paris days whose morning has come (catch-up after a stop). */
  async sendDueDigests(days = 3): Promise<number> {
    const last = lastDigestDayDue(this.deps.clock.now());
    let sent = 0;
    for (let i = days - 1; i >= 0; i--) sent += await this.sendDigests(addDays(last, -i));
    return sent;
  }
}
