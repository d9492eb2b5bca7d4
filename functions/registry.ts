/**
 * Every Lambda function of the product, once. The CDK stack builds one NodejsFunction per entry; the embedded
 * platform imports the same entry file and calls the same export in-process. Keys are stable identifiers.
 *
 * - `http` functions are reached through the HTTP API (`routes`); `public` routes skip the authorizer.
 * - `task` functions are Step Functions tasks.
 * - `s3` functions receive the bucket's ObjectCreated notifications.
 * - `schedule` functions are run by EventBridge Scheduler on their `schedule` (on AWS only).
 * - `queue` functions read an SQS queue that a construct wires to them (on AWS only).
 * - `token` functions are the Cognito user pool's token hook, wired by the Api construct (on AWS only).
 * - `authorizer` functions are the HTTP API's Lambda authorizer with the user pool, wired by the Api construct.
 * - `worker` functions are invoked only by another function of the product, the one whose `access.invokes` names
 *   them (the only grant of lambda:InvokeFunction on them): they hold what would make that function's bundle heavy
 *   and trust it to have authorized the caller (the evidence pack's worker, docs/evidence-pack.md).
 */
import { API_LAMBDAS } from './api/lambdas';
import { AUTH_LAMBDAS } from './auth/lambdas';
import { DOCUMENT_LAMBDAS } from './documents/lambdas';
import { DOSSIER_LAMBDAS } from './dossiers/lambdas';
import { handler as healthHandler } from './http/health';
import { httpRoutes, type LambdaDefinition } from './lambda-definition';
import { NOTIFICATION_LAMBDAS } from './notifications/lambdas';
import { RATE_LAMBDAS } from './rates/lambdas';
import { RESUME_LAMBDAS, WORKFLOW_LAMBDAS } from './workflow/lambdas';

export type { HttpRoute, LambdaDefinition, LambdaKind } from './lambda-definition';
export { invokedFunctionEnv } from './lambda-definition';

const CORE = {
  health: {
    entry: 'functions/http/health.ts',
    kind: 'http',
    description: 'GET /health: liveness of the API and its table',
    routes: httpRoutes(healthHandler),
    access: { table: 'read' },
  },
} as const satisfies Record<string, LambdaDefinition>;

/**
 * Each concern lists its functions in its own fragment (functions/<concern>/lambdas.ts); this is the union.
 * Keys must be unique across fragments (checked by test/infra).
 */
export const LAMBDAS = {
  ...CORE,
  ...WORKFLOW_LAMBDAS,
  ...RESUME_LAMBDAS,
  ...DOCUMENT_LAMBDAS,
  ...API_LAMBDAS,
  ...DOSSIER_LAMBDAS,
  ...RATE_LAMBDAS,
  ...NOTIFICATION_LAMBDAS,
  ...AUTH_LAMBDAS,
} as const satisfies Record<string, LambdaDefinition>;

export type LambdaKey = keyof typeof LAMBDAS;
