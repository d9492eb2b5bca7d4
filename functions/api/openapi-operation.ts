import * as z from 'zod';
import { httpHandler } from '../../shared/http/handler';
import { buildOpenApi, type JsonObject, type OpenApiOptions } from '../../shared/http/openapi';
import { operations } from '../../shared/http/registry';
import { ok } from '../../shared/http/results';

/**
 * GET /v1/openapi.json, and the document it serves: every operation registered in this process. The operation
 * does not load the other functions itself (functions/registry.ts reads its route from here, and loading the
 * registry from here would close a cycle); the entry functions/api/openapi.ts loads them through functions/catalog.ts.
 */

let cached: JsonObject | undefined;

/** The OpenAPI 3.1 document of every operation loaded in this process (built once per process). */
export function openApiDocument(options?: OpenApiOptions): JsonObject {
  if (options) return buildOpenApi(operations(), options);
  cached ??= buildOpenApi(operations());
  return cached;
}

/** The OpenAPI 3.1 document of every operation of the API, public and cacheable. */
export const lireOpenApi = httpHandler({
  operationId: 'lireOpenApi',
  summary: 'Le document OpenAPI 3.1 de l’API',
  tags: ['Plateforme'],
  method: 'GET',
  path: '/v1/openapi.json',
  auth: 'public',
  responses: {
    200: {
      description: 'Document OpenAPI 3.1 (JSON)',
      schema: z.object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }) }).meta({
        id: 'DocumentOpenApi',
        description: 'Voir la spécification OpenAPI 3.1.',
      }),
      headers: { 'Cache-Control': 'Mise en cache autorisée (5 minutes).' },
    },
  },
  handler: async () => ok(openApiDocument(), { headers: { 'Cache-Control': 'public, max-age=300' } }),
});
