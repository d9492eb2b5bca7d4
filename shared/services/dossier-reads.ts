import type { Clock } from '../adapters/clock';
import type { DossierPartitionReader } from '../adapters/dynamo/dossier-partition';
import { type CalendarDate, parisDateOf } from '../domain/calendar';
import { amountDue, type Dossier, type PendingAction, pendingActionOf, retenueGarantie } from '../domain/circuits';
import { type ClockViewOptions, clockView, type DgpClock, type DgpClockView, type EcbRateTable } from '../domain/dgp';
import type { Marche } from '../domain/marche';
import { type DossierRecord, unknownDossier } from './decisions';

export interface DossierReadsDeps {
  readonly store: DossierPartitionReader;
  readonly clock: Clock;
  /** The ECB rate table held in the database (docs/ecb-rates.md), read for each view. */
  readonly loadEcbRates?: () => Promise<EcbRateTable>;
  /** A fixed table instead (tests); neither → every half-year unknown. */
  readonly ecbRates?: EcbRateTable;
}

/**
 * A dossier as it is read: the stored record, its pending action and its DGP clock as of today. What the read
 * functions need of the dossiers, without the rule book that decides (`DossierService`, which extends it), so that
 * their bundles leave the transitions out (issue 16).
 */
export class DossierReads<D extends DossierReadsDeps = DossierReadsDeps> {
  constructor(protected readonly deps: D) {}

  async load(dossierId: string): Promise<DossierRecord> {
    const record = await this.deps.store.load<Dossier, DgpClock>(dossierId);
    if (!record) throw unknownDossier(dossierId);
    return record;
  }

  async find(dossierId: string): Promise<DossierRecord | undefined> {
    return this.deps.store.load<Dossier, DgpClock>(dossierId);
  }

  /** The ECB rates interest is computed from: the table as it stands now. */
  async ecbRates(): Promise<EcbRateTable> {
    if (this.deps.loadEcbRates) return this.deps.loadEcbRates();
    return this.deps.ecbRates ?? [];
  }

  /** The DGP clock as of today with the current ECB rate table: what every view shows. */
  async currentClockView(record: DossierRecord, today?: CalendarDate): Promise<DgpClockView | null> {
    if (!record.clock) return null;
    return this.clockView(record, today, { ecbRates: await this.ecbRates() });
  }

  /** The DGP clock as of today (Paris), with interest when late, from the table given (`currentClockView` reads it). */
  clockView(
    record: DossierRecord,
    today: CalendarDate = parisDateOf(this.deps.clock.now()),
    opts: Pick<ClockViewOptions, 'ecbRates'> = {},
  ): DgpClockView | null {
    if (!record.clock) return null;
    const due = amountDue(record.state);
    return clockView(record.clock, today, {
      amountDueCents: due,
      retenueGarantieCents: due === undefined ? undefined : retenueGarantie(record.state, due),
      ecbRates: opts.ecbRates ?? this.deps.ecbRates,
    });
  }

  /** Current pending action derived from the stored dossier (what a resumed execution waits for). */
  pendingOf(record: DossierRecord, marche: Marche): PendingAction | null {
    return pendingActionOf(marche, record.state);
  }
}
