import type { Context } from 'aws-lambda';
import { invocationLogger, runWithLogger } from '../../shared/adapters/logger';
import { processScope, type Scope } from '../../shared/services/infrastructure';
import { notificationDelivery } from '../../shared/services/notifications/delivery';
import { notificationTick, type TickResult } from '../../shared/services/notifications/tick';

/**
 * The notification tick on AWS (issue 13), run every minute by EventBridge Scheduler (`infra/constructs/schedules.ts`):
 * due reminders into the outbox, the outbox to its users, each immediate e-mail to the SQS queue (MAIL_QUEUE_URL) that
 * `notificationsEnvoi` reads, e-mails left unsent for longer than their claim back to the queue, due digests out.
 * The embedded platform runs the same `notificationTick` (infra/local/mail/notifications.ts). Idempotent.
 */
export function tickHandler(context: () => Scope = processScope) {
  return async (_event?: unknown, lambdaContext?: Context): Promise<TickResult> => {
    const ctx = context();
    const log = invocationLogger({
      operation: 'tickNotifications',
      correlationId: lambdaContext?.awsRequestId ?? `tick-${ctx.infra.clock.now().toISOString()}`,
      ...(lambdaContext?.awsRequestId ? { context: lambdaContext } : {}),
    });
    const delivery = notificationDelivery(ctx);
    const result = await runWithLogger(log, () =>
      notificationTick({
        reminders: delivery.reminders,
        dispatcher: delivery.dispatcher,
        sender: delivery.sender,
        mailQueue: delivery.queue,
      }),
    );
    log.info('notifications distribuées', { ...result });
    return result;
  };
}

export const handler = tickHandler();
