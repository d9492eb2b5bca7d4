/** GET /v1/openapi.json: the operation is declared with the document it serves (functions/catalog.ts). */
export { lireOpenApi, openApiHandler as handler } from '../catalog';
