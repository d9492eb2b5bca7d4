import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import nodemailer from 'nodemailer';

/**
 * E-mail out of the application (issue 13), through nodemailer: on AWS its SES v2 transport (the sender identity and
 * configuration set come from the stack), locally an SMTP server on loopback that `npm start` runs. The message id
 * is the notification's: a receiver (or the local catcher) can tell a resent message from a new one.
 */
export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Stable, e.g. `<notification-id@factures-travaux>`. */
  readonly messageId: string;
}

export interface MailPort {
  send(mail: OutgoingMail): Promise<void>;
}

type Transport = ReturnType<typeof nodemailer.createTransport>;

class NodemailerPort implements MailPort {
  constructor(
    private readonly transport: Transport,
    private readonly from: string,
    /** Per-message fields of the transport (SES: `{ ses: { ConfigurationSetName } }`). */
    private readonly extra: Record<string, unknown> = {},
  ) {}

  async send(mail: OutgoingMail): Promise<void> {
    await this.transport.sendMail({
      from: this.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: mail.messageId,
      headers: { 'Content-Language': 'fr' },
      ...this.extra,
    });
  }
}

/** Through an SMTP server (the local one: `smtp://127.0.0.1:PORT`). */
export function smtpMailer(url: string, from: string): MailPort {
  return new NodemailerPort(nodemailer.createTransport(url), from);
}

/** Through Amazon SES v2 (bounces and complaints go to the configuration set's event destination). */
export function sesMailer(from: string, configurationSetName?: string): MailPort {
  const sesClient = new SESv2Client({});
  const transport = nodemailer.createTransport({ SES: { sesClient, SendEmailCommand } });
  return new NodemailerPort(
    transport,
    from,
    configurationSetName ? { ses: { ConfigurationSetName: configurationSetName } } : {},
  );
}

/** The mailer the environment configures: `MAIL_SMTP_URL` (local), else SES with `MAIL_FROM`. */
export function mailerFromEnv(env: NodeJS.ProcessEnv = process.env): MailPort {
  const from = env.MAIL_FROM ?? 'Factures de travaux <notifications@factures-travaux.invalid>';
  if (env.MAIL_SMTP_URL) return smtpMailer(env.MAIL_SMTP_URL, from);
  return sesMailer(from, env.SES_CONFIGURATION_SET);
}

/** One e-mail to send: the notification's user and id (the sender reads the rest from the table). */
export interface MailJob {
  readonly userId: string;
  readonly notificationId: string;
}

/** Where e-mails wait to be sent, with retries and a dead-letter queue (SQS on AWS, in process locally). */
export interface MailQueue {
  enqueue(jobs: readonly MailJob[]): Promise<void>;
}

/** The SQS queue named by `MAIL_QUEUE_URL`. */
export class SqsMailQueue implements MailQueue {
  private readonly client = new SQSClient({});
  constructor(private readonly queueUrl: string) {}

  async enqueue(jobs: readonly MailJob[]): Promise<void> {
    for (const job of jobs) {
      await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(job) }));
    }
  }
}
