import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { HttpRoute } from '../../functions/registry';

/** The Lambda context handed to in-process handlers (the fields handlers and Powertools read). */
export interface LocalLambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
  done(): void;
  fail(): void;
  succeed(): void;
}

export type LocalLambdaHandler = (event: unknown, context: LocalLambdaContext) => unknown;

/** An HTTP route served by the local gateway only (tests, tools): same event and auth as registry routes. */
export interface LocalHttpRoute extends HttpRoute {
  readonly handler: LocalLambdaHandler;
}

/**
 * What a test (or a tool) adds around the product stack: built inside `extend(stack)` before anything is read
 * from it, so that extra state machines, functions and bucket notifications go through the same path as the
 * product's own.
 */
export interface PlatformExtension {
  /** Handlers for Lambda functions by logical ID (functions that are not registry entries, or to replace one). */
  readonly lambdaHandlers?: Readonly<Record<string, LocalLambdaHandler>>;
  /** Extra state machines, by name (their ARN is `arn:aws:states:<region>:<account>:stateMachine:<name>`). */
  readonly stateMachines?: Readonly<Record<string, sfn.StateMachine>>;
  /** Extra gateway routes. */
  readonly routes?: readonly LocalHttpRoute[];
}
