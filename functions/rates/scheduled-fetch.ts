import type { Context } from 'aws-lambda';
import { ecbApiUrl, ecbSeriesReader } from '../../shared/adapters/ecb-api';
import { invocationLogger, runWithLogger } from '../../shared/adapters/logger';
import { ECB_RATE_METRICS, emfMetrics, type MetricsPort } from '../../shared/adapters/metrics';
import type { ServiceContext } from '../../shared/services/context';
import { EcbRateImport, type ScheduledFetchOutcome } from '../../shared/services/ecb-rate-import';
import { ecbRateService, infrastructure } from '../../shared/services/wiring';

/**
 * The scheduled fetch of the ECB rates on AWS (docs/ecb-rates.md), run by EventBridge Scheduler
 * (`infra/constructs/schedules.ts`): reads the MRO series from the ECB Data Portal API (ECB_API_URL), records each
 * half-year it establishes once (a re-published value is ignored, a different one refused), then publishes whether
 * the current half-year still lacks its rate; the alarms of `infra/constructs/alerts.ts` watch those figures.
 * Idempotent: running it twice records nothing the second time.
 */
export const SCHEDULED_FETCH_BY = 'SYSTEME:releve-planifie';

export function scheduledFetchHandler(
  context: () => Pick<ServiceContext, 'ecbRates' | 'clock' | 'infra'> = () => ({
    ecbRates: ecbRateService(),
    clock: infrastructure().clock,
    infra: infrastructure(),
  }),
  metrics: () => MetricsPort = emfMetrics,
) {
  return async (_event?: unknown, lambdaContext?: Context): Promise<ScheduledFetchOutcome> => {
    const ctx = context();
    const url = ecbApiUrl();
    const now = ctx.clock.now();
    const log = invocationLogger({
      operation: 'releverTauxBce',
      correlationId: lambdaContext?.awsRequestId ?? `releve-${now.toISOString()}`,
      ...(lambdaContext?.awsRequestId ? { context: lambdaContext } : {}),
    });
    const ecb = new EcbRateImport(ctx.ecbRates, ctx.infra.ecbSeries ?? ecbSeriesReader(url));
    const outcome = await runWithLogger(log, () => ecb.scheduledFetch(SCHEDULED_FETCH_BY, now, url));
    metrics().publish({
      [ECB_RATE_METRICS.missingHalfYear]: outcome.missing ? 1 : 0,
      [ECB_RATE_METRICS.fetchFailed]: outcome.failure ? 1 : 0,
      [ECB_RATE_METRICS.recorded]: outcome.report?.enregistres.length ?? 0,
    });
    // Powertools reserves the key `message`: the French sentences go under `detail`.
    if (outcome.failure) {
      log.error('relevé des taux de la BCE en échec', {
        url,
        code: outcome.failure.code,
        detail: outcome.failure.message,
      });
    }
    if (outcome.report?.refuses.length) log.error('taux de la BCE refusés', { refuses: outcome.report.refuses });
    if (outcome.missing) {
      log.error('taux de la BCE du semestre en cours manquant', {
        semestre: outcome.missing.semestre,
        detail: outcome.missing.message,
      });
    }
    log.info('relevé des taux de la BCE', {
      enregistres: outcome.report?.enregistres ?? [],
      dejaConnus: outcome.report?.dejaConnus.length ?? 0,
    });
    return outcome;
  };
}

export const handler = scheduledFetchHandler();
