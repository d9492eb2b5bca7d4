import type { MiddlewareObj } from '@middy/core';
import type * as z from 'zod';
import type { FieldIssue } from '../../domain/errors';
import { HTTP_CODES, HttpProblem } from '../errors';
import { stateOf } from '../state';
import type { HttpEvent, HttpRequest, HttpResponse, ObjectSchema } from '../types';
import { type FieldLocation, frenchErrorMap, issuesToFields } from '../zod-fr';

export interface ValidationSchemas {
  readonly params?: ObjectSchema;
  readonly query?: ObjectSchema;
  readonly headers?: ObjectSchema;
  readonly body?: z.ZodType;
}

/**
 * Validates path parameters, query string, declared headers and body with their zod schemas, and reports every
 * offending field at once (422 DONNEES_INVALIDES, `fields` with French messages), not only the first.
 */
export function validation(schemas: ValidationSchemas): MiddlewareObj<HttpEvent, HttpResponse> {
  return {
    name: 'validation',
    before: (request: HttpRequest) => {
      const state = stateOf(request);
      const event = request.event ?? ({} as HttpEvent);
      const fields: FieldIssue[] = [];
      const check = (schema: z.ZodType | undefined, input: unknown, location: FieldLocation): unknown => {
        if (!schema) return undefined;
        const result = schema.safeParse(input, { error: frenchErrorMap });
        if (result.success) return result.data;
        fields.push(...issuesToFields(result.error.issues, location));
        return undefined;
      };
      state.params = schemas.params ? check(schemas.params, event.pathParameters ?? {}, 'path') : {};
      state.query = schemas.query ? check(schemas.query, event.queryStringParameters ?? {}, 'query') : {};
      state.validatedHeaders = check(schemas.headers, state.headers, 'header');
      if (schemas.body) {
        if (state.rawBody === undefined && !schemas.body.safeParse(undefined).success) {
          fields.push({ path: '', message: 'Corps de requête JSON obligatoire.' });
        } else {
          state.body = check(schemas.body, state.json, 'body');
        }
      }
      if (fields.length > 0) {
        throw new HttpProblem(
          422,
          HTTP_CODES.DONNEES_INVALIDES,
          fields.length === 1
            ? 'Un champ de la requête est invalide : voir « fields ».'
            : `${fields.length} champs de la requête sont invalides : voir « fields ».`,
          fields,
        );
      }
    },
  };
}
