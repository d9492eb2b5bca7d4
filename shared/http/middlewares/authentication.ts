import type { MiddlewareObj } from '@middy/core';
import { HTTP_CODES, HttpProblem } from '../errors';
import { stateOf } from '../state';
import type { AuthMode, HttpEvent, HttpRequest, HttpResponse } from '../types';

/**
 * API Gateway's JWT authorizer has already checked the token on `user` routes; this refuses a request that reaches
 * the function without a subject anyway (misconfigured route, local gateway without a token), with a 401.
 */
export function authentication(auth: AuthMode): MiddlewareObj<HttpEvent, HttpResponse> {
  return {
    name: 'authentication',
    before: (request: HttpRequest) => {
      if (auth === 'public') return;
      if (stateOf(request).identity === null) {
        throw new HttpProblem(
          401,
          HTTP_CODES.AUTHENTIFICATION_REQUISE,
          'Authentification requise : envoyez un jeton d’accès valide (en-tête Authorization: Bearer …).',
          [],
          { 'WWW-Authenticate': 'Bearer' },
        );
      }
    },
  };
}
