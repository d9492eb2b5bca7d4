import { afterEach, describe, expect, it, vi } from 'vitest';
import { ECB_RATE_METRICS, emfMetrics, METRICS_NAMESPACE, METRICS_SERVICE } from '../../../shared/adapters/metrics';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('operational metrics (Embedded Metric Format)', () => {
  it('writes one EMF line in the namespace and with the only dimension the alarms watch', () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    emfMetrics().publish({ [ECB_RATE_METRICS.missingHalfYear]: 1, [ECB_RATE_METRICS.recorded]: 0 });
    const emf = lines.map((l) => JSON.parse(l)).find((l) => l._aws);
    expect(emf._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: METRICS_NAMESPACE,
        Dimensions: [['service']],
        Metrics: [
          { Name: 'SemestreSansTauxBce', Unit: 'Count' },
          { Name: 'TauxBceEnregistres', Unit: 'Count' },
        ],
      },
    ]);
    expect(emf).toMatchObject({ service: METRICS_SERVICE, SemestreSansTauxBce: 1, TauxBceEnregistres: 0 });
  });
});
