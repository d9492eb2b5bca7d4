import { z } from 'zod';
import { openApiDocument } from '../../shared/http/catalog';
import { httpHandler } from '../../shared/http/handler';
import { ok } from '../../shared/http/results';
import { route, routesOf } from '../../shared/http/router';

/** The OpenAPI 3.1 document of every operation of the API (shared/http/catalog.ts), public and cacheable. */
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

export const handler = route(routesOf(lireOpenApi));
