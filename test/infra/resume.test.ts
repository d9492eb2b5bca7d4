import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FacturesTravauxStack } from '../../infra/stack';
import { cleanupApps, makeStack } from './helpers';

type Resource = { Type: string; Properties: Record<string, unknown> };

afterAll(cleanupApps);

/** The daily resume on AWS (issue 13): its schedule and its rights on the dossier state machine. */
describe('Scheduled resume of open dossiers', () => {
  let stack: FacturesTravauxStack;
  let template: Template;
  let fnId: string;
  let machineId: string;
  beforeAll(() => {
    stack = makeStack({});
    template = Template.fromStack(stack);
    fnId = stack.getLogicalId(stack.functions.get('dossiersReprise').node.defaultChild as never);
    machineId = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))[0] as string;
  });

  it('runs every night at 02:30 Paris time, with up to 15 minutes to walk the open dossiers', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 2 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 },
      }),
    });
    const fn = template.findResources('AWS::Lambda::Function')[fnId] as Resource;
    expect(fn.Properties.Timeout).toBe(900);
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toHaveProperty('TABLE_NAME');
    expect(JSON.stringify(variables.STATE_MACHINES)).toContain(machineId);
  });

  it('may start the dossier machine, describe and stop its executions, and nothing else on Step Functions', () => {
    const fn = template.findResources('AWS::Lambda::Function')[fnId] as Resource;
    const roleId = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] as string;
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify((p as Resource).Properties.Roles).includes(`"${roleId}"`))
      .flatMap((p) => ((p as Resource).Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement)
      .filter((s) => JSON.stringify(s.Action).includes('states:'));
    expect(statements).toHaveLength(2);
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'states:StartExecution', Resource: { Ref: machineId } }),
    );
    const executions = statements.find((s) => JSON.stringify(s.Action).includes('states:DescribeExecution'));
    expect(executions?.Action).toEqual(['states:DescribeExecution', 'states:StopExecution']);
    // arn:…:execution:<the dossier machine's name>:* — that machine's executions only
    expect(JSON.stringify(executions?.Resource)).toContain(`:execution:`);
    expect(JSON.stringify(executions?.Resource)).toContain(`{"Ref":"${machineId}"}`);
  });
});

/** The sweep of lost S3 events on AWS (issue 15): its schedule, its rights on the table and the bucket. */
describe('Scheduled sweep of uploads whose S3 event never arrived', () => {
  let stack: FacturesTravauxStack;
  let template: Template;
  let fnId: string;
  beforeAll(() => {
    stack = makeStack({});
    template = Template.fromStack(stack);
    fnId = stack.getLogicalId(stack.functions.get('documentsBalayage').node.defaultChild as never);
  });

  it('runs every 15 minutes, with 5 minutes and the verifier’s memory for a run', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } }),
    });
    const fn = template.findResources('AWS::Lambda::Function')[fnId] as Resource;
    expect(fn.Properties.Timeout).toBe(300);
    expect(fn.Properties.MemorySize).toBe(1024);
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toHaveProperty('TABLE_NAME');
    expect(variables).toHaveProperty('BUCKET_NAME');
  });

  it('may read and write the table and read, write and delete in the bucket, as the verifying function may', () => {
    const fn = template.findResources('AWS::Lambda::Function')[fnId] as Resource;
    const roleId = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] as string;
    const actions = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify((p as Resource).Properties.Roles).includes(`"${roleId}"`))
      .flatMap((p) => ((p as Resource).Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement)
      .flatMap((s) => [s.Action].flat() as string[]);
    // Query the index, update the file and its piece; read the object (HEAD, GET of a version), hide a refused one
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:Query', 'dynamodb:UpdateItem', 's3:GetObjectVersion', 's3:DeleteObject']),
    );
    expect(actions.some((x) => x.startsWith('states:'))).toBe(false);
  });
});
