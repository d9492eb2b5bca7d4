import type { MiddlewareObj } from '@middy/core';
import * as z from 'zod/mini';
import type { FieldIssue } from '../../domain/errors';
import { HTTP_CODES, HttpProblem } from '../errors';
import { stateOf } from '../state';
import type { HttpEvent, HttpRequest, HttpResponse, ObjectSchema } from '../types';
import { type FieldLocation, frenchErrorMap, issuesToFields } from '../zod-fr';

export interface ValidationSchemas {
  readonly params?: ObjectSchema;
  readonly query?: ObjectSchema;
  readonly headers?: ObjectSchema;
  readonly body?: z.core.$ZodType;
}

/**
 * Validates path parameters, query string, declared headers and body with their zod schemas, and reports every
 * offending field at once (422 DONNEES_INVALIDES, `fields` with French messages), not only the first.
 *
 * A query parameter the operation does not know (its query schema is a `z.strictObject`) makes the request itself
 * malformed, like unreadable JSON: 400 PARAMETRE_INCONNU naming each one, so that a misspelt filter is never
 * silently ignored nor confused with a wrong value.
 */
export function validation(schemas: ValidationSchemas): MiddlewareObj<HttpEvent, HttpResponse> {
  return {
    name: 'validation',
    before: (request: HttpRequest) => {
      const state = stateOf(request);
      const event = request.event ?? ({} as HttpEvent);
      const fields: FieldIssue[] = [];
      const check = (schema: z.core.$ZodType | undefined, input: unknown, location: FieldLocation): unknown => {
        if (!schema) return undefined;
        const result = z.safeParse(schema, input, { error: frenchErrorMap });
        if (result.success) return result.data;
        fields.push(...issuesToFields(result.error.issues, location));
        return undefined;
      };
      state.params = schemas.params ? check(schemas.params, event.pathParameters ?? {}, 'path') : {};
      const queryInput = event.queryStringParameters ?? {};
      if (schemas.query) {
        const unknown = unknownQueryParameters(schemas.query, queryInput);
        if (unknown.length > 0) {
          throw new HttpProblem(
            400,
            HTTP_CODES.PARAMETRE_INCONNU,
            `Paramètre${unknown.length > 1 ? 's' : ''} de requête inconnu${unknown.length > 1 ? 's' : ''} : ${unknown.join(', ')}. Retirez-le${unknown.length > 1 ? 's' : ''} ou corrigez l’orthographe (voir la liste des paramètres dans le document OpenAPI).`,
            unknown.map((name) => ({ path: `query.${name}`, message: 'Paramètre inconnu.' })),
          );
        }
      }
      state.query = schemas.query ? check(schemas.query, queryInput, 'query') : {};
      state.validatedHeaders = check(schemas.headers, state.headers, 'header');
      if (schemas.body) {
        if (state.rawBody === undefined && !z.safeParse(schemas.body, undefined).success) {
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

/** Names sent in the query string that a strict query schema does not declare (none when the schema is not strict). */
function unknownQueryParameters(schema: ObjectSchema, input: Readonly<Record<string, unknown>>): string[] {
  const result = z.safeParse(schema, input);
  if (result.success) return [];
  return result.error.issues.flatMap((i) => (i.code === 'unrecognized_keys' && i.path.length === 0 ? i.keys : []));
}
