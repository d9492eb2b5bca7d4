import { gunzipSync, gzipSync } from 'node:zlib';
import * as z from 'zod/mini';
import { httpHandler } from '../../shared/http/handler';
import { buildOpenApi, type JsonObject, type OpenApiOptions } from '../../shared/http/openapi';
import { operations } from '../../shared/http/registry';
import { ok } from '../../shared/http/results';
import { withMeta } from '../../shared/schemas/meta';

/**
 * GET /v1/openapi.json, and the document it serves.
 *
 * On AWS the document is built when the stack is synthesized, from every operation's declaration (the CDK app loads
 * every handler to read their routes), and written into this function's bundle (`openApiBundleDefine`, used by
 * infra/constructs/functions.ts and bench/bundles.ts): the function does not load the other handlers, so its bundle
 * and its cold start are those of one small operation. Elsewhere (the embedded platform, the tests, the scripts),
 * every handler is loaded in the process and the document is built from the registered operations
 * (functions/catalog.ts loads them all).
 */

/** The expression the bundler replaces with the built document (gzipped JSON, base64). */
export const EMBEDDED_OPENAPI = 'process.env.FACTURES_TRAVAUX_OPENAPI_GZ';

/** The esbuild `define` that embeds `document` into a bundle of this operation. */
export function openApiBundleDefine(document: JsonObject): Record<string, string> {
  const packed = gzipSync(Buffer.from(JSON.stringify(document), 'utf8'), { level: 9 }).toString('base64');
  return { [EMBEDDED_OPENAPI]: JSON.stringify(packed) };
}

/** The document embedded at bundling, if any. Must read `process.env.FACTURES_TRAVAUX_OPENAPI_GZ` literally. */
function embeddedDocument(): JsonObject | undefined {
  const packed = process.env.FACTURES_TRAVAUX_OPENAPI_GZ;
  if (!packed) return undefined;
  return JSON.parse(gunzipSync(Buffer.from(packed, 'base64')).toString('utf8')) as JsonObject;
}

let cached: JsonObject | undefined;

/** The OpenAPI 3.1 document of the API: the embedded one, else built from the operations loaded in this process. */
export function openApiDocument(options?: OpenApiOptions): JsonObject {
  if (options) return buildOpenApi(operations(), options);
  cached ??= embeddedDocument() ?? builtHere();
  return cached;
}

function builtHere(): JsonObject {
  // A Lambda bundle without the embedded document knows one operation: serving that would be a wrong contract
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) {
    throw new Error('OpenAPI document not embedded in this bundle (see openApiBundleDefine)');
  }
  return buildOpenApi(operations());
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
      schema: withMeta(z.object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }) }), {
        id: 'DocumentOpenApi',
        description: 'Voir la spécification OpenAPI 3.1.',
      }),
      headers: { 'Cache-Control': 'Mise en cache autorisée (5 minutes).' },
    },
  },
  handler: async () => ok(openApiDocument(), { headers: { 'Cache-Control': 'public, max-age=300' } }),
});
