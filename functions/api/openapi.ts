/** GET /v1/openapi.json: the operation (functions/api/openapi-operation.ts), with every other operation loaded. */
import { route, routesOf } from '../../shared/http/router';
import { lireOpenApi } from '../catalog';

export const handler = route(routesOf(lireOpenApi));
