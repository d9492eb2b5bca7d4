/**
 * GET /v1/openapi.json (functions/api/openapi-operation.ts). On AWS the document is embedded in this function's
 * bundle when the stack is synthesized; the other handlers are not loaded here.
 */
import { route, routesOf } from '../../shared/http/router';
import { lireOpenApi } from './openapi-operation';

export const handler = route(routesOf(lireOpenApi));
