import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { readBody } from '../net';
import { type ExecutionStatus, type LocalStepFunctions, SfnApiError } from './engine';

type Body = Record<string, unknown>;

/** AWS JSON 1.0 timestamps are epoch seconds. */
function epoch(date: Date | undefined): number | undefined {
  return date ? date.getTime() / 1000 : undefined;
}

function page<T>(items: T[], body: Body, defaultMax = 100): { items: T[]; nextToken?: string } {
  const max = Math.min(Number(body.maxResults) || defaultMax, 1000);
  const start = body.nextToken ? Number.parseInt(String(body.nextToken), 10) || 0 : 0;
  const slice = items.slice(start, start + max);
  return { items: slice, nextToken: start + max < items.length ? String(start + max) : undefined };
}

function required(body: Body, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') {
    throw new SfnApiError('ValidationException', `1 validation error detected: '${field}' must not be null`);
  }
  return value;
}

/** The operations the application and the tests use, with the shapes of the Step Functions API. */
export function sfnOperations(sfn: LocalStepFunctions): Record<string, (body: Body) => unknown> {
  const describe = (arn: string) => {
    const d = sfn.describeExecution(arn);
    return {
      ...d,
      startDate: epoch(d.startDate),
      stopDate: epoch(d.stopDate),
      inputDetails: { included: true },
      ...(d.output !== undefined ? { outputDetails: { included: true } } : {}),
    };
  };
  return {
    StartExecution: (b) => {
      const r = sfn.startExecution({
        stateMachineArn: required(b, 'stateMachineArn'),
        name: b.name as string | undefined,
        input: b.input as string | undefined,
      });
      return { executionArn: r.executionArn, startDate: epoch(r.startDate) };
    },
    DescribeExecution: (b) => describe(required(b, 'executionArn')),
    StopExecution: (b) => {
      const r = sfn.stopExecution(required(b, 'executionArn'), b.error as string, b.cause as string);
      return { stopDate: epoch(r.stopDate) };
    },
    SendTaskSuccess: (b) => {
      sfn.sendTaskSuccess(required(b, 'taskToken'), required(b, 'output'));
      return {};
    },
    SendTaskFailure: (b) => {
      sfn.sendTaskFailure(required(b, 'taskToken'), b.error as string | undefined, b.cause as string | undefined);
      return {};
    },
    SendTaskHeartbeat: (b) => {
      sfn.sendTaskHeartbeat(required(b, 'taskToken'));
      return {};
    },
    GetExecutionHistory: (b) => {
      let events = sfn.getExecutionHistory(required(b, 'executionArn'));
      if (b.reverseOrder) events = events.reverse();
      const { items, nextToken } = page(events, b);
      const withData = b.includeExecutionData !== false;
      return {
        events: items.map((e) => {
          const copy: Record<string, unknown> = { ...e, timestamp: epoch(e.timestamp) };
          if (!withData) {
            for (const [k, v] of Object.entries(copy)) {
              if (k.endsWith('EventDetails') && v && typeof v === 'object') {
                const { input: _i, output: _o, parameters: _p, ...rest } = v as Record<string, unknown>;
                copy[k] = rest;
              }
            }
          }
          return copy;
        }),
        nextToken,
      };
    },
    ListExecutions: (b) => {
      const all = sfn.listExecutions(required(b, 'stateMachineArn'), b.statusFilter as ExecutionStatus | undefined);
      const { items, nextToken } = page(all, b);
      return {
        executions: items.map((d) => ({
          executionArn: d.executionArn,
          stateMachineArn: d.stateMachineArn,
          name: d.name,
          status: d.status,
          startDate: epoch(d.startDate),
          stopDate: epoch(d.stopDate),
        })),
        nextToken,
      };
    },
    ListStateMachines: (b) => {
      const { items, nextToken } = page(sfn.listStateMachines(), b);
      return { stateMachines: items.map((m) => ({ ...m, creationDate: epoch(m.creationDate) })), nextToken };
    },
    DescribeStateMachine: (b) => {
      const d = sfn.describeStateMachine(required(b, 'stateMachineArn'));
      return { ...d, creationDate: epoch(d.creationDate) };
    },
  };
}

/** An SFN-compatible endpoint (AWS JSON 1.0, `X-Amz-Target: AWSStepFunctions.<Operation>`) for `@aws-sdk/client-sfn`. */
export function createSfnServer(sfn: LocalStepFunctions): http.Server {
  const ops = sfnOperations(sfn);
  return http.createServer(async (req, res) => {
    const requestId = randomUUID();
    const reply = (status: number, body: unknown, errorType?: string) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': Buffer.byteLength(text),
        'x-amzn-requestid': requestId,
        ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      });
      res.end(text);
    };
    try {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : '';
      const op = ops[operation];
      if (req.method !== 'POST' || !op) {
        reply(
          400,
          { __type: 'UnknownOperationException', message: `Unknown operation ${target}` },
          'UnknownOperationException',
        );
        return;
      }
      const raw = (await readBody(req, 2 * 1024 * 1024)).toString('utf8');
      const body = (raw ? JSON.parse(raw) : {}) as Body;
      reply(200, op(body) ?? {});
    } catch (error) {
      if (error instanceof SfnApiError) {
        reply(400, { __type: error.code, message: error.message }, error.code);
      } else if (error instanceof SyntaxError) {
        reply(400, { __type: 'SerializationException', message: 'invalid JSON' }, 'SerializationException');
      } else {
        console.error('plateforme locale (Step Functions) :', error);
        reply(500, { __type: 'InternalFailure', message: String(error) }, 'InternalFailure');
      }
    }
  });
}
