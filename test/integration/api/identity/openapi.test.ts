import { describe, expect, it } from 'vitest';
import { LAMBDAS, type LambdaDefinition } from '../../../../functions/registry';
import { usePlatform } from '../../../setup/platform';
import { openApiFaults } from '../../../unit/http/openapi-structure';
import { call, exercised } from './http';

/** GET /v1/openapi.json and GET /health through the gateway, without a token. */

const platform = usePlatform();

describe('GET /v1/openapi.json', () => {
  it('serves the OpenAPI 3.1 document of every registry route, publicly', async () => {
    const res = await call(platform(), 'GET', '/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.body.openapi).toBe('3.1.0');
    expect(openApiFaults(res.body)).toEqual([]);
    const documented = new Set(
      Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(([p, item]) =>
        Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`),
      ),
    );
    const routes = Object.values(LAMBDAS as Record<string, LambdaDefinition>)
      .filter((d) => d.kind === 'http')
      .flatMap((d) => (d.routes ?? []).map((r) => `${r.method} ${r.path}`));
    expect(routes.filter((r) => !documented.has(r))).toEqual([]);
    expect(res.body.paths['/v1/structures'].post.security).toEqual([{ jwt: [] }]);
    expect(res.body.paths['/v1/openapi.json'].get.security).toEqual([]);
  });
});

describe('GET /health', () => {
  it('answers through the same handler chain, with the table reachable', async () => {
    const res = await call(platform(), 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', components: { table: 'ok', dynamodb: 'ok' } });
  });
});

describe('documentation', () => {
  it('answered every operation of this file with a documented success whose body matched its schema', () => {
    const expected = ['lireOpenApi 200', 'sante 200'];
    expect(expected.filter((e) => !exercised.has(e))).toEqual([]);
  });
});
