import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { excerpt } from '../../../shared/domain/excerpt';
import { validateSiret } from '../../../shared/domain/siret';
import { httpHandler } from '../../../shared/http/handler';
import { InMemoryIdempotencyStore } from '../../../shared/http/idempotency/memory-store';
import { JSON_LIMITS, jsonOutOfBounds } from '../../../shared/http/middlewares/json-body';
import { PROBLEM_LIMITS, problem } from '../../../shared/http/problem';
import { created } from '../../../shared/http/results';
import { creerStructureBody } from '../../../shared/schemas/identity';
import { httpEvent, lambdaContext, silentLogger, USER } from './fixtures';

describe('refusals stay small whatever the input', () => {
  it('quotes an input through a bounded excerpt', () => {
    expect(excerpt('21300202500012')).toBe('21300202500012');
    // 1 MB of "1": the first 40 characters, an ellipsis and the length (1,048,576 = 1024 × 1024)
    expect(excerpt('1'.repeat(1024 * 1024))).toBe(`${'1'.repeat(40)}… (1048576 caractères)`);
    // NUL and a right-to-left override are shown as U+FFFD, not sent back raw
    expect(excerpt('a\u0000b\u202Ec')).toBe('a\uFFFDb\uFFFDc');
    const refused = validateSiret('9'.repeat(1024 * 1024));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message.length).toBeLessThan(200);
  });

  it('clips a problem built from huge messages: detail, field messages, paths and field count', () => {
    const fields = Array.from({ length: 120 }, (_, i) => ({ path: `p${i}`.repeat(500), message: 'm'.repeat(5000) }));
    const p = problem(422, 'DONNEES_INVALIDES', 'd'.repeat(10_000), 'req-1', fields);
    expect(p.detail.length).toBeLessThanOrEqual(PROBLEM_LIMITS.detail);
    expect(p.fields).toHaveLength(PROBLEM_LIMITS.fields);
    for (const f of p.fields ?? []) {
      expect(f.path.length).toBeLessThanOrEqual(PROBLEM_LIMITS.path);
      expect(f.message.length).toBeLessThanOrEqual(PROBLEM_LIMITS.message);
    }
    // 120 fields given, 50 kept: the other 70 are counted in the detail
    expect(problem(422, 'X', 'Refusé.', 'r', fields).detail).toBe('Refusé. (70 autres champs refusés non détaillés.)');
  });

  it('finds the first place a JSON body exceeds the structural bounds', () => {
    expect(jsonOutOfBounds({ a: ['x', { b: 'y' }] })).toBeUndefined();
    expect(jsonOutOfBounds({ a: [{ b: 'y'.repeat(JSON_LIMITS.stringLength + 1) }] })?.path).toBe('a[0].b');
    expect(jsonOutOfBounds({ l: new Array(JSON_LIMITS.arrayItems + 1).fill(0) })?.path).toBe('l');
    let deep: unknown = 'fond';
    for (let i = 0; i < JSON_LIMITS.depth + 2; i++) deep = [deep];
    expect(jsonOutOfBounds(deep)?.message).toContain('Imbrication');
    const wide = Object.fromEntries(Array.from({ length: JSON_LIMITS.objectKeys + 1 }, (_, i) => [`k${i}`, i]));
    expect(jsonOutOfBounds({ o: wide })?.path).toBe('o');
  });

  it('answers a 1 MB SIRET with a short 422, and the retry under the same key gets the same answer (not a 409)', async () => {
    const handler = httpHandler(
      {
        operationId: 'creerStructureEssai',
        summary: 'Créer une structure',
        method: 'POST',
        path: '/v1/structures',
        auth: 'user',
        body: creerStructureBody,
        responses: { 201: { description: 'Créée' } },
        handler: async () => created({}, '/v1/structures/x'),
      },
      { logger: silentLogger(), idempotencyStore: new InMemoryIdempotencyStore() },
    );
    const body = JSON.stringify({ siret: '1'.repeat(1024 * 1024), raisonSociale: 'Commune', type: 'PUBLIC' });
    const send = () =>
      handler(
        httpEvent({
          method: 'POST',
          path: '/v1/structures',
          headers: { 'content-type': 'application/json', 'idempotency-key': 'cle-siret' },
          body,
          claims: USER,
        }),
        lambdaContext(),
      );
    const first = await send();
    expect(first.statusCode).toBe(422);
    expect(first.body?.length ?? 0).toBeLessThan(1000);
    // over the structural string bound (20,000) before the schema's own (64): refused at the edge, never echoed
    expect(JSON.parse(first.body ?? '{}').fields).toEqual([
      { path: 'siret', message: 'Au plus 20000 caractères (1048576 reçus).' },
    ]);
    const again = await send();
    expect(again.statusCode).toBe(422);
    expect(again.body?.replace(/"instance":"[^"]*"/, '')).toBe(first.body?.replace(/"instance":"[^"]*"/, ''));
  });

  it('bounds the extra keys of a loose object too (structural bounds before the schema)', async () => {
    const handler = httpHandler(
      {
        operationId: 'libreEssai',
        summary: 'Essai',
        method: 'POST',
        path: '/v1/libre',
        auth: 'user',
        idempotent: false,
        body: z.looseObject({ type: z.literal('X') }),
        responses: { 201: { description: 'Créée' } },
        handler: async () => created({}, '/v1/libre/x'),
      },
      { logger: silentLogger() },
    );
    const res = await handler(
      httpEvent({
        method: 'POST',
        path: '/v1/libre',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'X', extra: 'z'.repeat(JSON_LIMITS.stringLength + 1) }),
        claims: USER,
      }),
      lambdaContext(),
    );
    expect(res.statusCode).toBe(422);
    expect(JSON.parse(res.body ?? '{}').fields[0].path).toBe('extra');
  });
});
