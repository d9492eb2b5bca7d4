import type { EcbRateStore } from '../adapters/dynamo/ecb-rate-store';
import { ECB_MAIN_REFINANCING_RATES } from '../domain/dgp';
import { EcbRateService, type RecordReport } from '../services/ecb-rate-service';

/**
 * Seeds the ECB rate table once with the values known when the code was written (source AMORCE). Idempotent: a
 * half-year already recorded (by an earlier seed, a fetch or an import) is left as it is; a different value
 * already there is reported, never overwritten. Later half-years come from the ECB (docs/ecb-rates.md).
 */
export async function seedEcbRates(store: EcbRateStore, now: Date): Promise<RecordReport> {
  return new EcbRateService({ store }).recordAll(
    ECB_MAIN_REFINANCING_RATES.map((r) => ({
      halfYearStart: r.halfYearStart,
      rateBp: r.rateBp,
      source: 'AMORCE' as const,
      reference: 'taux connus à la mise en service (taux directeurs publiés par la BCE)',
    })),
    'AMORCE',
    now,
  );
}
