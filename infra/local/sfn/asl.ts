/**
 * Prepares an ASL definition for aws-local-stepfunctions so that every timer runs on the platform clock
 * (the library would wait in real time): Task TimeoutSeconds/TimeoutSecondsPath and HeartbeatSeconds/HeartbeatSecondsPath are
 * taken out and handed to the adapter; Wait states become Tasks the adapter completes when their instant passes;
 * the machine's own TimeoutSeconds is taken out too. The library keeps a harmless 24.8-day real-time race (its
 * default would be 60 s, and anything above 2^31-1 ms fires at once).
 *
 * Each Task's Parameters are wrapped as `{ __local: <spec id>, p: <original Parameters>, t.$: <TimeoutSecondsPath>,
 * … }`: the library resolves the paths against the state input and the adapter receives them with the payload.
 */
export const TASK_TOKEN_SENTINEL = '__LOCAL_SFN_TASK_TOKEN__';
/** The library forces `$$.Execution.StartTime` to the real time: definitions read this field instead. */
export const LOCAL_START_TIME_FIELD = 'LocalStartTime';
export const LOCAL_WAIT_RESOURCE = 'arn:aws:states:::local:wait';
const LIBRARY_TIMEOUT_SECONDS = 2_147_483;

export interface TaskSpec {
  readonly id: number;
  readonly stateName: string;
  readonly kind: 'task' | 'wait';
  readonly resource: string;
  readonly callback: boolean;
  readonly timeoutSeconds?: number;
  readonly timeoutPath?: string;
  readonly heartbeatSeconds?: number;
  readonly heartbeatPath?: string;
  /** Its Catch or Retry names States.HeartbeatTimeout (else a heartbeat timeout is raised as States.Timeout). */
  readonly namesHeartbeatTimeout: boolean;
  readonly waitSeconds?: number;
  readonly waitTimestamp?: string;
}

/** What the adapter receives as a wrapped Task's effective input. */
export interface LocalPayload {
  readonly __local: number;
  readonly p: unknown;
  readonly t?: unknown;
  readonly h?: unknown;
  readonly ws?: unknown;
  readonly wt?: unknown;
}

export interface PreparedDefinition {
  readonly definition: Record<string, unknown>;
  readonly specs: TaskSpec[];
  /** Names of the states the adapter handles (Tasks and former Waits), at any depth. */
  readonly handledStateNames: string[];
  readonly waitStateNames: ReadonlySet<string>;
  /** States with a Retry field (their retry intervals are not waited locally). */
  readonly retryStateNames: string[];
  /** The machine's TimeoutSeconds. */
  readonly timeoutSeconds?: number;
  readonly warnings: string[];
}

type State = Record<string, unknown>;

export function prepareDefinition(original: Record<string, unknown>): PreparedDefinition {
  let text = JSON.stringify(original);
  const warnings: string[] = [];
  if (/"QueryLanguage"\s*:\s*"JSONata"/.test(text)) {
    throw new Error(
      'JSONata n’est pas pris en charge par la plateforme locale (aws-local-stepfunctions l’ignore) : restez en JSONPath.',
    );
  }
  if (text.includes('$$.State.')) {
    warnings.push('$$.State.* n’existe pas localement : les états qui le lisent échoueront (States.Runtime).');
  }
  text = text.replace(/\$\$\.Execution\.StartTime\b/g, `$$$$.Execution.${LOCAL_START_TIME_FIELD}`);
  const definition = JSON.parse(text) as Record<string, unknown>;
  const specs: TaskSpec[] = [];
  const handled = new Set<string>();
  const waits = new Set<string>();
  const retries = new Set<string>();
  const timeoutSeconds = definition.TimeoutSeconds as number | undefined;
  delete definition.TimeoutSeconds;
  rewriteStates(definition.States as Record<string, State>, specs, handled, waits, retries);
  return {
    definition,
    specs,
    handledStateNames: [...handled],
    waitStateNames: waits,
    retryStateNames: [...retries],
    timeoutSeconds,
    warnings,
  };
}

function rewriteStates(
  states: Record<string, State>,
  specs: TaskSpec[],
  handled: Set<string>,
  waits: Set<string>,
  retries: Set<string>,
): void {
  for (const [name, state] of Object.entries(states)) {
    if (state.Retry) retries.add(name);
    switch (state.Type) {
      case 'Task':
        states[name] = rewriteTask(name, state, specs);
        handled.add(name);
        break;
      case 'Wait':
        states[name] = rewriteWait(name, state, specs);
        handled.add(name);
        waits.add(name);
        break;
      case 'Map': {
        const processor = (state.ItemProcessor ?? state.Iterator) as State | undefined;
        const mode = (processor?.ProcessorConfig as State | undefined)?.Mode;
        if (mode === 'DISTRIBUTED' || state.ItemReader || state.ResultWriter) {
          throw new Error(`Map distribué (${name}) non pris en charge par la plateforme locale.`);
        }
        if (processor) rewriteStates(processor.States as Record<string, State>, specs, handled, waits, retries);
        break;
      }
      case 'Parallel':
        for (const branch of state.Branches as State[]) {
          rewriteStates(branch.States as Record<string, State>, specs, handled, waits, retries);
        }
        break;
      default:
        break;
    }
  }
}

function names(state: State, error: string): boolean {
  const lists = [...((state.Catch as State[]) ?? []), ...((state.Retry as State[]) ?? [])];
  return lists.some((c) => (c.ErrorEquals as string[]).includes(error));
}

function rewriteTask(name: string, state: State, specs: TaskSpec[]): State {
  const {
    TimeoutSeconds,
    TimeoutSecondsPath,
    HeartbeatSeconds,
    HeartbeatSecondsPath,
    Parameters,
    Credentials: _credentials,
    ...rest
  } = state;
  const resource = String(state.Resource);
  const spec: TaskSpec = {
    id: specs.length,
    stateName: name,
    kind: 'task',
    resource,
    callback: resource.endsWith('.waitForTaskToken'),
    timeoutSeconds: TimeoutSeconds as number | undefined,
    timeoutPath: TimeoutSecondsPath as string | undefined,
    heartbeatSeconds: HeartbeatSeconds as number | undefined,
    heartbeatPath: HeartbeatSecondsPath as string | undefined,
    namesHeartbeatTimeout: names(state, 'States.HeartbeatTimeout'),
  };
  specs.push(spec);
  const wrapper: Record<string, unknown> = { __local: spec.id };
  if ('Parameters' in state) wrapper.p = Parameters;
  else wrapper['p.$'] = '$';
  if (spec.timeoutPath) wrapper['t.$'] = spec.timeoutPath;
  if (spec.heartbeatPath) wrapper['h.$'] = spec.heartbeatPath;
  return { ...rest, Parameters: wrapper, TimeoutSeconds: LIBRARY_TIMEOUT_SECONDS };
}

function rewriteWait(name: string, state: State, specs: TaskSpec[]): State {
  const { Seconds, SecondsPath, Timestamp, TimestampPath, Type: _type, ...rest } = state;
  const spec: TaskSpec = {
    id: specs.length,
    stateName: name,
    kind: 'wait',
    resource: LOCAL_WAIT_RESOURCE,
    callback: false,
    namesHeartbeatTimeout: false,
    waitSeconds: Seconds as number | undefined,
    waitTimestamp: Timestamp as string | undefined,
  };
  specs.push(spec);
  const wrapper: Record<string, unknown> = { __local: spec.id, 'p.$': '$' };
  if (SecondsPath) wrapper['ws.$'] = SecondsPath;
  if (TimestampPath) wrapper['wt.$'] = TimestampPath;
  // A Wait passes its (InputPath-filtered) input through; as a Task, the result replaces it (ResultPath $).
  return {
    ...rest,
    Type: 'Task',
    Resource: LOCAL_WAIT_RESOURCE,
    Parameters: wrapper,
    TimeoutSeconds: LIBRARY_TIMEOUT_SECONDS,
  };
}
