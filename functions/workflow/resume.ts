import type { Context } from 'aws-lambda';
import type { Clock } from '../../shared/adapters/clock';
import type { DossierStore } from '../../shared/adapters/dynamo/dossier-store';
import type { OpenDossierIndex } from '../../shared/adapters/dynamo/open-dossiers';
import { invocationLogger, runWithLogger } from '../../shared/adapters/logger';
import { stepFunctionsWorkflow } from '../../shared/adapters/workflow';
import { executionRenewalCutoff } from '../../shared/domain/workflow';
import { type Infrastructure, installWorkflow, processScope } from '../../shared/services/infrastructure';
import { resumeOpenDossiers } from '../../shared/services/resume';
import { dossierStore, openDossierIndex } from '../../shared/services/wiring';

// The resume starts, describes and stops executions (stateMachines access)
installWorkflow(stepFunctionsWorkflow);

/** What a scheduled resume did: counts, and the dossiers that could not be resumed. */
export interface ScheduledResumeOutcome {
  readonly seen: number;
  readonly resumed: number;
  readonly renewed: number;
  readonly rearmed: number;
  readonly running: number;
  readonly failed: readonly { readonly dossierId: string; readonly error: string }[];
}

/**
 * The daily resume on AWS (issue 13), run by EventBridge Scheduler (`infra/constructs/schedules.ts`) with the code
 * `npm start` runs at boot (`resumeOpenDossiers`): every open dossier whose execution was lost gets a new one from
 * what DynamoDB says, and a running execution older than `EXECUTION_RENEWAL_DAYS` is renewed before Step Functions'
 * one-year limit ends it. Idempotent: a dossier whose execution runs is left alone; two runs racing start one
 * execution. A walk cut short throws (Scheduler retries; the next day's run walks again from the start).
 */
/** What the resume reads and starts with (a `ServiceContext` is one). */
export interface ResumeContext {
  readonly clock: Clock;
  readonly infra: Pick<Infrastructure, 'workflow'>;
  readonly stores: { readonly dossiers: DossierStore; readonly openDossiers: OpenDossierIndex };
}

function processResumeContext(): ResumeContext {
  const s = processScope();
  return {
    clock: s.infra.clock,
    infra: s.infra,
    stores: { dossiers: dossierStore(s), openDossiers: openDossierIndex(s) },
  };
}

export function scheduledResumeHandler(context: () => ResumeContext = processResumeContext) {
  return async (_event?: unknown, lambdaContext?: Context): Promise<ScheduledResumeOutcome> => {
    const ctx = context();
    const now = ctx.clock.now();
    const log = invocationLogger({
      operation: 'reprendreDossiers',
      correlationId: lambdaContext?.awsRequestId ?? `reprise-${now.toISOString()}`,
      ...(lambdaContext?.awsRequestId ? { context: lambdaContext } : {}),
    });
    const report = await runWithLogger(log, () =>
      resumeOpenDossiers({
        store: ctx.stores.dossiers,
        open: ctx.stores.openDossiers,
        workflow: ctx.infra.workflow,
        renewStartedBefore: executionRenewalCutoff(now),
        // A wait still without its token an hour after the dossier's last change: its release was lost
        rearmWaitsWithoutTokenSince: new Date(now.getTime() - 3_600_000),
        // Powertools reserves the key `message`: the French sentences go under `detail`.
        log: (detail) => log.info('reprise', { detail }),
      }),
    );
    const outcome: ScheduledResumeOutcome = {
      seen: report.seen,
      resumed: report.resumed.length,
      renewed: report.renewed.length,
      rearmed: report.rearmed.length,
      running: report.running.length,
      failed: report.failed,
    };
    if (outcome.failed.length > 0) log.error('dossiers non repris', { failed: outcome.failed });
    log.info('reprise des dossiers ouverts', { ...outcome, failed: outcome.failed.length });
    return outcome;
  };
}

export const handler = scheduledResumeHandler();
