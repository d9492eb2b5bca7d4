import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import type { Clock } from '../../shared/adapters/clock';
import { invocationLogger, runWithLogger } from '../../shared/adapters/logger';
import { processScope } from '../../shared/services/infrastructure';
import { notificationDelivery } from '../../shared/services/notifications/delivery';
import type { MailSender } from '../../shared/services/notifications/mail-sender';

/** One message of the mail queue: the notification whose e-mail to send. */
const mailJob = z.object({
  userId: z.string().check(z.minLength(1), z.maxLength(200)),
  notificationId: z.string().check(z.minLength(1), z.maxLength(64)),
});

/**
 * Sends the e-mails of the mail queue on AWS (issue 13): each message names a notification; the sender claims it,
 * sends it through SES (nodemailer's SES v2 transport) and records it sent, so a message delivered twice sends one
 * e-mail. A failed send is reported as a batch item failure: SQS delivers it again, then moves it to the dead-letter
 * queue (whose depth raises an alarm). A malformed message (poison) is failed too, on every receive, so that it ends
 * in the dead-letter queue where an operator sees it, rather than being lost.
 */
export function sendHandler(
  context: () => { readonly mailSender: MailSender; readonly clock: Clock } = () => {
    const s = processScope();
    return { mailSender: notificationDelivery(s).sender, clock: s.infra.clock };
  },
) {
  return async (event: SQSEvent, lambdaContext?: Context): Promise<SQSBatchResponse> => {
    const ctx = context();
    const log = invocationLogger({
      operation: 'envoyerCourriels',
      correlationId: lambdaContext?.awsRequestId ?? `envoi-${ctx.clock.now().toISOString()}`,
      ...(lambdaContext?.awsRequestId ? { context: lambdaContext } : {}),
    });
    return runWithLogger(log, async () => {
      const failures: { itemIdentifier: string }[] = [];
      for (const record of event.Records) {
        let job: z.infer<typeof mailJob>;
        try {
          job = mailJob.parse(JSON.parse(record.body));
        } catch (error) {
          log.error('message de la file de courriels illisible : laissé à la file des messages en échec', {
            messageId: record.messageId,
            error: String(error),
          });
          failures.push({ itemIdentifier: record.messageId });
          continue;
        }
        try {
          const outcome = await ctx.mailSender.send(job);
          log.info('courriel de notification', { ...job, outcome });
        } catch (error) {
          log.warn('courriel non envoyé : SQS le redonnera', { ...job, error: String(error) });
          failures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures: failures };
    });
  };
}

export const handler = sendHandler();
