import type { MiddlewareObj } from '@middy/core';
import { HTTP_CODES, HttpProblem } from '../errors';
import { stateOf } from '../state';
import type { HttpEvent, HttpRequest, HttpResponse } from '../types';

/** `application/json`, or any `application/*+json`, with optional parameters (charset). */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.!#$&^-]+\+)?json\s*(?:;.*)?$/i;

export function isJsonContentType(value: string | undefined): boolean {
  return typeof value === 'string' && JSON_MEDIA_TYPE.test(value.trim());
}

/**
 * JSON bodies only. Always records the decoded body text (idempotency hashes it); parses it when the operation
 * takes a body: another media type → 415, unparsable JSON → 400. An empty body is left undefined, for the
 * validation to report. Written here rather than taken from @middy/http-json-body-parser because that one answers
 * 415 to bad JSON too and replaces `event.body`.
 */
export function jsonBody(expectsBody: boolean): MiddlewareObj<HttpEvent, HttpResponse> {
  return {
    name: 'jsonBody',
    before: (request: HttpRequest) => {
      const state = stateOf(request);
      const { body, isBase64Encoded } = request.event ?? {};
      const text =
        typeof body === 'string'
          ? isBase64Encoded === true
            ? Buffer.from(body, 'base64').toString('utf8')
            : body
          : '';
      state.rawBody = text.length > 0 ? text : undefined;
      if (!expectsBody || state.rawBody === undefined) return;
      const contentType = state.headers['content-type'];
      if (!isJsonContentType(contentType)) {
        throw new HttpProblem(
          415,
          HTTP_CODES.TYPE_CONTENU_NON_SUPPORTE,
          `Type de contenu ${contentType === undefined ? 'absent' : `« ${contentType.slice(0, 100)} »`} : seul application/json est accepté.`,
        );
      }
      try {
        state.json = JSON.parse(state.rawBody);
      } catch {
        throw new HttpProblem(400, HTTP_CODES.JSON_INVALIDE, 'Le corps de la requête n’est pas un JSON valide.');
      }
    },
  };
}
