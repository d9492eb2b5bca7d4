import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import type { CalendarDate } from '../../domain/calendar';
import { isCalendarDate } from '../../domain/calendar';
import { DomainError } from '../../domain/errors';
import { formatRate } from '../../domain/money';
import { ECB_RATE_SOURCES, type EcbRateEntry, type RecordedEcbRate } from '../../domain/rates';
import { type DocumentClient, GetCommand, TransactionCanceledException, TransactWriteCommand } from './document-client';
import type { Keys } from './keys';
import { queryAll, type RawItem } from './query';

/**
 * The ECB rate table (docs/ecb-rates.md): one item per half-year, and an append-only journal of every recording.
 *
 * | item                | pk / sk                                                 |
 * |---------------------|---------------------------------------------------------|
 * | a half-year's rate  | TAUX_BCE / SEMESTRE#2026-07-01                          |
 * | a journal entry     | TAUX_BCE / JOURNAL#<recordedAt>#<half-year>#<random>    |
 *
 * "The table" is one Query of a partition of ~25 items (two per year); views read it at each request, so that a
 * rate recorded anywhere (CLI, API, scheduled fetch) shows at once everywhere. A half-year's rate is written once:
 * the same value again is ignored (a re-published series), a different one is refused (TAUX_BCE_DEJA_ENREGISTRE),
 * never overwritten silently. The rate and its journal entry are written in one transaction.
 */
export const ecbRateKeys = {
  partition: 'TAUX_BCE',
  rate: (halfYearStart: string): Keys => ({ pk: 'TAUX_BCE', sk: `SEMESTRE#${halfYearStart}` }),
  journal: (recordedAt: string, halfYearStart: string): Keys => ({
    pk: 'TAUX_BCE',
    sk: `JOURNAL#${recordedAt}#${halfYearStart}#${randomUUID().slice(0, 8)}`,
  }),
} as const;

const calendar = z.string().check(z.refine(isCalendarDate));
const storedRate = z.object({
  halfYearStart: calendar,
  rateBp: z.number().check(z.int()),
  source: z.enum(ECB_RATE_SOURCES),
  effectiveSince: z.optional(calendar),
  reference: z.optional(z.string()),
  recordedAt: z.string(),
  recordedBy: z.string(),
});

export interface EcbRateJournalEntry {
  readonly at: string;
  readonly by: string;
  readonly halfYearStart: CalendarDate;
  readonly rateBp: number;
  readonly source: string;
  readonly reference?: string;
}

export type RecordOutcome = 'ENREGISTRE' | 'DEJA_CONNU';

/** A different value offered for a half-year already recorded (409). */
export class EcbRateAlreadyRecorded extends DomainError {
  constructor(
    readonly existing: RecordedEcbRate,
    readonly offered: EcbRateEntry,
  ) {
    super(
      'TAUX_BCE_DEJA_ENREGISTRE',
      `Le taux du semestre commençant le ${existing.halfYearStart} est déjà enregistré à ${formatRate(existing.rateBp)} % ` +
        `(${existing.source}, le ${existing.recordedAt.slice(0, 10)}) ; la valeur proposée, ${formatRate(offered.rateBp)} %, en diffère : ` +
        "rien n'a été modifié. Vérifiez la source.",
      'CONFLICT',
      [{ path: 'semestre', message: existing.halfYearStart }],
    );
  }
}

/**
 * How long a process reuses the rate table it read (real elapsed time, not the business clock). Recorded rates
 * never change (`record` refuses another value for a known half-year), so a table read earlier can only lack a
 * half-year recorded since: a rate recorded in this process clears it at once, one recorded by another process
 * (the scheduled fetch on AWS, twice a year) is seen within this delay. Spares the views and decisions one Query.
 */
export const ECB_RATE_CACHE_MS = 60_000;

/** The rate tables read in this process, by table name (a rate recorded through any client of the table clears it). */
const readTables = new Map<string, { readonly at: number; readonly rates: Promise<RecordedEcbRate[]> }>();

export class EcbRateStore {
  constructor(
    readonly client: DocumentClient,
    readonly table: string,
  ) {}

  /** Every recorded half-year, oldest first, as read at most ECB_RATE_CACHE_MS ago in this process. */
  recent(now = performance.now()): Promise<RecordedEcbRate[]> {
    const held = readTables.get(this.table);
    if (held && now - held.at < ECB_RATE_CACHE_MS) return held.rates;
    const rates = this.list();
    readTables.set(this.table, { at: now, rates });
    // A failed read is not kept
    rates.catch(() => readTables.delete(this.table));
    return rates;
  }

  private forgetRecent(): void {
    readTables.delete(this.table);
  }

  /** Every recorded half-year, oldest first. */
  async list(): Promise<RecordedEcbRate[]> {
    const items = await this.queryPrefix('SEMESTRE#');
    return items.map((item) => storedRate.parse(item) as RecordedEcbRate);
  }

  async get(halfYearStart: string): Promise<RecordedEcbRate | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: ecbRateKeys.rate(halfYearStart), ConsistentRead: true }),
    );
    return Item ? (storedRate.parse(Item) as RecordedEcbRate) : undefined;
  }

  /** The journal, oldest first. */
  async journal(): Promise<EcbRateJournalEntry[]> {
    const items = await this.queryPrefix('JOURNAL#');
    return items.map((i) => ({
      at: String(i.at),
      by: String(i.by),
      halfYearStart: i.halfYearStart as CalendarDate,
      rateBp: Number(i.rateBp),
      source: String(i.source),
      ...(typeof i.reference === 'string' ? { reference: i.reference } : {}),
    }));
  }

  /**
   * Records a validated rate (`checkEcbRate`) once. Same value already there → DEJA_CONNU, nothing written;
   * a different value → EcbRateAlreadyRecorded, nothing written.
   */
  async record(entry: EcbRateEntry, by: string, now: Date): Promise<RecordOutcome> {
    const recordedAt = now.toISOString();
    const rate: RecordedEcbRate = { ...entry, recordedAt, recordedBy: by };
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...ecbRateKeys.rate(entry.halfYearStart), entity: 'TAUX_BCE', ...rate },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...ecbRateKeys.journal(recordedAt, entry.halfYearStart),
                  entity: 'TAUX_BCE_JOURNAL',
                  at: recordedAt,
                  by,
                  halfYearStart: entry.halfYearStart,
                  rateBp: entry.rateBp,
                  source: entry.source,
                  ...(entry.reference !== undefined ? { reference: entry.reference } : {}),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      this.forgetRecent();
      return 'ENREGISTRE';
    } catch (e) {
      if (!(e instanceof TransactionCanceledException)) throw e;
      if (e.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed') throw e;
      const existing = await this.get(entry.halfYearStart);
      if (!existing) throw e;
      if (existing.rateBp === entry.rateBp) return 'DEJA_CONNU';
      throw new EcbRateAlreadyRecorded(existing, entry);
    }
  }

  private queryPrefix(prefix: string): Promise<RawItem[]> {
    return queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': ecbRateKeys.partition, ':prefix': prefix },
      ConsistentRead: true,
    });
  }
}
