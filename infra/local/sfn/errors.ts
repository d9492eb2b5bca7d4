import { StateMachine } from 'aws-local-stepfunctions';
import { UnknownFunctionError } from '../lambda-runtime';

/** An error of the Step Functions API (`code` is the AWS error name the SDK raises). */
export class SfnApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** A failure the state machine cannot catch (AWS: States.Runtime), e.g. an unknown function. */
export class LocalRuntimeError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(message: string) {
    super(message);
    this.name = 'States.Runtime';
  }
}

/** A task failure as Step Functions reports it: Error = `name`, Cause = `message`. */
export class TaskFailure extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

export type TimeoutErrorClass = new () => Error;

/**
 * The library matches `States.TaskFailed` against everything but instances of its own (unexported) timeout
 * class. One throw-away run with the task's 1 s real timer shortened to 0 yields an instance, whose class the
 * adapter then uses, so that `States.TaskFailed` does not catch local timeouts either.
 */
export async function libraryTimeoutErrorClass(): Promise<TimeoutErrorClass> {
  const sm = new StateMachine(
    {
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: 'arn:aws:lambda:eu-west-3:000000000000:function:T', TimeoutSeconds: 1, End: true },
      },
    },
    { validationOptions: { noValidate: true } },
  );
  const realSetTimeout = globalThis.setTimeout;
  let result: Promise<unknown>;
  globalThis.setTimeout = ((fn: () => void, ms?: number) =>
    realSetTimeout(fn, ms === 1000 ? 0 : ms)) as unknown as typeof setTimeout;
  try {
    result = sm.run({}, { overrides: { taskResourceLocalHandlers: { T: () => new Promise(() => undefined) } } }).result;
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  try {
    await result;
  } catch (error) {
    const cause = (error as Error).cause;
    if (cause instanceof Error && cause.name === 'States.Timeout') return cause.constructor as TimeoutErrorClass;
  }
  return class extends Error {
    constructor() {
      super('States.Timeout');
      this.name = 'States.Timeout';
    }
  };
}

export function asTaskError(error: unknown): Error {
  if (error instanceof LocalRuntimeError || error instanceof TaskFailure) return error;
  if (error instanceof UnknownFunctionError) return new LocalRuntimeError(error.message);
  const e = error instanceof Error ? error : new Error(String(error));
  // Lambda reports a function error as errorType / errorMessage / trace; Step Functions' Cause is that JSON.
  const errorType = e.name || 'Error';
  return new TaskFailure(
    errorType,
    JSON.stringify({ errorType, errorMessage: e.message, trace: (e.stack ?? '').split('\n') }),
  );
}
