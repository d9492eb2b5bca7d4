import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Operational metrics, written as CloudWatch Embedded Metric Format lines on the function's standard output
 * (Powertools Metrics): CloudWatch turns them into metrics without any API call or permission; the alarms of
 * `infra/constructs/alerts.ts` watch them. Every metric carries the one dimension `service`.
 */
export const METRICS_NAMESPACE = 'FacturesTravaux';
export const METRICS_SERVICE = 'factures-travaux';

/** The metrics of the scheduled fetch of the ECB rates (docs/ecb-rates.md). */
export const ECB_RATE_METRICS = {
  /** 1 when the current half-year has started without a recorded rate, else 0. */
  missingHalfYear: 'SemestreSansTauxBce',
  /** 1 when the ECB could not be read or its answer was refused, else 0. */
  fetchFailed: 'ReleveTauxBceEnEchec',
  /** Half-years recorded by this run. */
  recorded: 'TauxBceEnregistres',
} as const;

export interface MetricsPort {
  /** Counts, published at once as one EMF line. */
  publish(counts: Readonly<Record<string, number>>): void;
}

export function emfMetrics(): MetricsPort {
  return {
    publish(counts) {
      const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
      for (const [name, value] of Object.entries(counts)) metrics.addMetric(name, MetricUnit.Count, value);
      metrics.publishStoredMetrics();
    },
  };
}
