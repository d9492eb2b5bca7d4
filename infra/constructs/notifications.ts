import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Alerts } from './alerts';
import type { Functions } from './functions';

/** Registry keys of the notification functions (functions/notifications/lambdas.ts). */
export const NOTIFICATION_TICK_FUNCTION = 'notificationsTick';
export const MAIL_SENDER_FUNCTION = 'notificationsEnvoi';

/** Deliveries of one e-mail job before it goes to the dead-letter queue. */
export const MAIL_MAX_RECEIVES = 5;

export interface NotificationsProps {
  readonly functions: Functions;
  readonly alerts: Alerts;
  /** The sender's address, e.g. `Factures de travaux <notifications@example.gouv.fr>` (its domain is the identity). */
  readonly mailFrom?: string;
  /** The portal's address, for the links in the e-mails. */
  readonly portalUrl?: string;
}

/**
 * E-mail of the notifications on AWS (issue 13): the tick (every minute, `Schedules`) puts each e-mail to send on an
 * SQS queue; `notificationsEnvoi` reads it (partial batch failures), sends through SES v2 with the configuration set
 * that records bounces and complaints (CloudWatch metrics per event type), and a job that fails
 * MAIL_MAX_RECEIVES times goes to the dead-letter queue, whose depth raises an alarm. The SES identity is the domain
 * of `mailFrom` (to verify in SES: DKIM records the identity lists). Does nothing when the registry has no such
 * functions (test registries).
 */
export class Notifications extends Construct {
  readonly queue?: sqs.Queue;
  readonly deadLetterQueue?: sqs.Queue;
  readonly configurationSet?: ses.ConfigurationSet;
  readonly identity?: ses.EmailIdentity;
  readonly deadLetterAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const fns = new Map(props.functions.entries() as [string, ReturnType<Functions['get']>][]);
    const tick = fns.get(NOTIFICATION_TICK_FUNCTION);
    const sender = fns.get(MAIL_SENDER_FUNCTION);
    if (!tick || !sender) return;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Mails', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the sender's timeout, as AWS advises for a queue read by Lambda
      visibilityTimeout: Duration.seconds(6 * sender.timeout!.toSeconds()),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAIL_MAX_RECEIVES },
    });
    this.queue.grantSendMessages(tick);
    tick.addEnvironment('MAIL_QUEUE_URL', this.queue.queueUrl);
    sender.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 5 }),
    );

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: ses.EventDestination.cloudWatchDimensions([
        { name: 'ses:configuration-set', source: ses.CloudWatchDimensionSource.MESSAGE_TAG, defaultValue: 'factures' },
      ]),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT, ses.EmailSendingEvent.REJECT],
    });
    const from = props.mailFrom ?? 'Factures de travaux <notifications@factures-travaux.example>';
    const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'factures-travaux.example';
    this.identity = new ses.EmailIdentity(this, 'Identity', {
      identity: ses.Identity.domain(domain),
      configurationSet: this.configurationSet,
    });
    for (const fn of [tick, sender]) {
      // The tick sends the digests itself; the sender the immediate e-mails
      fn.addEnvironment('MAIL_FROM', from);
      fn.addEnvironment('SES_CONFIGURATION_SET', this.configurationSet.configurationSetName);
      if (props.portalUrl) fn.addEnvironment('PORTAL_URL', props.portalUrl);
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['ses:SendEmail', 'ses:SendRawEmail'],
          resources: [
            `arn:aws:ses:${fn.stack.region}:${fn.stack.account}:identity/${domain}`,
            `arn:aws:ses:${fn.stack.region}:${fn.stack.account}:configuration-set/${this.configurationSet.configurationSetName}`,
          ],
        }),
      );
    }

    this.deadLetterAlarm = props.alerts.watch(
      new cloudwatch.Alarm(this, 'DeadLetterDepth', {
        alarmDescription:
          'Des courriels de notification ont échoué cinq fois et attendent dans la file des lettres mortes : voir les ' +
          'journaux de notificationsEnvoi (SES, identité, quota), corriger, puis redonner les messages à la file.',
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
