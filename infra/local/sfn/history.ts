/** AWS-shaped execution history (GetExecutionHistory), built from the library's events and the adapter's. */
export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: Date;
  readonly type: string;
  readonly [details: string]: unknown;
}

export class History {
  readonly events: HistoryEvent[] = [];

  add(timestamp: Date, type: string, details: Record<string, unknown> = {}): void {
    const id = this.events.length + 1;
    this.events.push({ id, previousEventId: id - 1, timestamp, type, ...details });
  }
}

const STATE_EVENT_PREFIX: Record<string, string> = {
  Task: 'Task',
  Pass: 'Pass',
  Choice: 'Choice',
  Wait: 'Wait',
  Succeed: 'Succeed',
  Fail: 'Fail',
  Map: 'Map',
  Parallel: 'Parallel',
};

/** Library event (aws-local-stepfunctions `EventLog`) → AWS history event type and details, or nothing. */
export function fromLibraryEvent(
  event: { type: string; state?: { name: string; type: string; input?: unknown; output?: unknown }; index?: number },
  stateTypeOf: (name: string, libraryType: string) => string,
): { type: string; details: Record<string, unknown> } | undefined {
  const json = (v: unknown) => JSON.stringify(v ?? null);
  switch (event.type) {
    case 'StateEntered': {
      const state = event.state as { name: string; type: string; input?: unknown };
      const prefix = STATE_EVENT_PREFIX[stateTypeOf(state.name, state.type)] ?? state.type;
      return {
        type: `${prefix}StateEntered`,
        details: { stateEnteredEventDetails: { name: state.name, input: json(state.input) } },
      };
    }
    case 'StateExited': {
      const state = event.state as { name: string; type: string; output?: unknown };
      const prefix = STATE_EVENT_PREFIX[stateTypeOf(state.name, state.type)] ?? state.type;
      return {
        type: `${prefix}StateExited`,
        details: { stateExitedEventDetails: { name: state.name, output: json(state.output) } },
      };
    }
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed': {
      const parent = (event as { parentState?: { name: string } }).parentState;
      const key = `${event.type.charAt(0).toLowerCase()}${event.type.slice(1)}EventDetails`;
      return { type: event.type, details: { [key]: { name: parent?.name, index: event.index } } };
    }
    default:
      // Execution start/end are recorded by the adapter (it knows error, cause and status); retries, catches and
      // parallel branches have no event of their own in AWS.
      return undefined;
  }
}
