import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { currentLogger, invocationLogger, takeColdStart } from '../../../shared/adapters/logger';
import { httpHandler } from '../../../shared/http/handler';
import { InMemoryIdempotencyStore } from '../../../shared/http/idempotency/memory-store';
import { logging } from '../../../shared/http/middlewares/logging';
import { ok } from '../../../shared/http/results';
import { stateOf } from '../../../shared/http/state';
import { fixedClock, httpEvent, lambdaContext, middyRequest, restoreClock, USER, useClock } from './fixtures';

/**
 * The embedded platform runs many handlers at once in one process, all built on one root logger. The probe saw
 * error lines carrying another request's operation and correlation id: keys were appended to the shared logger.
 * Each request now logs through its own child logger, and code below the handler (services, stores) finds it
 * with `currentLogger()`.
 */
describe('logging under concurrency', () => {
  let lines: Record<string, unknown>[];
  beforeEach(() => {
    useClock(fixedClock('2030-01-07T08:00:00.000Z'));
    lines = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      for (const line of text.split('\n').filter((l) => l.startsWith('{'))) lines.push(JSON.parse(line));
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    restoreClock();
  });

  it('keeps each request’s operation and correlation id on its own lines, in the handler and below it', async () => {
    const root = new Logger({ serviceName: 'essai', logLevel: 'INFO' });
    const gates = new Map<string, () => void>();
    const reached = new Map<string, Promise<void>>();
    const reachedResolvers = new Map<string, () => void>();
    for (const id of ['req-A', 'req-B']) reached.set(id, new Promise((r) => reachedResolvers.set(id, r)));
    const endpoint = (operationId: string) =>
      httpHandler(
        {
          operationId,
          summary: 'Essai de journal',
          method: 'GET',
          path: `/v1/essais/${operationId}`,
          auth: 'user',
          responses: { 200: { description: 'ok' } },
          handler: async (ctx) => {
            ctx.logger.info('avant');
            // Park until the other request has started too, then log from "service" code (no logger passed)
            await new Promise<void>((resume) => {
              gates.set(ctx.requestId, resume);
              reachedResolvers.get(ctx.requestId)?.();
            });
            currentLogger().info('dans le service');
            return ok({});
          },
        },
        { logger: root, idempotencyStore: new InMemoryIdempotencyStore() },
      );
    const a = endpoint('lireEssaiA')(
      httpEvent({ path: '/v1/essais/lireEssaiA', claims: USER, requestId: 'req-A' }),
      lambdaContext(),
    );
    await reached.get('req-A');
    const b = endpoint('lireEssaiB')(
      httpEvent({ path: '/v1/essais/lireEssaiB', claims: USER, requestId: 'req-B' }),
      lambdaContext(),
    );
    await reached.get('req-B');
    // A resumes after B began: with one shared logger, A's line would now carry B's keys
    gates.get('req-A')?.();
    expect((await a).statusCode).toBe(200);
    gates.get('req-B')?.();
    expect((await b).statusCode).toBe(200);

    const ofMessage = (m: string) => lines.filter((l) => l.message === m);
    expect(ofMessage('avant').map((l) => [l.operationId, l.correlation_id])).toEqual([
      ['lireEssaiA', 'req-A'],
      ['lireEssaiB', 'req-B'],
    ]);
    expect(ofMessage('dans le service').map((l) => [l.operationId, l.correlation_id])).toEqual([
      ['lireEssaiA', 'req-A'],
      ['lireEssaiB', 'req-B'],
    ]);
    // The root logger itself carries no request's keys afterwards
    root.info('hors requête');
    expect(ofMessage('hors requête')[0]).not.toHaveProperty('operationId');
    expect(ofMessage('hors requête')[0]).not.toHaveProperty('correlation_id');
  });

  it('builds a request’s logger only when the request logs, with the same keys (issue 16)', async () => {
    const root = new Logger({ serviceName: 'essai', logLevel: 'INFO' });
    const children = vi.spyOn(root, 'createChild');
    const endpoint = httpHandler(
      {
        operationId: 'lireEssaiC',
        summary: 'Essai de journal',
        method: 'GET',
        path: '/v1/essais/lireEssaiC',
        auth: 'user',
        responses: { 200: { description: 'ok' } },
        handler: async (ctx) => {
          if (ctx.requestId === 'req-D') currentLogger().info('dans le service');
          return ok({});
        },
      },
      { logger: root, idempotencyStore: new InMemoryIdempotencyStore() },
    );
    // A request that logs nothing: no child logger (a Powertools child costs ~0.2 ms of CPU per request)
    const silent = await endpoint(
      httpEvent({ path: '/v1/essais/lireEssaiC', claims: USER, requestId: 'req-C' }),
      lambdaContext(),
    );
    expect(silent.statusCode).toBe(200);
    expect(children).not.toHaveBeenCalled();
    expect(lines).toEqual([]);

    // One that logs: one child, its line with the request's operation and correlation id
    const logged = await endpoint(
      httpEvent({ path: '/v1/essais/lireEssaiC', claims: USER, requestId: 'req-D' }),
      lambdaContext(),
    );
    expect(logged.statusCode).toBe(200);
    expect(children).toHaveBeenCalledTimes(1);
    expect(lines.map((l) => [l.message, l.operationId, l.correlation_id])).toEqual([
      ['dans le service', 'lireEssaiC', 'req-D'],
    ]);
  });

  it('asks for the root logger only when a request logs: a process whose requests log nothing never builds it (issue 16)', async () => {
    const root = new Logger({ serviceName: 'essai', logLevel: 'INFO' });
    let asked = 0;
    const middleware = logging(() => {
      asked++;
      return root;
    }, 'lireEssaiH');
    const request = middyRequest(httpEvent({ path: '/v1/essais/lireEssaiH', claims: USER, requestId: 'req-H' }));
    await middleware.before?.(request);
    expect(asked).toBe(0);

    stateOf(request).logger.info('première ligne');
    stateOf(request).logger.info('deuxième ligne');
    expect(asked).toBe(1);
    expect(lines.map((l) => [l.message, l.operationId, l.correlation_id, l.service])).toEqual([
      ['première ligne', 'lireEssaiH', 'req-H', 'essai'],
      ['deuxième ligne', 'lireEssaiH', 'req-H', 'essai'],
    ]);
  });

  it('says cold_start: true on the process’s first invocation only, not on every request', async () => {
    // As on Lambda: there a Powertools logger built for an on-demand environment starts with its cold-start flag set
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    onTestFinished(() => {
      vi.unstubAllEnvs();
    });
    const root = new Logger({ serviceName: 'essai', logLevel: 'INFO' });
    const endpoint = httpHandler(
      {
        operationId: 'lireEssaiE',
        summary: 'Essai de journal',
        method: 'GET',
        path: '/v1/essais/lireEssaiE',
        auth: 'user',
        responses: { 200: { description: 'ok' } },
        handler: async () => {
          currentLogger().info('dans le service');
          return ok({});
        },
      },
      { logger: root, idempotencyStore: new InMemoryIdempotencyStore() },
    );
    // Each request's logger is a fresh Powertools child, whose own flag said « cold start » on every request
    for (const requestId of ['req-E', 'req-F', 'req-G']) {
      await endpoint(httpEvent({ path: '/v1/essais/lireEssaiE', claims: USER, requestId }), lambdaContext());
    }
    // Earlier tests of this file may have taken the process's cold start: at most the first line says true
    const cold = lines.map((l) => l.cold_start);
    expect(cold.slice(1)).toEqual([false, false]);
    expect(takeColdStart()).toBe(false);

    // The flag given is the one written, whatever the child logger's own
    invocationLogger({ operation: 'o', correlationId: 'c1', context: lambdaContext(), coldStart: true }, root).info(
      'froid',
    );
    invocationLogger({ operation: 'o', correlationId: 'c2', context: lambdaContext(), coldStart: false }, root).info(
      'chaud',
    );
    expect(lines.slice(3).map((l) => [l.message, l.cold_start])).toEqual([
      ['froid', true],
      ['chaud', false],
    ]);
  });
});
