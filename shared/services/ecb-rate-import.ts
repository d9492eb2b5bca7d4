import { type CalendarDate, parisDateOf } from '../domain/calendar';
import { isDomainError } from '../domain/errors';
import { halfYearRatesFrom, parseEcbCsv } from '../domain/rates';
import type { EcbRateService, RecordReport } from './ecb-rate-service';

/** What one scheduled fetch did (docs/ecb-rates.md): the recording, or why the ECB gave nothing usable. */
export interface ScheduledFetchOutcome {
  readonly report?: RecordReport;
  readonly failure?: { readonly code: string; readonly message: string };
  /** The current half-year when it has started without a rate (what the alarm is about). */
  readonly missing?: { readonly semestre: CalendarDate; readonly message: string };
}

/**
 * The two ways in that read the ECB's own series (docs/ecb-rates.md): the CSV the ECB Data Portal exports
 * (`npm run taux-bce -- importer`) and the scheduled fetch of its API; both record through `EcbRateService`, which
 * validates every rate the same way.
 */
export class EcbRateImport {
  /**
   * @param rates where the rates are recorded
   * @param fetchSeries reads the ECB series (SDMX-CSV text): the ECB Data Portal API (`ecbSeriesReader`), a recorded
   *   answer in tests
   */
  constructor(
    private readonly rates: EcbRateService,
    private readonly fetchSeries: () => Promise<string>,
  ) {}

  /** The CSV the ECB Data Portal exports (or the API's SDMX-CSV), taken as covering the series up to today. */
  importCsv(text: string, by: string, now: Date, reference?: string): Promise<RecordReport> {
    const entries = halfYearRatesFrom(parseEcbCsv(text), {
      coveredUntil: parisDateOf(now),
      source: 'CSV_BCE',
      ...(reference !== undefined ? { reference } : {}),
    });
    return this.rates.recordAll(entries, by, now);
  }

  /** Fetches the series from the ECB and records what it establishes (the scheduled function, `relever`). */
  async fetchFromEcb(by: string, now: Date, reference: string): Promise<RecordReport> {
    const text = await this.fetchSeries();
    const entries = halfYearRatesFrom(parseEcbCsv(text), {
      coveredUntil: parisDateOf(now),
      source: 'API_BCE',
      reference,
    });
    return this.rates.recordAll(entries, by, now);
  }

  /**
   * The scheduled function on AWS: fetch and record, then check the current half-year. A refused or failed fetch
   * is an outcome, not a throw, so that the check still runs (a store failure still throws: the next run retries).
   */
  async scheduledFetch(by: string, now: Date, reference: string): Promise<ScheduledFetchOutcome> {
    let report: RecordReport | undefined;
    let failure: ScheduledFetchOutcome['failure'];
    try {
      report = await this.fetchFromEcb(by, now, reference);
    } catch (e) {
      if (!isDomainError(e)) throw e;
      failure = { code: e.code, message: e.message };
    }
    const missing = await this.rates.missingCurrent(now);
    return { ...(report ? { report } : {}), ...(failure ? { failure } : {}), ...(missing ? { missing } : {}) };
  }
}
