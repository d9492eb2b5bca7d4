import type { ShiftableClock } from '../../shared/adapters/clock';
import type { LocalModel } from './cdk-model';
import type { LambdaRuntime } from './lambda-runtime';
import { listenPreferring } from './net';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalClients } from './platform-options';
import type { PlatformParts } from './platform-parts';
import { createSfnServer } from './sfn/api';
import { LocalStepFunctions } from './sfn/engine';
import type { VirtualTimers } from './timers';

/** The workflow runner: the stack's state machines on the local Step Functions, and its AWS JSON 1.0 endpoint. */

export interface WorkflowsStarted {
  /** State machine name → ARN (product machines and extension ones). */
  readonly stateMachineArns: Readonly<Record<string, string>>;
  readonly endpoint: string;
}

/** Registers every state machine of the model and opens the endpoint; the runner and server go into `parts`. */
export async function startWorkflows(
  parts: PlatformParts,
  options: {
    readonly model: LocalModel;
    readonly clock: ShiftableClock;
    readonly timers: VirtualTimers;
    readonly runtime: LambdaRuntime;
    readonly port: number;
  },
): Promise<WorkflowsStarted> {
  const { model } = options;
  const sfn = new LocalStepFunctions({
    clock: options.clock,
    timers: options.timers,
    runtime: options.runtime,
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    // The clients exist once DynamoDB Local answers, before any execution runs a DynamoDB task
    dynamodb: () => (parts.clients as LocalClients).dynamodb,
  });
  parts.sfn = sfn;
  await sfn.init();
  for (const m of model.stateMachines) {
    for (const warning of sfn.register(m).warnings) console.warn(`plateforme locale (${m.name}) : ${warning}`);
  }
  parts.sfnServer = createSfnServer(sfn);
  const port = await listenPreferring(parts.sfnServer, options.port, '127.0.0.1');
  parts.components.stepfunctions = 'ok';
  return {
    stateMachineArns: Object.fromEntries(model.stateMachines.map((m) => [m.name, m.arn])),
    endpoint: `http://127.0.0.1:${port}`,
  };
}
