import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { ECB_RATE_METRICS, METRICS_NAMESPACE, METRICS_SERVICE } from '../../shared/adapters/metrics';
import type { Alerts } from './alerts';
import type { Functions } from './functions';

/** The registry key of the scheduled fetch (functions/rates/lambdas.ts). */
export const ECB_FETCH_FUNCTION = 'tauxBceReleve';

export interface EcbRatesProps {
  readonly functions: Functions;
  readonly alerts: Alerts;
  /** The ECB Data Portal API address the fetch reads (default: the function's, DEFAULT_ECB_API_URL). */
  readonly ecbApiUrl?: string;
}

/**
 * ECB rates kept current on AWS (docs/ecb-rates.md): the scheduled fetch (its schedule is built by `Schedules` from
 * the registry) reads the endpoint given here, and two alarms watch the figures it publishes:
 * - the current half-year has started without a rate (or the check has not run for a day): interest of dossiers
 *   late in that half-year cannot be computed until the rate is recorded;
 * - the ECB could not be read, or its answer was refused, at every run of a day.
 * Does nothing when the registry has no such function (test registries).
 */
export class EcbRates extends Construct {
  readonly missingHalfYear?: cloudwatch.Alarm;
  readonly fetchFailing?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: EcbRatesProps) {
    super(scope, id);
    const fn = props.functions.entries().find(([key]) => key === ECB_FETCH_FUNCTION)?.[1];
    if (!fn) return;
    if (props.ecbApiUrl) fn.addEnvironment('ECB_API_URL', props.ecbApiUrl);

    const metric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: METRICS_SERVICE },
        statistic,
        period: Duration.days(1),
      });
    this.missingHalfYear = props.alerts.watch(
      new cloudwatch.Alarm(this, 'MissingHalfYear', {
        alarmDescription:
          'Le semestre en cours a commencé sans taux de la BCE enregistré (ou le relevé planifié ne tourne plus) : ' +
          'les intérêts moratoires de ce semestre ne peuvent pas être calculés. Enregistrez le taux : ' +
          'npm run taux-bce -- relever (TABLE_NAME de la table), importer FICHIER.csv, ou POST /v1/taux-bce.',
        metric: metric(ECB_RATE_METRICS.missingHalfYear, 'Maximum'),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    );
    this.fetchFailing = props.alerts.watch(
      new cloudwatch.Alarm(this, 'FetchFailing', {
        alarmDescription:
          'Le relevé planifié des taux de la BCE a échoué à chaque exécution depuis un jour (API injoignable ou ' +
          'réponse refusée ; le détail est dans les journaux de la fonction). Vérifiez ECB_API_URL.',
        metric: metric(ECB_RATE_METRICS.fetchFailed, 'Minimum'),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
