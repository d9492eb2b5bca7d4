/**
 * Every HTTP operation of the product, loaded: importing a handler module registers its operations
 * (`httpHandler` → shared/http/registry.ts), so that `buildOpenApi` sees them all. Static imports on purpose: the
 * Lambda serving GET /v1/openapi.json is bundled by esbuild, which only follows static imports.
 *
 * ONE LINE PER `http` ENTRY OF functions/registry.ts, and its path in CATALOG_ENTRIES: test/unit/api/catalog.test.ts
 * fails when a registry entry (or a route) is missing from the document.
 */
import './http/health';
import './api/structures';
import './api/annuaire';
import './api/utilisateurs';
import './api/notifications';
import './api/marches';
import './api/tableaux';
import './api/taux-bce';
import './api/portail';
import './dossiers/read';
import './dossiers/evidence';
import './dossiers/actions';
import './dossiers/pieces';
import './dossiers/search';
import * as z from 'zod';
import { httpHandler } from '../shared/http/handler';
import { buildOpenApi, type JsonObject, type OpenApiOptions } from '../shared/http/openapi';
import { operations } from '../shared/http/registry';
import { ok } from '../shared/http/results';
import { route, routesOf } from '../shared/http/router';

/** The registry entries (`entry` of functions/registry.ts) imported above. */
export const CATALOG_ENTRIES: readonly string[] = [
  'functions/http/health.ts',
  'functions/api/structures.ts',
  'functions/api/annuaire.ts',
  'functions/api/utilisateurs.ts',
  'functions/api/notifications.ts',
  'functions/api/marches.ts',
  'functions/api/tableaux.ts',
  'functions/api/taux-bce.ts',
  'functions/api/portail.ts',
  'functions/api/openapi.ts',
  'functions/dossiers/read.ts',
  'functions/dossiers/evidence.ts',
  'functions/dossiers/actions.ts',
  'functions/dossiers/pieces.ts',
  'functions/dossiers/search.ts',
];

let cached: JsonObject | undefined;

/** The OpenAPI 3.1 document of every operation (built once per process). */
export function openApiDocument(options?: OpenApiOptions): JsonObject {
  if (options) return buildOpenApi(operations(), options);
  cached ??= buildOpenApi(operations());
  return cached;
}

/** The OpenAPI 3.1 document of every operation of the API , public and cacheable. */
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

export const openApiHandler = route(routesOf(lireOpenApi));
