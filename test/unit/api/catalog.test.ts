import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATALOG_ENTRIES, openApiDocument } from '../../../functions/catalog';
import { LAMBDAS, type LambdaDefinition } from '../../../functions/registry';
import { operations } from '../../../shared/http/registry';
import { openApiFaults } from '../http/openapi-structure';

/**
 * The OpenAPI document covers the whole product: every `http` function of functions/registry.ts is loaded by
 * functions/catalog.ts, every registry route is an operation of the document, each function's router answers
 * exactly its registry routes, and a route is public at the gateway exactly when its handler is.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const httpEntries = Object.entries(LAMBDAS as Record<string, LambdaDefinition>).filter(([, d]) => d.kind === 'http');
const doc = openApiDocument() as { paths: Record<string, Record<string, { security?: unknown[] }>> };

describe('functions/catalog.ts', () => {
  it('loads every http function of the registry', () => {
    const missing = httpEntries.map(([, d]) => d.entry).filter((e) => !CATALOG_ENTRIES.includes(e));
    expect(missing, 'add an import and a CATALOG_ENTRIES line in functions/catalog.ts').toEqual([]);
  });

  it('documents every route of the registry, and nothing the registry does not route', () => {
    const routed = httpEntries.flatMap(([, d]) => (d.routes ?? []).map((r) => `${r.method} ${r.path}`)).sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    expect(documented).toEqual(routed);
  });

  it('builds a structurally sound OpenAPI 3.1 document', () => {
    expect(openApiFaults(doc as never)).toEqual([]);
  });

  it('makes a route public at the gateway exactly when its handler needs no token', () => {
    for (const [key, d] of httpEntries) {
      for (const r of d.routes ?? []) {
        const op = operations().find((o) => o.method === r.method && o.path === r.path);
        expect(op, `${key}: ${r.method} ${r.path}`).toBeDefined();
        expect(op?.auth, `${key}: ${r.method} ${r.path}`).toBe(r.public ? 'public' : 'user');
      }
    }
  });

  it('gives each function a router that answers exactly its registry routes', async () => {
    for (const [key, d] of httpEntries) {
      const mod = (await import(path.join(ROOT, d.entry))) as Record<string, unknown>;
      const handler = mod[d.exportName ?? 'handler'] as {
        routeKeys?: readonly string[];
        operation?: { method: string; path: string };
      };
      const answered =
        handler.routeKeys ?? (handler.operation ? [`${handler.operation.method} ${handler.operation.path}`] : []);
      expect([...answered].sort(), key).toEqual((d.routes ?? []).map((r) => `${r.method} ${r.path}`).sort());
    }
  });
});
