import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import { invocationLogger, takeColdStart } from '../../adapters/logger';
import { beginRequest } from '../state';
import type { HttpEvent, HttpRequest, HttpResponse } from '../types';

/**
 * Gives the request its own logger: a child of `logger` carrying the Lambda context, the operation and the
 * correlation id (API Gateway's `requestContext.requestId`, which is also the `instance` of every problem). Nothing
 * is appended to `logger` itself, which the handlers of one process share: under concurrency each request's lines
 * keep its own operation and correlation id. The handler runs with it as `currentLogger()` (shared/http/handler.ts).
 * The child is built when the request first logs (`HttpState.useLogger`), with the keys it would have had at once.
 * `logger` may be given as the function that returns it (the process's root logger, `rootLogger`): it is then asked
 * for only then too, so that a process whose requests log nothing never builds it (~1 ms of a cold start when built
 * as the handler's module loads, docs/DESIGN.md#what-a-cold-start-pays).
 */
export function logging(logger: Logger | (() => Logger), operationId: string): MiddlewareObj<HttpEvent, HttpResponse> {
  return {
    name: 'logging',
    before: (request: HttpRequest) => {
      // First in the chain: every invocation starts from a fresh state, even with an event object seen before.
      const state = beginRequest(request);
      const keys = {
        operation: operationId,
        correlationId: state.requestId,
        ...(request.context?.awsRequestId ? { context: request.context, coldStart: takeColdStart() } : {}),
      };
      state.useLogger(() => invocationLogger(keys, typeof logger === 'function' ? logger() : logger));
    },
  };
}
