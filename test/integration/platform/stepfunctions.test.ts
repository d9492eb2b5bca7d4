import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../../../infra/local/platform';
import { buildProbeStateMachine } from './probe-machine';

const DAY = 86_400;
const recorded: { taskToken: string; probeId: string }[] = [];
let platform: Platform;
let client: SFNClient;

beforeAll(async () => {
  platform = await startPlatform({
    port: 0,
    inMemory: true,
    extend: (stack) => {
      const recordFn = new lambda.Function(stack, 'ProbeRecord', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
      });
      const probe = buildProbeStateMachine(stack, 'Probe', { recordFn });
      const longWait = new sfn.StateMachine(stack, 'LongWait', {
        definitionBody: sfn.DefinitionBody.fromChainable(
          new sfn.Wait(stack, 'UntilDue', { time: sfn.WaitTime.secondsPath('$.waitSeconds') }).next(
            new sfn.Pass(stack, 'Due', { result: sfn.Result.fromBoolean(true), resultPath: '$.due' }),
          ),
        ),
      });
      // A heartbeat-guarded callback whose first Catch is States.TaskFailed: a timeout must skip it, as in AWS.
      const guarded = new tasks.LambdaInvoke(stack, 'Guarded', {
        lambdaFunction: recordFn,
        integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: sfn.TaskInput.fromObject({
          taskToken: sfn.JsonPath.taskToken,
          probeId: sfn.JsonPath.stringAt('$.probeId'),
        }),
        taskTimeout: sfn.Timeout.duration(Duration.days(1)),
        heartbeatTimeout: sfn.Timeout.duration(Duration.hours(1)),
        resultPath: '$.decision',
      });
      guarded.addCatch(
        new sfn.Pass(stack, 'CaughtAsTaskFailed', {
          result: sfn.Result.fromString('TASK_FAILED'),
          resultPath: '$.caught',
        }),
        {
          errors: [sfn.Errors.TASKS_FAILED],
          resultPath: '$.error',
        },
      );
      guarded.addCatch(
        new sfn.Pass(stack, 'CaughtAsTimeout', { result: sfn.Result.fromString('TIMEOUT'), resultPath: '$.caught' }),
        {
          errors: [sfn.Errors.TIMEOUT],
          resultPath: '$.error',
        },
      );
      const heartbeat = new sfn.StateMachine(stack, 'Heartbeat', {
        definitionBody: sfn.DefinitionBody.fromChainable(guarded),
      });
      // Direct Lambda ARN (payloadResponseOnly), Retry, Catch by error name, Parallel, Map, Wait on a timestamp.
      const checkFn = new lambda.Function(stack, 'CheckLines', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
      });
      const check = new tasks.LambdaInvoke(stack, 'Check', {
        lambdaFunction: checkFn,
        payloadResponseOnly: true,
        resultPath: '$.checked',
        taskTimeout: sfn.Timeout.duration(Duration.minutes(1)),
      });
      check.addRetry({ errors: ['Flaky'], maxAttempts: 2, interval: Duration.hours(1) });
      check.addCatch(new sfn.Pass(stack, 'Rejected'), { errors: ['ValidationError'], resultPath: '$.error' });
      const branches = new sfn.Parallel(stack, 'Both', { resultPath: '$.branches' })
        .branch(
          new sfn.Map(stack, 'EachLine', { itemsPath: '$.lines', resultPath: '$.priced' }).itemProcessor(
            new sfn.Pass(stack, 'Price', { parameters: { 'cents.$': '$.qty' } }),
          ),
        )
        .branch(new sfn.Wait(stack, 'UntilDate', { time: sfn.WaitTime.timestampPath('$.until') }));
      const features = new sfn.StateMachine(stack, 'Features', {
        definitionBody: sfn.DefinitionBody.fromChainable(check.next(branches)),
      });
      const bounded = new sfn.StateMachine(stack, 'Bounded', {
        timeout: Duration.days(2),
        definitionBody: sfn.DefinitionBody.fromChainable(
          new sfn.Wait(stack, 'TooLong', { time: sfn.WaitTime.duration(Duration.days(5)) }),
        ),
      });
      let flakyCalls = 0;
      return {
        stateMachines: { Probe: probe, LongWait: longWait, Heartbeat: heartbeat, Features: features, Bounded: bounded },
        lambdaHandlers: {
          [stack.getLogicalId(checkFn.node.defaultChild as lambda.CfnFunction)]: async (event) => {
            const { mode } = event as { mode: string };
            if (mode === 'invalid') throw Object.assign(new Error('ligne sans quantité'), { name: 'ValidationError' });
            if (mode === 'flaky') flakyCalls += 1;
            if (mode === 'flaky' && flakyCalls === 1) throw Object.assign(new Error('try again'), { name: 'Flaky' });
            return { ok: true, calls: flakyCalls };
          },
          [stack.getLogicalId(recordFn.node.defaultChild as lambda.CfnFunction)]: async (event) => {
            recorded.push(event as { taskToken: string; probeId: string });
          },
        },
      };
    },
  });
  client = new SFNClient({
    endpoint: platform.endpoints.stepfunctions,
    region: platform.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client?.destroy();
  await platform?.stop();
});

async function start(name: string, input: object, machine = 'Probe'): Promise<string> {
  const { executionArn } = await client.send(
    new StartExecutionCommand({
      stateMachineArn: platform.stateMachineArns[machine],
      name,
      input: JSON.stringify(input),
    }),
  );
  await platform.settle();
  return executionArn as string;
}

async function describeExecution(executionArn: string) {
  return client.send(new DescribeExecutionCommand({ executionArn }));
}

async function advance(
  body: object,
): Promise<{ fired: { kind: string; executionArn?: string; stateName?: string }[] }> {
  const res = await fetch(`${platform.url}/_local/clock`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as { fired: { kind: string; executionArn?: string; stateName?: string }[] };
}

function tokenOf(probeId: string): string {
  const entry = recorded.find((r) => r.probeId === probeId);
  if (!entry) throw new Error(`no task recorded for ${probeId}`);
  return entry.taskToken;
}

describe('local Step Functions (probe state machine)', () => {
  it('hands a fresh task token to the callback task and completes on SendTaskSuccess', async () => {
    const arn = await start('probe-ok', { probeId: 'p-ok', timeoutSeconds: 30 * DAY });
    const token = tokenOf('p-ok');
    expect(token).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    expect((await describeExecution(arn)).status).toBe('RUNNING');

    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true }) }));
    await platform.settle();
    const done = await describeExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string)).toEqual({
      probeId: 'p-ok',
      timeoutSeconds: 30 * DAY,
      decision: { approved: true },
      outcome: 'COMPLETED',
    });
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(
      TaskTimedOut,
    );
    const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    const types = (events ?? []).map((e) => e.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(types.indexOf('TaskStateEntered')).toBeLessThan(types.indexOf('TaskScheduled'));
    expect(types.indexOf('TaskScheduled')).toBeLessThan(types.indexOf('TaskSucceeded'));
    expect(types.indexOf('TaskSucceeded')).toBeLessThan(types.indexOf('TaskStateExited'));
  });

  it('fails the execution with the error sent by SendTaskFailure (not caught: only the timeout is)', async () => {
    const arn = await start('probe-refused', { probeId: 'p-refused', timeoutSeconds: DAY });
    await client.send(
      new SendTaskFailureCommand({ taskToken: tokenOf('p-refused'), error: 'Refus', cause: 'pièce incomplète' }),
    );
    await platform.settle();
    const done = await describeExecution(arn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'Refus', cause: 'pièce incomplète' });
  });

  it('starts idempotently by name: same input → same execution, other input or closed → ExecutionAlreadyExists', async () => {
    const input = { probeId: 'p-idem', timeoutSeconds: DAY };
    const first = await start('dossier-D-17', input);
    const again = await start('dossier-D-17', input);
    expect(again).toBe(first);
    expect(recorded.filter((r) => r.probeId === 'p-idem')).toHaveLength(1);
    await expect(start('dossier-D-17', { ...input, timeoutSeconds: 2 * DAY })).rejects.toBeInstanceOf(
      ExecutionAlreadyExists,
    );
    await client.send(new StopExecutionCommand({ executionArn: first, error: 'Test', cause: 'arrêt' }));
    expect((await describeExecution(first)).status).toBe('ABORTED');
    await expect(start('dossier-D-17', input)).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    const { executions } = await client.send(
      new ListExecutionsCommand({ stateMachineArn: platform.stateMachineArns.Probe, statusFilter: 'ABORTED' }),
    );
    expect(executions?.map((e) => e.name)).toEqual(['dossier-D-17']);
  });

  it('times a 30-day callback out when the local clock passes day 30, not before, and catches it', async () => {
    const arn = await start('probe-deadline', { probeId: 'p-deadline', timeoutSeconds: 30 * DAY });
    const ours = (fired: { executionArn?: string }[]) => fired.filter((f) => f.executionArn === arn);

    expect(ours((await advance({ advanceDays: 29 })).fired)).toEqual([]);
    expect((await describeExecution(arn)).status).toBe('RUNNING');
    expect(ours((await advance({ advanceHours: 23, advanceMinutes: 59 })).fired)).toEqual([]);
    expect((await describeExecution(arn)).status).toBe('RUNNING');

    const fired = ours((await advance({ advanceMinutes: 2 })).fired);
    expect(fired).toEqual([expect.objectContaining({ kind: 'TaskTimeout', stateName: 'WaitForAnswer' })]);
    const done = await describeExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output as string) as { outcome: string; error: { Error: string } };
    expect(output.outcome).toBe('DEADLINE_PASSED');
    expect(output.error.Error).toBe('States.Timeout');
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: tokenOf('p-deadline'), output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('ends a 40-day Wait on its day (beyond the 24.8-day setTimeout limit)', async () => {
    const arn = await start('wait-40', { waitSeconds: 40 * DAY }, 'LongWait');
    await advance({ advanceDays: 39, advanceHours: 23 });
    expect((await describeExecution(arn)).status).toBe('RUNNING');
    const { fired } = await advance({ advanceHours: 2 });
    expect(fired.filter((f) => f.executionArn === arn)).toEqual([
      expect.objectContaining({ kind: 'Wait', stateName: 'UntilDue' }),
    ]);
    const done = await describeExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string)).toEqual({ waitSeconds: 40 * DAY, due: true });
    const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    expect((events ?? []).map((e) => e.type)).toContain('WaitStateExited');
  });

  it('keeps a callback alive with heartbeats and times it out as States.Timeout (not States.TaskFailed) without them', async () => {
    const arn = await start('hb-1', { probeId: 'p-hb' }, 'Heartbeat');
    const token = tokenOf('p-hb');
    await advance({ advanceMinutes: 50 });
    await client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await advance({ advanceMinutes: 50 });
    expect((await describeExecution(arn)).status).toBe('RUNNING');
    const { fired } = await advance({ advanceMinutes: 11 });
    expect(fired.filter((f) => f.executionArn === arn)).toEqual([
      expect.objectContaining({ kind: 'HeartbeatTimeout' }),
    ]);
    const done = await describeExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string)).toMatchObject({ caught: 'TIMEOUT', error: { Error: 'States.Timeout' } });
  });

  it('runs direct Lambda ARNs, Retry, Parallel, Map and a Wait on a timestamp, on the platform clock', async () => {
    const until = new Date(platform.clock.now().getTime() + 3 * DAY * 1000).toISOString();
    const arn = await start('features-1', { mode: 'flaky', lines: [{ qty: 2 }, { qty: 5 }], until }, 'Features');
    expect((await describeExecution(arn)).status).toBe('RUNNING');
    await advance({ advanceDays: 3, advanceSeconds: 1 });
    const done = await describeExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output as string) as { checked: unknown; branches: unknown[] };
    expect(output.checked).toEqual({ ok: true, calls: 2 });
    expect((output.branches[0] as { priced: unknown }).priced).toEqual([{ cents: 2 }, { cents: 5 }]);
  });

  it('catches a handler error by its name, with the Lambda error as Cause', async () => {
    const arn = await start('features-2', { mode: 'invalid', lines: [], until: new Date(0).toISOString() }, 'Features');
    const done = await describeExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    const { error } = JSON.parse(done.output as string) as { error: { Error: string; Cause: string } };
    expect(error.Error).toBe('ValidationError');
    expect(JSON.parse(error.Cause)).toMatchObject({
      errorType: 'ValidationError',
      errorMessage: 'ligne sans quantité',
    });
  });

  it('times the whole execution out at the machine timeout', async () => {
    const arn = await start('bounded-1', {}, 'Bounded');
    const { fired } = await advance({ advanceDays: 2, advanceSeconds: 1 });
    expect(fired.filter((f) => f.executionArn === arn).map((f) => f.kind)).toEqual(['ExecutionTimeout']);
    expect(await describeExecution(arn)).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
  });
});
