import * as path from 'node:path';
import type { ShiftableClock } from '../../shared/adapters/clock';
import { overrideContext, serviceContext } from '../../shared/services/context';
import type { Activity } from './activity';
import type { LocalMachineClients } from './client-token';
import { type LocalNotifications, startLocalNotifications } from './mail/notifications';
import type { LocalNotificationOptions } from './platform-options';
import type { VirtualTimers } from './timers';

/** Notifications on the platform (`notifications` option): the local SMTP server and the delivery ticks. */

/**
 * Starts the SMTP server and the delivery (its ticks wait for `start()`), then gives the services its mailer and
 * queue: handlers and tasks send through it, and tell it of each reminder armed.
 */
export async function startPlatformMail(options: {
  readonly notifications: true | LocalNotificationOptions;
  readonly dataDir: string | undefined;
  readonly clock: ShiftableClock;
  readonly timers: VirtualTimers;
  readonly activity: Activity;
  readonly machineClients: LocalMachineClients;
  readonly port: number;
  readonly log: (message: string) => void;
}): Promise<LocalNotifications> {
  const { clock, dataDir } = options;
  const n = options.notifications === true ? {} : options.notifications;
  const mail = await startLocalNotifications({
    timers: options.timers,
    clock,
    activity: options.activity,
    context: serviceContext,
    directory: dataDir ? path.join(dataDir, 'mails') : undefined,
    smtpPort: n.smtpPort,
    pollMs: n.pollMs,
    wrapMailer: n.wrapMailer,
  });
  overrideContext({
    clock,
    machineClients: options.machineClients,
    mailer: mail.mailer,
    mailQueue: mail.queue,
    onReminderArmed: mail.reminderArmed,
    portalUrl: `http://localhost:${options.port}`,
  });
  options.log(`Serveur SMTP local ${mail.smtp.url}.`);
  return mail;
}
