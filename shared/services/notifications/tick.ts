import type { MailQueue } from '../../adapters/mail';
import type { NotificationDispatcher } from './dispatcher';
import type { MailSender } from './mail-sender';
import type { ReminderService } from './reminders';

export interface TickResult {
  readonly reminders: number;
  readonly notifications: number;
  readonly requeued: number;
  readonly digests: number;
}

/**
 * One pass of the notification timers (issue 13): due reminders into the outbox, the outbox to the users, lost
 * e-mails back to the queue, due digests out. The schedule runs it every minute on AWS; the embedded platform runs
 * it at each reminder's instant on its clock, every morning's digest time, and at start (a restart resumes).
 */
export async function notificationTick(deps: {
  readonly reminders: ReminderService;
  readonly dispatcher: NotificationDispatcher;
  readonly sender: MailSender;
  readonly mailQueue: MailQueue;
}): Promise<TickResult> {
  const reminders = await deps.reminders.fireDue();
  const notifications = await deps.dispatcher.dispatchPending();
  const requeued = await deps.sender.requeueStale(deps.mailQueue);
  const digests = await deps.sender.sendDueDigests();
  return { reminders, notifications, requeued, digests };
}
