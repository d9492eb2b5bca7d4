import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { invocationLogger, runWithLogger } from '../../shared/adapters/logger';
import type { DossierWorkflow } from '../../shared/services/dossier-workflow';
import { dossierWorkflow } from '../../shared/services/wiring';

/**
 * The Lambda tasks of the dossier's state machine (workflows/dossier.ts). Thin: each parses its input and calls the
 * workflow's steps (shared/services/dossier-workflow.ts), where the work is done (idempotent, one transaction,
 * optimistic locking). The service comes from the composition root at each invocation.
 */
function service(): DossierWorkflow {
  return dossierWorkflow();
}

/**
 * A task handler: input parsed with zod (a malformed input is a bug in the definition: it fails loudly). Each
 * invocation logs through its own logger: the task's name as operation, the Lambda request id as correlation id,
 * and the dossier.
 */
function task<S extends z.ZodMiniType, R>(name: string, schema: S, run: (input: z.output<S>) => Promise<R>) {
  return middy().handler(async (event: unknown, context: Context): Promise<R> => {
    const input = schema.parse(event);
    const dossierId = (input as { dossierId?: unknown }).dossierId;
    const logger = invocationLogger({
      operation: name,
      correlationId: context?.awsRequestId ?? String(dossierId ?? name),
      ...(context?.awsRequestId ? { context } : {}),
      ...(typeof dossierId === 'string' ? { keys: { dossierId } } : {}),
    });
    return runWithLogger(logger, async () => {
      try {
        return await run(input);
      } catch (e) {
        logger.warn(`tâche ${name} en échec`, { error: e as Error, input: summary(input) });
        throw e;
      }
    });
  });
}

/** What is worth a log line (never the task token). */
function summary(input: unknown): Record<string, unknown> {
  const { taskToken: _t, ...rest } = (input ?? {}) as Record<string, unknown>;
  return rest;
}

const dossierId = z.string().check(z.minLength(1));
const version = z.number().check(z.int(), z.gte(1));

/**
 * « Charger le dossier »: where the dossier stands and how long its wait may last, its DGP clock recorded as it
 * stands (« Mettre à jour le délai de paiement ») when time alone moved it.
 */
export const chargerDossier = task('chargerDossier', z.object({ dossierId }), ({ dossierId }) =>
  service().recordClockView(dossierId),
);

/** Every human wait: records the wait's task token on the pending action (fails with StaleWait if it moved on). */
export const enregistrerAttente = task(
  'enregistrerAttente',
  z.object({
    dossierId,
    step: z.string().check(z.minLength(1)),
    version,
    taskToken: z.string().check(z.minLength(1)),
  }),
  async ({ dossierId, step, version, taskToken }) => {
    await service().recordWait(dossierId, step, version, taskToken);
    return { recorded: true };
  },
);

/** « Appliquer l'issue tacite »: the wait's deadline passed. Returns the situation after it. */
export const appliquerIssueTacite = task(
  'appliquerIssueTacite',
  z.object({ dossierId, step: z.string().check(z.minLength(1)), version }),
  ({ dossierId, step, version }) => service().applyTimeout(dossierId, step, version),
);

/** « Transmettre au service financier » */
export const transmettreServiceFinancier = task(
  'transmettreServiceFinancier',
  z.object({ dossierId }),
  ({ dossierId }) => service().transmitToServiceFinancier(dossierId),
);

/** « Clore le dossier » */
export const cloreDossier = task(
  'cloreDossier',
  z.object({ dossierId, execution: z.string().check(z.minLength(1)) }),
  ({ dossierId, execution }) => service().closeCircuit(dossierId, execution),
);

/** « Enregistrer l'échec »: the caught error (Error, Cause) and the state the execution was in. */
export const enregistrerEchec = task(
  'enregistrerEchec',
  z.object({
    dossierId,
    execution: z.string().check(z.minLength(1)),
    etat: z.catchall(
      z.object({
        erreur: z.optional(z.partial(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) }))),
        dossier: z.optional(z.partial(z.object({ step: z.optional(z.string()) }))),
      }),
      z.unknown(),
    ),
  }),
  ({ dossierId, execution, etat }) =>
    service().recordFailure(dossierId, {
      execution,
      error: etat.erreur?.Error ?? 'inconnue',
      cause: etat.erreur?.Cause,
      step: etat.dossier?.step,
    }),
);
