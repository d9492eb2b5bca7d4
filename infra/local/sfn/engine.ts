import { randomBytes } from 'node:crypto';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ExecutionAbortedError, ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import type { ShiftableClock } from '../../../shared/adapters/clock';
import type { StateMachineModel } from '../cdk-model';
import type { LambdaRuntime } from '../lambda-runtime';
import type { TimerHandle, VirtualTimers } from '../timers';
import {
  LOCAL_START_TIME_FIELD,
  type LocalPayload,
  type PreparedDefinition,
  prepareDefinition,
  TASK_TOKEN_SENTINEL,
  type TaskSpec,
} from './asl';
import {
  asTaskError,
  LocalRuntimeError,
  libraryTimeoutErrorClass,
  SfnApiError,
  TaskFailure,
  type TimeoutErrorClass,
} from './errors';
import { fromLibraryEvent, History, type HistoryEvent } from './history';
import { invokeTaskResource } from './resources';

export { SfnApiError };

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

interface Machine {
  readonly name: string;
  readonly arn: string;
  readonly definitionText: string;
  readonly prepared: PreparedDefinition;
  readonly runner: StateMachine;
  readonly createdAt: Date;
}

interface PendingTask {
  readonly token: string;
  readonly execution: Execution;
  readonly stateName: string;
  readonly payload: unknown;
  readonly succeed: (output: unknown) => void;
  readonly fail: (error: Error, kind?: 'failed' | 'aborted') => void;
  readonly heartbeat: () => void;
}

interface Execution {
  readonly executionArn: string;
  readonly machine: Machine;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  readonly history: History;
  readonly tasks: Set<PendingTask>;
  readonly waits: Set<{ timer: TimerHandle; abort: () => void }>;
  abortRun?: () => void;
  executionTimer?: TimerHandle;
  readonly done: Promise<void>;
  resolveDone: () => void;
}

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
}

export interface PendingTaskInfo {
  readonly token: string;
  readonly executionArn: string;
  readonly stateName: string;
  /** What the task's resource received (with the token in place of `$$.Task.Token`). */
  readonly payload: unknown;
}

export interface LocalStepFunctionsOptions {
  readonly clock: ShiftableClock;
  readonly timers: VirtualTimers;
  readonly runtime: LambdaRuntime;
  readonly region: string;
  readonly account: string;
  readonly dynamodb?: () => DynamoDBClient;
}

const DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999; // AWS's default, where the ASL spec (and the library) says 60
const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

/** Execution names: 1 to 80 characters, none of the forbidden ones, no control character. */
function validName(name: string): boolean {
  if (name.length < 1 || name.length > 80 || NAME_FORBIDDEN.test(name)) return false;
  return [...name].every((c) => {
    const code = c.codePointAt(0) as number;
    return code > 0x1f && (code < 0x7f || code > 0x9f);
  });
}

/**
 * Step Functions on one machine: aws-local-stepfunctions runs the states; this adapter adds what it lacks
 * (infra/local/README.md, « Local differences »): task tokens and `.waitForTaskToken`, heartbeats, timers on the platform clock,
 * Lambda tasks run in-process, idempotent named executions, and an AWS-shaped history.
 */
export class LocalStepFunctions {
  private readonly machinesByArn = new Map<string, Machine>();
  private readonly executions = new Map<string, Execution>();
  private readonly tasks = new Map<string, PendingTask>();
  private readonly spentTokens = new Set<string>();
  private timeoutErrorClass: TimeoutErrorClass | undefined;

  constructor(private readonly options: LocalStepFunctionsOptions) {}

  async init(): Promise<void> {
    this.timeoutErrorClass ??= await libraryTimeoutErrorClass();
  }

  register(model: StateMachineModel): { warnings: string[] } {
    const prepared = prepareDefinition(model.definition);
    const runner = new StateMachine(prepared.definition as never, { validationOptions: { noValidate: true } });
    this.machinesByArn.set(model.arn, {
      name: model.name,
      arn: model.arn,
      definitionText: JSON.stringify(model.definition),
      prepared,
      runner,
      createdAt: this.options.clock.now(),
    });
    return { warnings: prepared.warnings };
  }

  listStateMachines(): { name: string; stateMachineArn: string; type: 'STANDARD'; creationDate: Date }[] {
    return [...this.machinesByArn.values()].map((m) => ({
      name: m.name,
      stateMachineArn: m.arn,
      type: 'STANDARD',
      creationDate: m.createdAt,
    }));
  }

  describeStateMachine(arn: string) {
    const m = this.machine(arn);
    return {
      stateMachineArn: m.arn,
      name: m.name,
      status: 'ACTIVE',
      definition: m.definitionText,
      roleArn: `arn:aws:iam::${this.options.account}:role/local`,
      type: 'STANDARD',
      creationDate: m.createdAt,
    };
  }

  /** AWS semantics: same name and same input as a RUNNING execution → that execution; otherwise the name is taken. */
  startExecution(req: { stateMachineArn: string; name?: string; input?: string }): {
    executionArn: string;
    startDate: Date;
  } {
    const machine = this.machine(req.stateMachineArn);
    const name = req.name ?? crypto.randomUUID();
    if (!validName(name)) throw new SfnApiError('InvalidName', `Invalid Name: '${name}'`);
    const inputText = req.input ?? '{}';
    let input: unknown;
    try {
      input = JSON.parse(inputText);
    } catch {
      throw new SfnApiError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
    }
    const { region, account } = this.options;
    const executionArn = `arn:aws:states:${region}:${account}:execution:${machine.name}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === inputText) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
    const startDate = this.options.clock.now();
    const execution: Execution = {
      executionArn,
      machine,
      name,
      input: inputText,
      startDate,
      status: 'RUNNING',
      history: new History(),
      tasks: new Set(),
      waits: new Set(),
      done,
      resolveDone,
    };
    this.executions.set(executionArn, execution);
    execution.history.add(startDate, 'ExecutionStarted', {
      executionStartedEventDetails: {
        input: inputText,
        inputDetails: { truncated: false },
        roleArn: `arn:aws:iam::${account}:role/local`,
      },
    });
    if (machine.prepared.timeoutSeconds !== undefined) {
      execution.executionTimer = this.options.timers.schedule(
        {
          kind: 'ExecutionTimeout',
          dueAt: new Date(startDate.getTime() + machine.prepared.timeoutSeconds * 1000),
          executionArn,
        },
        () => this.close(execution, 'TIMED_OUT', { error: 'States.Timeout', cause: 'Execution timed out' }),
      );
    }
    this.run(execution, input);
    return { executionArn, startDate };
  }

  describeExecution(executionArn: string): ExecutionDescription {
    const e = this.execution(executionArn);
    return {
      executionArn: e.executionArn,
      stateMachineArn: e.machine.arn,
      name: e.name,
      status: e.status,
      startDate: e.startDate,
      stopDate: e.stopDate,
      input: e.input,
      output: e.output,
      error: e.error,
      cause: e.cause,
    };
  }

  /** Resolves when the execution has left RUNNING. */
  whenClosed(executionArn: string): Promise<ExecutionDescription> {
    const e = this.execution(executionArn);
    return e.done.then(() => this.describeExecution(executionArn));
  }

  stopExecution(executionArn: string, error?: string, cause?: string): { stopDate: Date } {
    const e = this.execution(executionArn);
    if (e.status === 'RUNNING') this.close(e, 'ABORTED', { error, cause });
    return { stopDate: e.stopDate ?? this.options.clock.now() };
  }

  listExecutions(stateMachineArn: string, statusFilter?: ExecutionStatus): ExecutionDescription[] {
    this.machine(stateMachineArn);
    return [...this.executions.values()]
      .filter((e) => e.machine.arn === stateMachineArn && (!statusFilter || e.status === statusFilter))
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
      .map((e) => this.describeExecution(e.executionArn));
  }

  getExecutionHistory(executionArn: string): HistoryEvent[] {
    return [...this.execution(executionArn).history.events];
  }

  pendingTasks(): PendingTaskInfo[] {
    return [...this.tasks.values()].map((t) => ({
      token: t.token,
      executionArn: t.execution.executionArn,
      stateName: t.stateName,
      payload: t.payload,
    }));
  }

  sendTaskSuccess(token: string, output: string): void {
    const task = this.task(token);
    let value: unknown;
    try {
      value = JSON.parse(output);
    } catch {
      throw new SfnApiError('InvalidOutput', 'Invalid Output: not valid JSON');
    }
    task.succeed(value);
  }

  sendTaskFailure(token: string, error?: string, cause?: string): void {
    this.task(token).fail(new TaskFailure(error ?? '', cause ?? ''));
  }

  sendTaskHeartbeat(token: string): void {
    this.task(token).heartbeat();
  }

  /** Aborts every running execution (platform shutdown). */
  stop(): void {
    for (const e of this.executions.values()) {
      if (e.status === 'RUNNING') this.close(e, 'ABORTED', { error: 'Local.Shutdown', cause: 'plateforme arrêtée' });
    }
  }

  private machine(arn: string): Machine {
    const m = this.machinesByArn.get(arn);
    if (!m) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return m;
  }

  private execution(arn: string): Execution {
    const e = this.executions.get(arn);
    if (!e) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return e;
  }

  private task(token: string): PendingTask {
    const t = this.tasks.get(token);
    if (t) return t;
    if (this.spentTokens.has(token)) {
      throw new SfnApiError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    }
    throw new SfnApiError('InvalidToken', "Invalid Token: 'Invalid token'");
  }

  private run(execution: Execution, input: unknown): void {
    const { machine } = execution;
    const dispatch = (payload: unknown) => this.dispatch(execution, payload as LocalPayload);
    const handlers = Object.fromEntries(machine.prepared.handledStateNames.map((n) => [n, dispatch]));
    // Retry intervals are not waited locally (they would be real time): a retried state runs again at once.
    const retryIntervalOverrides = Object.fromEntries(machine.prepared.retryStateNames.map((n) => [n, 0]));
    const run = machine.runner.run(input as never, {
      overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides },
      context: {
        Execution: {
          Id: execution.executionArn,
          Name: execution.name,
          RoleArn: `arn:aws:iam::${this.options.account}:role/local`,
          RedriveCount: 0,
          [LOCAL_START_TIME_FIELD]: execution.startDate.toISOString(),
        },
        StateMachine: { Id: machine.arn, Name: machine.name },
        Task: { Token: TASK_TOKEN_SENTINEL },
      },
    });
    execution.abortRun = run.abort;
    void this.recordLibraryEvents(execution, run.eventLogs);
    run.result.then(
      async (output) => {
        await nextMacrotask();
        this.close(execution, 'SUCCEEDED', { output: JSON.stringify(output ?? null) });
      },
      async (error: unknown) => {
        await nextMacrotask();
        if (error instanceof ExecutionAbortedError) return;
        const cause = error instanceof ExecutionError ? (error.cause as Error | undefined) : (error as Error);
        this.close(execution, 'FAILED', {
          error: cause?.name ?? 'States.Runtime',
          cause: typeof cause?.message === 'string' ? cause.message : String(cause),
        });
      },
    );
  }

  private async recordLibraryEvents(execution: Execution, events: AsyncGenerator<unknown>): Promise<void> {
    const offset = () => this.options.clock.now().getTime() - Date.now();
    const stateType = (name: string, libraryType: string) =>
      libraryType === 'Task' && execution.machine.prepared.waitStateNames.has(name) ? 'Wait' : libraryType;
    for await (const event of events) {
      const mapped = fromLibraryEvent(event as never, stateType);
      if (mapped && execution.status === 'RUNNING') {
        const at = new Date((event as { timestamp: number }).timestamp + offset());
        execution.history.add(at, mapped.type, mapped.details);
      }
    }
  }

  private close(
    execution: Execution,
    status: Exclude<ExecutionStatus, 'RUNNING'>,
    result: { output?: string; error?: string; cause?: string },
  ): void {
    if (execution.status !== 'RUNNING') return;
    const now = this.options.clock.now();
    execution.status = status;
    execution.stopDate = now;
    execution.output = result.output;
    execution.error = result.error;
    execution.cause = result.cause;
    execution.executionTimer?.cancel();
    if (status === 'ABORTED' || status === 'TIMED_OUT') {
      execution.abortRun?.();
      for (const task of [...execution.tasks]) task.fail(new LocalRuntimeError('execution closed'), 'aborted');
      for (const wait of [...execution.waits]) wait.abort();
    }
    const details =
      status === 'SUCCEEDED'
        ? { executionSucceededEventDetails: { output: result.output, outputDetails: { truncated: false } } }
        : status === 'FAILED'
          ? { executionFailedEventDetails: { error: result.error, cause: result.cause } }
          : status === 'ABORTED'
            ? { executionAbortedEventDetails: { error: result.error, cause: result.cause } }
            : { executionTimedOutEventDetails: { error: result.error, cause: result.cause } };
    const type = {
      SUCCEEDED: 'ExecutionSucceeded',
      FAILED: 'ExecutionFailed',
      ABORTED: 'ExecutionAborted',
      TIMED_OUT: 'ExecutionTimedOut',
    }[status];
    execution.history.add(now, type, details);
    execution.resolveDone();
  }

  private async dispatch(execution: Execution, payload: LocalPayload): Promise<unknown> {
    const spec = execution.machine.prepared.specs[payload.__local];
    if (!spec) throw new LocalRuntimeError('état local inconnu');
    // Let the library's StateEntered event be recorded before this state's own events.
    await nextMacrotask();
    if (execution.status !== 'RUNNING') throw new LocalRuntimeError('execution closed');
    return spec.kind === 'wait' ? this.wait(execution, spec, payload) : this.runTask(execution, spec, payload);
  }

  private wait(execution: Execution, spec: TaskSpec, payload: LocalPayload): Promise<unknown> {
    const now = this.options.clock.now().getTime();
    let due: number;
    if (spec.waitSeconds !== undefined) due = now + spec.waitSeconds * 1000;
    else if (spec.waitTimestamp !== undefined) due = Date.parse(spec.waitTimestamp);
    else if (payload.ws !== undefined) {
      if (!Number.isInteger(payload.ws) || (payload.ws as number) < 0) {
        throw new LocalRuntimeError(`SecondsPath de ${spec.stateName} : entier positif attendu`);
      }
      due = now + (payload.ws as number) * 1000;
    } else if (typeof payload.wt === 'string' && !Number.isNaN(Date.parse(payload.wt))) due = Date.parse(payload.wt);
    else throw new LocalRuntimeError(`TimestampPath de ${spec.stateName} : horodatage RFC 3339 attendu`);
    return new Promise((resolve, reject) => {
      const entry = {
        timer: this.options.timers.schedule(
          { kind: 'Wait', dueAt: new Date(due), executionArn: execution.executionArn, stateName: spec.stateName },
          () => {
            execution.waits.delete(entry);
            resolve(payload.p);
          },
        ),
        abort: () => {
          entry.timer.cancel();
          execution.waits.delete(entry);
          reject(new LocalRuntimeError('execution closed'));
        },
      };
      execution.waits.add(entry);
    });
  }

  private seconds(value: unknown, what: string, spec: TaskSpec): number {
    if (!Number.isInteger(value) || (value as number) < 1) {
      throw new LocalRuntimeError(`${what} de ${spec.stateName} : entier strictement positif attendu`);
    }
    return value as number;
  }

  private runTask(execution: Execution, spec: TaskSpec, payload: LocalPayload): Promise<unknown> {
    const timeoutSeconds =
      spec.timeoutSeconds ??
      (spec.timeoutPath ? this.seconds(payload.t, 'TimeoutSecondsPath', spec) : DEFAULT_TASK_TIMEOUT_SECONDS);
    const heartbeatSeconds =
      spec.heartbeatSeconds ?? (spec.heartbeatPath ? this.seconds(payload.h, 'HeartbeatSecondsPath', spec) : undefined);
    const { timers, clock } = this.options;
    const started = clock.now().getTime();
    const token = spec.callback ? randomBytes(48).toString('base64') : undefined;
    const params = token ? replaceDeep(payload.p, TASK_TOKEN_SENTINEL, token) : payload.p;
    const [resourceType, resource] = describeResource(spec.resource);
    const history = execution.history;
    const TimeoutError = this.timeoutErrorClass as TimeoutErrorClass;
    const isLambdaArn = resourceType === 'lambda' && resource.startsWith('arn:');
    const ev = (suffix: string) => (isLambdaArn ? `LambdaFunction${suffix}` : `Task${suffix}`);
    const base = isLambdaArn ? {} : { resourceType, resource };

    history.add(clock.now(), ev('Scheduled'), {
      [isLambdaArn ? 'lambdaFunctionScheduledEventDetails' : 'taskScheduledEventDetails']: {
        ...base,
        ...(isLambdaArn ? { resource } : { region: this.options.region }),
        parameters: JSON.stringify(params ?? null),
        input: JSON.stringify(params ?? null),
        timeoutInSeconds: timeoutSeconds,
        ...(heartbeatSeconds ? { heartbeatInSeconds: heartbeatSeconds } : {}),
      },
    });

    return new Promise((resolve, reject) => {
      let settled = false;
      let heartbeatTimer: TimerHandle | undefined;
      let pending: PendingTask | undefined;
      const cleanup = () => {
        settled = true;
        timeoutTimer.cancel();
        heartbeatTimer?.cancel();
        if (pending) {
          this.tasks.delete(pending.token);
          this.spentTokens.add(pending.token);
          execution.tasks.delete(pending);
        }
      };
      const succeed = (output: unknown) => {
        if (settled) return;
        cleanup();
        history.add(clock.now(), ev('Succeeded'), {
          [isLambdaArn ? 'lambdaFunctionSucceededEventDetails' : 'taskSucceededEventDetails']: {
            ...base,
            output: JSON.stringify(output ?? null),
          },
        });
        resolve(output);
      };
      const fail = (error: Error, kind: 'failed' | 'timedOut' | 'aborted' = 'failed') => {
        if (settled) return;
        cleanup();
        if (kind !== 'aborted') {
          const suffix = kind === 'timedOut' ? 'TimedOut' : 'Failed';
          const detailsKey = `${isLambdaArn ? 'lambdaFunction' : 'task'}${suffix}EventDetails`;
          history.add(clock.now(), ev(suffix), {
            [detailsKey]: { ...base, error: error.name, cause: error.message },
          });
        }
        reject(error);
      };
      const timeoutError = (name: string, cause: string) => {
        const error = new TimeoutError();
        error.name = name;
        error.message = cause;
        return error;
      };
      const timeoutTimer = timers.schedule(
        {
          kind: 'TaskTimeout',
          dueAt: new Date(started + timeoutSeconds * 1000),
          executionArn: execution.executionArn,
          stateName: spec.stateName,
        },
        () => fail(timeoutError('States.Timeout', 'Task timed out'), 'timedOut'),
      );
      const armHeartbeat = () => {
        if (!heartbeatSeconds || settled) return;
        heartbeatTimer?.cancel();
        heartbeatTimer = timers.schedule(
          {
            kind: 'HeartbeatTimeout',
            dueAt: new Date(clock.now().getTime() + heartbeatSeconds * 1000),
            executionArn: execution.executionArn,
            stateName: spec.stateName,
          },
          () =>
            fail(
              timeoutError(
                spec.namesHeartbeatTimeout ? 'States.HeartbeatTimeout' : 'States.Timeout',
                'Heartbeat timeout',
              ),
              'timedOut',
            ),
        );
      };
      armHeartbeat();

      if (token) {
        pending = {
          token,
          execution,
          stateName: spec.stateName,
          payload: params,
          succeed,
          fail: (error, kind) => fail(error, kind),
          heartbeat: armHeartbeat,
        };
        this.tasks.set(token, pending);
        execution.tasks.add(pending);
        // The resource only delivers the token; its own failure fails the task, its result is ignored.
        invokeTaskResource(spec.resource, params, this.options).then(
          () => undefined,
          (error: unknown) => fail(asTaskError(error)),
        );
      } else {
        invokeTaskResource(spec.resource, params, this.options).then(succeed, (error: unknown) =>
          fail(asTaskError(error)),
        );
      }
    });
  }
}

function describeResource(resource: string): [string, string] {
  const m = /^arn:aws:states:::([^:]+):(.+)$/.exec(resource);
  if (m) return [m[1] as string, m[2] as string];
  if (resource.startsWith('arn:aws:lambda:')) return ['lambda', resource];
  return ['local', resource];
}

function replaceDeep(value: unknown, from: string, to: string): unknown {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, from, to));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceDeep(v, from, to)]));
  }
  return value;
}
