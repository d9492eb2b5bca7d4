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
 * Structural bounds of any JSON body, below every schema: a schema bounds the fields it knows (see the OpenAPI
 * document), these bound the rest (a loose object's extra keys, a nesting bomb) before anything walks the value.
 */
export const JSON_LIMITS = { depth: 16, arrayItems: 1000, objectKeys: 200, stringLength: 20_000 } as const;

/** The first place where `value` exceeds JSON_LIMITS, as a field path and a French message; undefined if none. */
export function jsonOutOfBounds(value: unknown, path = '', depth = 0): { path: string; message: string } | undefined {
  if (depth > JSON_LIMITS.depth) {
    return { path, message: `Imbrication trop profonde : au plus ${JSON_LIMITS.depth} niveaux.` };
  }
  if (typeof value === 'string') {
    return value.length > JSON_LIMITS.stringLength
      ? { path, message: `Au plus ${JSON_LIMITS.stringLength} caractères (${value.length} reçus).` }
      : undefined;
  }
  if (Array.isArray(value)) {
    if (value.length > JSON_LIMITS.arrayItems) {
      return { path, message: `Au plus ${JSON_LIMITS.arrayItems} éléments (${value.length} reçus).` };
    }
    for (let i = 0; i < value.length; i++) {
      const out = jsonOutOfBounds(value[i], `${path}[${i}]`, depth + 1);
      if (out) return out;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length > JSON_LIMITS.objectKeys) {
      return { path, message: `Au plus ${JSON_LIMITS.objectKeys} champs (${entries.length} reçus).` };
    }
    for (const [key, v] of entries) {
      const name = key.length > 40 ? `${key.slice(0, 40)}…` : key;
      const out = jsonOutOfBounds(v, path ? `${path}.${name}` : name, depth + 1);
      if (out) return out;
    }
  }
  return undefined;
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
      const outOfBounds = jsonOutOfBounds(state.json);
      if (outOfBounds) {
        state.json = undefined;
        throw new HttpProblem(
          422,
          HTTP_CODES.DONNEES_INVALIDES,
          'Un champ de la requête dépasse les limites : voir « fields ».',
          [outOfBounds],
        );
      }
    },
  };
}
