import * as z from 'zod/mini';
import { tableReachable } from '../../shared/adapters/dynamo/health';
import { HttpProblem } from '../../shared/http/errors';
import { httpHandler } from '../../shared/http/handler';
import { ok } from '../../shared/http/results';
import { withMeta } from '../../shared/schemas/meta';
import { infrastructure } from '../../shared/services/wiring';

/** Liveness: the function answers and its table is reachable (503 problem otherwise). */
export const handler = httpHandler({
  operationId: 'sante',
  summary: 'État de l’API et de sa table',
  tags: ['Plateforme'],
  method: 'GET',
  path: '/health',
  auth: 'public',
  responses: {
    200: {
      description: 'L’API répond et sa table est joignable',
      schema: withMeta(
        z.object({
          status: z.literal('ok'),
          components: z.object({ table: z.literal('ok') }),
          latencyMs: z.int().check(z.gte(0)),
        }),
        { id: 'Sante' },
      ),
    },
    503: { description: 'La table est injoignable (SERVICE_DEGRADE).' },
  },
  handler: async () => {
    const started = Date.now();
    // A process without its table configured is as unhealthy as an unreachable table
    const reachable = await Promise.resolve()
      .then(() => tableReachable(infrastructure().dynamo, infrastructure().tableName))
      .catch(() => false);
    if (!reachable) {
      throw new HttpProblem(503, 'SERVICE_DEGRADE', 'La table de l’application est injoignable : réessayez plus tard.');
    }
    return ok({ status: 'ok' as const, components: { table: 'ok' as const }, latencyMs: Date.now() - started });
  },
});
