import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDAS, type LambdaDefinition } from '../../functions/registry';
import { ECB_FETCH_FUNCTION } from '../../infra/constructs/ecb-rates';
import type { FacturesTravauxStack } from '../../infra/stack';
import { cleanupApps, makeFixtureStack, makeStack } from './helpers';

type Resource = { Type: string; Properties: Record<string, unknown> };

afterAll(cleanupApps);

describe('Schedules: EventBridge Scheduler runs each schedule function', () => {
  let stack: FacturesTravauxStack;
  let template: Template;
  beforeAll(() => {
    stack = makeFixtureStack();
    template = Template.fromStack(stack);
  });

  it('gives each schedule function of the registry, and only those, one schedule on its expression and time zone', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    const fnId = stack.getLogicalId(stack.functions.get('nightly').node.defaultChild as never);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(15 3 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 },
      }),
    });
  });

  it('lets the schedule invoke that function only: no version or alias wildcard', () => {
    const fnId = stack.getLogicalId(stack.functions.get('nightly').node.defaultChild as never);
    const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule'))[0] as Resource;
    const roleId = ((schedule.Properties.Target as { RoleArn: { 'Fn::GetAtt': string[] } }).RoleArn['Fn::GetAtt'] ??
      [])[0] as string;
    const role = template.findResources('AWS::IAM::Role')[roleId] as Resource;
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('scheduler.amazonaws.com');
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('aws:SourceAccount');
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify((p as Resource).Properties.Roles).includes(`"${roleId}"`))
      .flatMap((p) => ((p as Resource).Properties.PolicyDocument as { Statement: unknown[] }).Statement);
    expect(statements).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [fnId, 'Arn'] } },
    ]);
  });

  it('refuses a schedule function without a schedule', () => {
    // the API's authorizer stays (the stack refuses a user pool without one before it looks at schedules)
    const authorizers = Object.entries(LAMBDAS as Record<string, LambdaDefinition>).filter(
      ([, def]) => def.kind === 'authorizer',
    );
    const broken = {
      ...Object.fromEntries(authorizers),
      lost: { entry: 'test/infra/fixtures/handler.ts', kind: 'schedule', description: 'no schedule' },
    };
    expect(() => makeStack({ registry: broken as Record<string, LambdaDefinition> })).toThrow(/has no schedule/);
  });
});

describe('ECB rates on AWS: the scheduled fetch and its alarms', () => {
  let stack: FacturesTravauxStack;
  let template: Template;
  beforeAll(() => {
    stack = makeStack({ alertEmail: 'exploitation@example.fr', ecbApiUrl: 'https://bce.example.fr/csv' });
    template = Template.fromStack(stack);
  });

  it('runs the fetch every 6 hours from 00:15 Paris time, the first run of a half-year 15 minutes after it starts', () => {
    const def = (LAMBDAS as Record<string, LambdaDefinition>)[ECB_FETCH_FUNCTION];
    expect(def?.kind).toBe('schedule');
    const fnId = stack.getLogicalId(stack.functions.get(ECB_FETCH_FUNCTION).node.defaultChild as never);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(15 0/6 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } }),
    });
  });

  it('gives the fetch the configured ECB endpoint and table writes', () => {
    const fnId = stack.getLogicalId(stack.functions.get(ECB_FETCH_FUNCTION).node.defaultChild as never);
    const fn = template.findResources('AWS::Lambda::Function')[fnId] as Resource;
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.ECB_API_URL).toBe('https://bce.example.fr/csv');
    expect(variables.TABLE_NAME).toBeDefined();
  });

  it('alarms when the current half-year has no rate, or when the check stops reporting', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'FacturesTravaux',
      MetricName: 'SemestreSansTauxBce',
      Dimensions: [{ Name: 'service', Value: 'factures-travaux' }],
      Statistic: 'Maximum',
      Period: 86400,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'breaching',
      AlarmDescription: Match.stringLikeRegexp('semestre en cours'),
    });
  });

  it('alarms when every fetch of a day failed', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ReleveTauxBceEnEchec',
      Statistic: 'Minimum',
      Period: 86400,
      TreatMissingData: 'notBreaching',
    });
  });

  it('sends every alarm, in and out of alarm, to the operator’s topic, TLS only, with the configured address', () => {
    const topicId = stack.getLogicalId(stack.alerts.topic.node.defaultChild as never);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    // The two of the ECB rates and the mail dead-letter queue's (infra/constructs/notifications.ts)
    expect(alarms).toHaveLength(3);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
    }
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'exploitation@example.fr',
      TopicArn: { Ref: topicId },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      }),
    });
  });

  it('builds no ECB alarm for a registry without the fetch', () => {
    const fixture = Template.fromStack(makeFixtureStack());
    fixture.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    fixture.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});
