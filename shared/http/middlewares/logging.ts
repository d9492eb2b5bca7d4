import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import { beginRequest } from '../state';
import type { HttpEvent, HttpRequest, HttpResponse } from '../types';

/**
 * Powertools `injectLambdaContext` (Lambda context in every log line, keys reset after the request) plus the
 * correlation id: API Gateway's `requestContext.requestId`, which is also the `instance` of every problem. Set
 * directly rather than through `correlationIdPath`, which needs the JMESPath package we do not install.
 */
export function logging(logger: Logger, operationId: string): MiddlewareObj<HttpEvent, HttpResponse> {
  const inject = injectLambdaContext(logger, { resetKeys: true });
  return {
    name: 'logging',
    before: (request: HttpRequest) => {
      // First in the chain: every invocation starts from a fresh state, even with an event object seen before.
      const state = beginRequest(request);
      state.logger = logger;
      // A replayed response returns early and skips `after`: start every request from clean keys.
      logger.resetKeys();
      inject.before?.(request);
      logger.setCorrelationId(state.requestId);
      logger.appendKeys({ operationId });
    },
    after: (request: HttpRequest) => inject.after?.(request),
    onError: (request: HttpRequest) => inject.onError?.(request),
  };
}
