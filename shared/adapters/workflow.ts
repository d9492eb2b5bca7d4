import { environmentIdentity } from './aws-identity';
import { AwsJsonService, type AwsServiceError } from './aws-json';

/**
 * The dossier's Step Functions execution, seen from the application: start it (idempotent, named after the dossier)
 * and hand it back a human decision (the task token of the current wait). DynamoDB stays the source of truth: when
 * the execution is gone, these calls fail quietly and `resume` rebuilds it from the table.
 */
export interface WorkflowPort {
  /** Starts the dossier's execution; a second start with the same name is a no-op. */
  start(dossierId: string, executionName: string): Promise<'started' | 'already-running'>;
  /** Releases the wait the execution is in; false when the token is no longer valid. */
  release(taskToken: string, output: Record<string, unknown>): Promise<boolean>;
  /** Whether the named execution is running, has ended, or is unknown (lost with a local restart). */
  describe?(executionName: string): Promise<'RUNNING' | 'ENDED' | 'MISSING'>;
  /** Stops the named execution (a resume onto a new definition version); no-op when it is not running. */
  stop?(executionName: string, cause: string): Promise<void>;
  /** When the named execution started; undefined when it is unknown. */
  startedAt?(executionName: string): Promise<Date | undefined>;
}

export const DOSSIER_STATE_MACHINE = 'Dossier';

export function stateMachineArn(name: string = DOSSIER_STATE_MACHINE): string {
  const map = JSON.parse(process.env.STATE_MACHINES ?? '{}') as Record<string, string>;
  const arn = map[name];
  if (!arn) throw new Error(`state machine ${name} is not configured (STATE_MACHINES)`);
  return arn;
}

/** `arn:…:stateMachine:<machine>` → `arn:…:execution:<machine>:<name>` */
export function executionArn(executionName: string, machine: string = DOSSIER_STATE_MACHINE): string {
  return `${stateMachineArn(machine).replace(':stateMachine:', ':execution:')}:${executionName}`;
}

/**
 * Step Functions' API as signed JSON requests (aws-json.ts), without the SDK's client (~130 KB of the functions that
 * decide, with the part of `@smithy/core` it alone pulled in). One per endpoint: the embedded platform may be
 * restarted in the same process (tests, resume).
 */
let sfn: { endpoint: string | undefined; service: AwsJsonService } | undefined;
function call<T = Record<string, unknown>>(operation: string, input: Record<string, unknown>): Promise<T> {
  const endpoint = process.env.AWS_ENDPOINT_URL_SFN;
  if (!sfn || sfn.endpoint !== endpoint) {
    sfn = {
      endpoint,
      service: new AwsJsonService({
        signingName: 'states',
        targetPrefix: 'AWSStepFunctions',
        endpoint: (region) => new URL(endpoint ?? `https://states.${region}.amazonaws.com`),
        ...environmentIdentity(),
      }),
    };
  }
  return sfn.service.call(operation, JSON.stringify(input)).then(({ value }) => value as T);
}

/** The error code Step Functions answered, or undefined for anything else (a network error). */
const codeOf = (e: unknown): string | undefined => (e as AwsServiceError | undefined)?.name;

/** A timestamp of the JSON protocol: epoch seconds (with a fraction), or a date string. */
const dateOf = (v: unknown): Date | undefined =>
  typeof v === 'number' ? new Date(v * 1000) : typeof v === 'string' ? new Date(v) : undefined;

export const stepFunctionsWorkflow: WorkflowPort = {
  async start(dossierId, executionName) {
    try {
      await call('StartExecution', {
        stateMachineArn: stateMachineArn(),
        name: executionName,
        input: JSON.stringify({ dossierId }),
      });
      return 'started';
    } catch (e) {
      if (codeOf(e) === 'ExecutionAlreadyExists') return 'already-running';
      throw e;
    }
  },
  async release(taskToken, output) {
    try {
      await call('SendTaskSuccess', { taskToken, output: JSON.stringify(output) });
      return true;
    } catch (e) {
      const code = codeOf(e);
      if (code === 'TaskDoesNotExist' || code === 'TaskTimedOut' || code === 'InvalidToken') return false;
      throw e;
    }
  },
  async describe(executionName) {
    try {
      const out = await call<{ status?: string }>('DescribeExecution', { executionArn: executionArn(executionName) });
      return out.status === 'RUNNING' ? 'RUNNING' : 'ENDED';
    } catch (e) {
      if (codeOf(e) === 'ExecutionDoesNotExist') {
        return 'MISSING';
      }
      throw e;
    }
  },
  async startedAt(executionName) {
    try {
      const out = await call<{ startDate?: unknown }>('DescribeExecution', {
        executionArn: executionArn(executionName),
      });
      return dateOf(out.startDate);
    } catch (e) {
      if (codeOf(e) === 'ExecutionDoesNotExist') {
        return undefined;
      }
      throw e;
    }
  },
  async stop(executionName, cause) {
    try {
      await call('StopExecution', { executionArn: executionArn(executionName), error: 'Dossier.Reprise', cause });
    } catch (e) {
      if (codeOf(e) === 'ExecutionDoesNotExist') return;
      throw e;
    }
  },
};
