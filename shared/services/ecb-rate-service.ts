import type { EcbRateStore } from '../adapters/dynamo/ecb-rate-store';
import { type CalendarDate, parisDateOf } from '../domain/calendar';
import { type EcbRateTable, halfYearLabel } from '../domain/dgp';
import { isDomainError } from '../domain/errors';
import {
  checkEcbRate,
  currentHalfYear,
  type EcbRateEntry,
  type EcbRateInput,
  halfYearRatesFrom,
  parseEcbCsv,
  type RecordedEcbRate,
} from '../domain/rates';

/**
 * ECB rates as data (docs/ecb-rates.md): the one place that records a rate, whatever the way in (scheduled fetch,
 * CSV import, operator API, seed), and the one place views read the table from.
 */
export interface EcbRateServiceDeps {
  readonly store: EcbRateStore;
  /** Reads the ECB series (SDMX-CSV text): the ECB Data Portal API (`ecbSeriesReader`), a recorded answer in tests. */
  readonly fetchSeries: () => Promise<string>;
}

export interface RecordReport {
  readonly enregistres: RecordedSummary[];
  readonly dejaConnus: RecordedSummary[];
  readonly refuses: { readonly semestre: string; readonly code: string; readonly message: string }[];
}

export interface RecordedSummary {
  readonly semestre: CalendarDate;
  readonly tauxPointsBase: number;
}

/** What one scheduled fetch did (docs/ecb-rates.md): the recording, or why the ECB gave nothing usable. */
export interface ScheduledFetchOutcome {
  readonly report?: RecordReport;
  readonly failure?: { readonly code: string; readonly message: string };
  /** The current half-year when it has started without a rate (what the alarm is about). */
  readonly missing?: { readonly semestre: CalendarDate; readonly message: string };
}

export class EcbRateService {
  private readonly store: EcbRateStore;

  constructor(private readonly deps: EcbRateServiceDeps) {
    this.store = deps.store;
  }

  /** The table interest is computed from (one Query). */
  async table(): Promise<EcbRateTable> {
    return (await this.store.list()).map((r) => ({ halfYearStart: r.halfYearStart, rateBp: r.rateBp }));
  }

  list(): Promise<RecordedEcbRate[]> {
    return this.store.list();
  }

  journal() {
    return this.store.journal();
  }

  /** One rate given by a person (operator API): validated, recorded once. Throws the refusal. */
  async recordOne(input: EcbRateInput, by: string, now: Date): Promise<{ outcome: string; rate: RecordedEcbRate }> {
    const entry = checkEcbRate(input, parisDateOf(now));
    const outcome = await this.store.record(entry, by, now);
    const rate = await this.store.get(entry.halfYearStart);
    return { outcome, rate: rate! };
  }

  /**
   * Rates read from a source, all validated before the first write (a malformed one stops everything); then each
   * recorded once, a conflicting one reported without stopping the others.
   */
  async recordAll(entries: readonly EcbRateEntry[], by: string, now: Date): Promise<RecordReport> {
    const today = parisDateOf(now);
    const checked = entries.map((e) => checkEcbRate(e, today));
    const report: RecordReport = { enregistres: [], dejaConnus: [], refuses: [] };
    for (const entry of checked) {
      const summary = { semestre: entry.halfYearStart, tauxPointsBase: entry.rateBp };
      try {
        const outcome = await this.store.record(entry, by, now);
        (outcome === 'ENREGISTRE' ? report.enregistres : report.dejaConnus).push(summary);
      } catch (e) {
        if (!isDomainError(e)) throw e;
        report.refuses.push({ semestre: entry.halfYearStart, code: e.code, message: e.message });
      }
    }
    return report;
  }

  /** The CSV the ECB Data Portal exports (or the API's SDMX-CSV), taken as covering the series up to today. */
  importCsv(text: string, by: string, now: Date, reference?: string): Promise<RecordReport> {
    const entries = halfYearRatesFrom(parseEcbCsv(text), {
      coveredUntil: parisDateOf(now),
      source: 'CSV_BCE',
      ...(reference !== undefined ? { reference } : {}),
    });
    return this.recordAll(entries, by, now);
  }

  /** Fetches the series from the ECB and records what it establishes (the scheduled function, `relever`). */
  async fetchFromEcb(by: string, now: Date, reference: string): Promise<RecordReport> {
    const text = await this.deps.fetchSeries();
    const entries = halfYearRatesFrom(parseEcbCsv(text), {
      coveredUntil: parisDateOf(now),
      source: 'API_BCE',
      reference,
    });
    return this.recordAll(entries, by, now);
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
    const missing = await this.missingCurrent(now);
    return { ...(report ? { report } : {}), ...(failure ? { failure } : {}), ...(missing ? { missing } : {}) };
  }

  /** The current half-year when its rate is not recorded (what the alarm is about), else undefined. */
  async missingCurrent(now: Date): Promise<{ semestre: CalendarDate; message: string } | undefined> {
    const today = parisDateOf(now);
    const start = currentHalfYear(today);
    if (await this.store.get(start)) return undefined;
    return {
      semestre: start,
      message: `Le taux de la BCE du ${halfYearLabel(start)} (en vigueur le ${start}) n'est pas enregistré : les intérêts moratoires qui commencent ce semestre ne peuvent pas être calculés.`,
    };
  }
}
