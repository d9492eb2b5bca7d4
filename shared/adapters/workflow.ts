import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';

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

/** One client per endpoint: the embedded platform may be restarted in the same process (tests, resume). */
let sfn: { endpoint: string | undefined; client: SFNClient } | undefined;
function client(): SFNClient {
  const endpoint = process.env.AWS_ENDPOINT_URL_SFN;
  if (!sfn || sfn.endpoint !== endpoint) {
    sfn?.client.destroy();
    sfn = { endpoint, client: new SFNClient({}) };
  }
  return sfn.client;
}

export const stepFunctionsWorkflow: WorkflowPort = {
  async start(dossierId, executionName) {
    try {
      await client().send(
        new StartExecutionCommand({
          stateMachineArn: stateMachineArn(),
          name: executionName,
          input: JSON.stringify({ dossierId }),
        }),
      );
      return 'started';
    } catch (e) {
      if (e instanceof ExecutionAlreadyExists) return 'already-running';
      throw e;
    }
  },
  async release(taskToken, output) {
    try {
      await client().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
      return true;
    } catch (e) {
      if (e instanceof TaskDoesNotExist || e instanceof TaskTimedOut) return false;
      if ((e as { name?: string }).name === 'InvalidToken') return false;
      throw e;
    }
  },
  async describe(executionName) {
    try {
      const out = await client().send(new DescribeExecutionCommand({ executionArn: executionArn(executionName) }));
      return out.status === 'RUNNING' ? 'RUNNING' : 'ENDED';
    } catch (e) {
      if (e instanceof ExecutionDoesNotExist || (e as { name?: string }).name === 'ExecutionDoesNotExist') {
        return 'MISSING';
      }
      throw e;
    }
  },
  async startedAt(executionName) {
    try {
      const out = await client().send(new DescribeExecutionCommand({ executionArn: executionArn(executionName) }));
      return out.startDate;
    } catch (e) {
      if (e instanceof ExecutionDoesNotExist || (e as { name?: string }).name === 'ExecutionDoesNotExist') {
        return undefined;
      }
      throw e;
    }
  },
  async stop(executionName, cause) {
    try {
      await client().send(
        new StopExecutionCommand({ executionArn: executionArn(executionName), error: 'Dossier.Reprise', cause }),
      );
    } catch (e) {
      if (e instanceof ExecutionDoesNotExist || (e as { name?: string }).name === 'ExecutionDoesNotExist') return;
      throw e;
    }
  },
};
