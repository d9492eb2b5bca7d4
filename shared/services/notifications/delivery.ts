import { currentLogger } from '../../adapters/logger';
import { type MailJob, type MailQueue, mailerFromEnv, SqsMailQueue } from '../../adapters/mail';
import { component, processScope, type Scope } from '../infrastructure';
import { dossierStore, identityStore, inboxStore, marcheStore, outboxStore } from '../wiring';
import { NotificationDispatcher } from './dispatcher';
import { MailSender } from './mail-sender';
import { ReminderService } from './reminders';

/**
 * Delivering notifications: the dispatcher (outbox → inbox and e-mail jobs), the e-mail sender, the queue between
 * them and the reminders. Wired like the services of `../wiring.ts`, beside them, so that only the processes that
 * deliver (the notifications Lambda, the embedded platform) bundle the mail libraries (nodemailer, SES, SQS): an
 * actor's decision only writes the outbox, in its own transaction.
 */
export interface NotificationDelivery {
  readonly dispatcher: NotificationDispatcher;
  readonly sender: MailSender;
  readonly queue: MailQueue;
  readonly reminders: ReminderService;
}

/** The delivery services on a scope's stores and infrastructure (this process's by default), built once per scope. */
export function notificationDelivery(s: Scope = processScope()): NotificationDelivery {
  return component(s, notificationDelivery, () => createDelivery(s));
}

function createDelivery(s: Scope): NotificationDelivery {
  const { infra } = s;
  const inbox = inboxStore(s);
  const outbox = outboxStore(s);
  const identity = identityStore(s);
  const sender = new MailSender({
    inbox,
    mailer: infra.mailer ?? mailerFromEnv(),
    clock: infra.clock,
    portalUrl: infra.portalUrl ?? process.env.PORTAL_URL ?? 'http://localhost:3000',
  });
  const queue =
    infra.mailQueue ??
    (process.env.MAIL_QUEUE_URL ? new SqsMailQueue(process.env.MAIL_QUEUE_URL) : directMailQueue(sender));
  return {
    sender,
    queue,
    dispatcher: new NotificationDispatcher({
      outbox,
      inbox,
      directory: identity,
      mailQueue: queue,
      clock: infra.clock,
    }),
    reminders: new ReminderService({
      outbox,
      clock: infra.clock,
      loadDossier: (id) => dossierStore(s).load(id),
      loadMarche: async (id) => (await marcheStore(s).get(id))?.marche,
      loadStructure: (siret) => identity.getStructure(siret),
    }),
  };
}

/**
 * No queue configured: the e-mails are sent at once by this process; one that fails stays to send, and the next
 * notification tick hands it over again once its claim is stale.
 */
function directMailQueue(sender: MailSender): MailQueue {
  return {
    async enqueue(jobs: readonly MailJob[]) {
      for (const job of jobs) {
        await sender.send(job).catch((e: unknown) => {
          currentLogger().warn('courriel non envoyé ; il sera repris', { job, error: String(e) });
        });
      }
    },
  };
}
