import type { EcbRateStore } from '../adapters/dynamo/ecb-rate-store';
import { type CalendarDate, parisDateOf } from '../domain/calendar';
import { type EcbRateTable, halfYearLabel } from '../domain/dgp';
import { isDomainError } from '../domain/errors';
import {
  checkEcbRate,
  currentHalfYear,
  type EcbRateEntry,
  type EcbRateInput,
  type RecordedEcbRate,
} from '../domain/rates';

/**
 * ECB rates as data (docs/ecb-rates.md): the one place that records a rate, whatever the way in (scheduled fetch,
 * CSV import, operator API, seed), and the one place views read the table from. Reading the ECB's series (the CSV
 * parser) is `EcbRateImport`'s (`ecb-rate-import.ts`), built only by the functions that import, so that the others
 * do not bundle the parser.
 */
export interface EcbRateServiceDeps {
  readonly store: EcbRateStore;
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

export class EcbRateService {
  private readonly store: EcbRateStore;

  constructor(deps: EcbRateServiceDeps) {
    this.store = deps.store;
  }

  /** The table interest is computed from (one Query, reused for a short while: `EcbRateStore.recent`). */
  async table(): Promise<EcbRateTable> {
    return (await this.store.recent()).map((r) => ({ halfYearStart: r.halfYearStart, rateBp: r.rateBp }));
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
