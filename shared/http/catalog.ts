/**
 * Every HTTP operation of the product, loaded: importing a handler module registers its operations
 * (`httpHandler` → shared/http/registry.ts), so that `buildOpenApi` sees them all. Static imports on purpose: the
 * Lambda serving GET /v1/openapi.json is bundled by esbuild, which only follows static imports.
 *
 * ONE LINE PER `http` ENTRY OF functions/registry.ts, and its path in CATALOG_ENTRIES: test/unit/api/catalog.test.ts
 * fails when a registry entry (or a route) is missing from the document.
 */
import '../../functions/http/health';
import '../../functions/api/structures';
import '../../functions/api/utilisateurs';
import '../../functions/api/marches';
import '../../functions/api/tableaux';
import '../../functions/api/taux-bce';
import '../../functions/api/portail';
import '../../functions/api/openapi';
import '../../functions/dossiers/read';
import '../../functions/dossiers/evidence';
import '../../functions/dossiers/actions';
import '../../functions/dossiers/pieces';
import '../../functions/dossiers/search';
import { buildOpenApi, type JsonObject, type OpenApiOptions } from './openapi';
import { operations } from './registry';

/** The registry entries (`entry` of functions/registry.ts) imported above. */
export const CATALOG_ENTRIES: readonly string[] = [
  'functions/http/health.ts',
  'functions/api/structures.ts',
  'functions/api/utilisateurs.ts',
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
