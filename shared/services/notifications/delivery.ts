import { currentLogger } from '../../adapters/logger';
import { type MailJob, type MailQueue, mailerFromEnv, SqsMailQueue } from '../../adapters/mail';
import type { ServiceContext } from '../context';
import { NotificationDispatcher } from './dispatcher';
import { MailSender } from './mail-sender';
import { ReminderService } from './reminders';

/**
 * Delivering notifications: the dispatcher (outbox → inbox and e-mail jobs), the e-mail sender, the queue between
 * them and the reminders. Built beside the composition root rather than in it, so that only the processes that
 * deliver (the notifications Lambda, the embedded platform) bundle the mail libraries (nodemailer, SES, SQS): an
 * actor's decision only writes the outbox, in its own transaction.
 */
export interface NotificationDelivery {
  readonly dispatcher: NotificationDispatcher;
  readonly sender: MailSender;
  readonly queue: MailQueue;
  readonly reminders: ReminderService;
}

const built = new WeakMap<ServiceContext, NotificationDelivery>();

/** The delivery services on `ctx`'s stores and infrastructure, built once per context. */
export function notificationDelivery(ctx: ServiceContext): NotificationDelivery {
  let delivery = built.get(ctx);
  if (!delivery) {
    delivery = createDelivery(ctx);
    built.set(ctx, delivery);
  }
  return delivery;
}

function createDelivery(ctx: ServiceContext): NotificationDelivery {
  const { infra, stores } = ctx;
  const sender = new MailSender({
    inbox: stores.inbox,
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
      outbox: stores.outbox,
      inbox: stores.inbox,
      directory: stores.identity,
      mailQueue: queue,
      clock: infra.clock,
    }),
    reminders: new ReminderService({
      outbox: stores.outbox,
      clock: infra.clock,
      loadDossier: (id) => stores.dossiers.load(id),
      loadMarche: async (id) => (await stores.marches.get(id))?.marche,
      loadStructure: (siret) => stores.identity.getStructure(siret),
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
