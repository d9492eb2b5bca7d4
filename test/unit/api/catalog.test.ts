import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../functions/catalog';
import { LAMBDAS, type LambdaDefinition } from '../../../functions/registry';
import { operations } from '../../../shared/http/registry';
import { openApiFaults } from '../http/openapi-structure';

/**
 * The OpenAPI document covers the whole product: every registry route is an operation of the document and every
 * operation is routed, each route belongs to one function, each function's router answers exactly its registry
 * routes (they are read from it), and a route is public at the gateway exactly when its handler is.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const httpEntries = Object.entries(LAMBDAS as Record<string, LambdaDefinition>).filter(([, d]) => d.kind === 'http');
const doc = openApiDocument() as { paths: Record<string, Record<string, { security?: unknown[] }>> };

describe('functions/catalog.ts', () => {
  it('gives each route to exactly one function', () => {
    const owners = new Map<string, string[]>();
    for (const [key, d] of httpEntries) {
      for (const r of d.routes ?? [])
        owners.set(`${r.method} ${r.path}`, [...(owners.get(`${r.method} ${r.path}`) ?? []), key]);
    }
    expect([...owners].filter(([, keys]) => keys.length !== 1)).toEqual([]);
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
