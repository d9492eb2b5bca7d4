import type { MiddlewareObj } from '@middy/core';
import { HTTP_CODES, HttpProblem } from '../errors';
import { stateOf } from '../state';
import type { HttpEvent, HttpRequest, HttpResponse } from '../types';

/** One entity tag, strong or weak, whose value is a resource version: `"7"` or `W/"7"`. */
const VERSION_TAG = /^(?:W\/)?"(\d{1,15})"$/;

/** Parses `If-Match`; undefined when the value is not exactly one version tag (`*` and lists included). */
export function parseIfMatch(value: string): number | undefined {
  const m = VERSION_TAG.exec(value.trim());
  return m ? Number(m[1]) : undefined;
}

/** `ETag` value for a version: a strong tag, `"7"`. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * Optimistic concurrency (RFC 9110 §13.1.1, RFC 6585 §3): reads `If-Match` into `ctx.ifMatch`. Required → 428
 * when absent; a value that is not one version tag → 400 (versions are explicit: `*` is refused). The comparison
 * with the stored version is the repository's (a lost race is a DomainError STALE → 412).
 */
export function preconditions(requiresIfMatch: boolean): MiddlewareObj<HttpEvent, HttpResponse> {
  return {
    name: 'preconditions',
    before: (request: HttpRequest) => {
      const state = stateOf(request);
      const raw = state.headers['if-match'];
      if (raw === undefined) {
        if (requiresIfMatch) {
          throw new HttpProblem(
            428,
            HTTP_CODES.PRECONDITION_REQUISE,
            'En-tête If-Match obligatoire : renvoyez la version lue (valeur de l’ETag, par exemple If-Match: "3").',
          );
        }
        return;
      }
      const version = parseIfMatch(raw);
      if (version === undefined) {
        throw new HttpProblem(
          400,
          HTTP_CODES.PRECONDITION_INVALIDE,
          'En-tête If-Match invalide : une seule version entre guillemets est attendue (par exemple If-Match: "3").',
        );
      }
      state.ifMatch = version;
    },
  };
}
