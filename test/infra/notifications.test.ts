import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAIL_MAX_RECEIVES,
  MAIL_SENDER_FUNCTION,
  NOTIFICATION_TICK_FUNCTION,
} from '../../infra/constructs/notifications';
import type { FacturesTravauxStack } from '../../infra/stack';
import { cleanupApps, makeFixtureStack, makeStack } from './helpers';

type Resource = { Type: string; Properties: Record<string, unknown> };

afterAll(cleanupApps);

/** The notification e-mails on AWS (issue 13): schedule, queue, dead-letter queue and its alarm, SES. */
describe('Notifications on AWS', () => {
  let stack: FacturesTravauxStack;
  let template: Template;
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
  beforeAll(() => {
    stack = makeStack({
      mailFrom: 'Factures de travaux <notifications@factures.example.fr>',
      portalUrl: 'https://factures.example.fr',
    });
    template = Template.fromStack(stack);
  });

  it('runs the notification tick every minute', () => {
    const fnId = id(stack.functions.get(NOTIFICATION_TICK_FUNCTION));
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } }),
    });
  });

  it('queues the e-mails on an encrypted, TLS-only queue whose failures go to a dead-letter queue after 5 tries', () => {
    const queueId = id(stack.notifications.queue as never);
    const dlqId = id(stack.notifications.deadLetterQueue as never);
    const queue = template.findResources('AWS::SQS::Queue')[queueId] as Resource;
    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      // 6 × the sender's 30 s timeout
      VisibilityTimeout: 180,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: MAIL_MAX_RECEIVES },
    });
    expect(MAIL_MAX_RECEIVES).toBe(5);
    for (const q of [queueId, dlqId]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: q }],
        PolicyDocument: Match.objectLike({
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        }),
      });
    }
  });

  it('has the tick put e-mails on the queue and the sender read it, reporting failures item by item', () => {
    const queueId = id(stack.notifications.queue as never);
    const tick = template.findResources('AWS::Lambda::Function')[id(stack.functions.get(NOTIFICATION_TICK_FUNCTION))];
    expect((tick as Resource).Properties.Environment).toMatchObject({
      Variables: {
        MAIL_QUEUE_URL: { Ref: queueId },
        MAIL_FROM: 'Factures de travaux <notifications@factures.example.fr>',
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: id(stack.functions.get(MAIL_SENDER_FUNCTION)) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
  });

  it('lets both functions send through SES with the domain identity and the configuration set only', () => {
    const configurationSetId = id(stack.notifications.configurationSet as never);
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'factures.example.fr',
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: configurationSetId } },
    });
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
    // Bounces, complaints and rejections recorded as CloudWatch metrics
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({ MatchingEventTypes: ['bounce', 'complaint', 'reject'] }),
    });
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Resource[];
    const sesStatements = policies.flatMap((p) =>
      ((p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement ?? []).filter(
        (s) => JSON.stringify(s.Action).includes('ses:'),
      ),
    );
    expect(sesStatements).toHaveLength(2);
    for (const s of sesStatements) {
      expect(s.Action).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
      expect(JSON.stringify(s.Resource)).toContain(':identity/factures.example.fr');
      expect(JSON.stringify(s.Resource)).not.toContain('*');
    }
  });

  it('alarms as soon as one e-mail is in the dead-letter queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [id(stack.notifications.deadLetterQueue as never), 'QueueName'] } },
      ],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: id(stack.alerts.topic) }],
    });
  });

  it('builds nothing for a registry without the notification functions', () => {
    const fixture = Template.fromStack(makeFixtureStack());
    fixture.resourceCountIs('AWS::SQS::Queue', 0);
    fixture.resourceCountIs('AWS::SES::EmailIdentity', 0);
  });
});
