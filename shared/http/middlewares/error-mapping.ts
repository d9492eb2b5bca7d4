import type { MiddlewareObj } from '@middy/core';
import { fallbackInternalResponse, mapError, problemResponse } from '../problem';
import { stateOf } from '../state';
import type { HttpEvent, HttpRequest, HttpResponse } from '../types';

/**
 * Turns any error into an RFC 9457 response. Registered innermost, so its `onError` runs first (middy runs
 * `onError` in reverse order) and the outer middlewares, idempotency among them, see a response, not an error.
 * Anticipated refusals (DomainError, HttpProblem) are logged at info; anything else is logged with its stack at
 * error and answered with a generic 500 that carries nothing of the original message. Never throws.
 */
export function errorMapping(): MiddlewareObj<HttpEvent, HttpResponse> {
  return {
    name: 'errorMapping',
    onError: (request: HttpRequest) => {
      if (request.response != null) return;
      try {
        const state = stateOf(request);
        const mapped = mapError(request.error, state.requestId);
        const { status, code } = mapped.problem;
        if (mapped.expected) state.logger.info('Requête refusée', { status, code });
        else state.logger.error('Erreur inattendue', { error: request.error as Error });
        request.response = problemResponse(mapped.problem, mapped.headers);
      } catch {
        request.response = fallbackInternalResponse();
      }
    },
  };
}
