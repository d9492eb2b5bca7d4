import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface ProbeProps {
  /** Receives `{ taskToken, probeId }` and records it; the token is sent back with SendTaskSuccess/Failure. */
  readonly recordFn: lambda.IFunction;
}

/**
 * A one-step human wait, to check a platform end to end (JSONPath only): the callback task waits for its token
 * until `$.timeoutSeconds` have passed. Input `{ probeId, timeoutSeconds }`; output adds `outcome`
 * (`COMPLETED` with `decision` = the SendTaskSuccess output, or `DEADLINE_PASSED` with `error`).
 */
export function buildProbeDefinition(scope: Construct, props: ProbeProps): sfn.IChainable {
  const waitForAnswer = new tasks.LambdaInvoke(scope, 'WaitForAnswer', {
    lambdaFunction: props.recordFn,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({
      taskToken: sfn.JsonPath.taskToken,
      probeId: sfn.JsonPath.stringAt('$.probeId'),
    }),
    taskTimeout: sfn.Timeout.at('$.timeoutSeconds'),
    resultPath: '$.decision',
  });
  const completed = new sfn.Pass(scope, 'Completed', {
    result: sfn.Result.fromString('COMPLETED'),
    resultPath: '$.outcome',
  });
  const deadlinePassed = new sfn.Pass(scope, 'DeadlinePassed', {
    result: sfn.Result.fromString('DEADLINE_PASSED'),
    resultPath: '$.outcome',
  });
  waitForAnswer.addCatch(deadlinePassed, { errors: [sfn.Errors.TIMEOUT], resultPath: '$.error' });
  return waitForAnswer.next(completed);
}

/** The probe as a STANDARD state machine of its own (logged and traced, as the product's machines). */
export function buildProbeStateMachine(scope: Construct, id: string, props: ProbeProps): sfn.StateMachine {
  const states = new Construct(scope, `${id}States`);
  return new sfn.StateMachine(scope, id, {
    stateMachineType: sfn.StateMachineType.STANDARD,
    definitionBody: sfn.DefinitionBody.fromChainable(buildProbeDefinition(states, props)),
    tracingEnabled: true,
    logs: {
      destination: new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_WEEK }),
      level: sfn.LogLevel.ALL,
      includeExecutionData: false,
    },
  });
}
