import type { DocumentClient } from './document-client';
import type { StoredPending } from './dossier-types';
import { keys, TABLE_KEYS } from './keys';
import { type KeyedPage, queryAll, queryPage, type RawItem } from './query';
import { type StructureCounts, sumCounters } from './structure-counters';

const gsi = TABLE_KEYS.gsi1;

/** Which page of a listing: at most `limit` items (100 by default), after `cursor` (a `next` received). */
export interface PageRequest {
  readonly limit?: number;
  readonly cursor?: string;
}

/** A page of a listing; `next` only when more items follow. */
export interface Paged<T> {
  readonly items: T[];
  readonly next?: string;
}

export interface OpenClock {
  readonly dossierId: string;
  readonly clock: unknown;
  readonly echeance: string;
  readonly interestBase?: { amountDueCents: number; retenueGarantieCents: number };
  /** Absent on clocks written before they carried them. */
  readonly marcheId?: string;
  readonly piece?: { cadre: string; numero: string };
}

/**
 * The cross-dossier views the dossier saves keep up to date: "Tableau de bord" counts and the Synthèse's total (the
 * structure's counters, `COUNT#siret`), "Synthèse" pending actions (GSI1 `PENDING#siret`) and a public buyer's open
 * DGP clocks (GSI1 `DGP#siret`: the MOA's and the service financier's). Each is one Query, bounded whatever the
 * structure's size; none reads a dossier partition (the open dossiers: `OpenDossierIndex`). Held by `DossierStore`
 * as its `indexes`.
 */
export class DossierIndexes {
  constructor(
    private readonly client: DocumentClient,
    private readonly table: string,
  ) {}

  /** Counts by status for a structure ("Tableau de bord"): the sum of its counter shards, one Query. */
  async countsByStatus(siret: string): Promise<Record<string, number>> {
    return { ...(await this.countersOf(siret)).byStatus };
  }

  /** A structure's counters (dossiers by status, pending actions): one Query on `COUNT#siret`, its shards summed. */
  async countersOf(siret: string): Promise<StructureCounts> {
    const shards = await queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.structureCounter(siret, 0).pk },
    });
    return sumCounters(shards);
  }

  /**
   * One page of a structure's pending actions, soonest deadline first ("Synthèse"), with the cursor of the next page
   * when more follow; `countPending` says how many there are in all.
   */
  async pendingFor(
    siret: string,
    page: PageRequest = {},
  ): Promise<Paged<{ dossierId: string; pending: StoredPending }>> {
    const { items, next } = await this.gsi1Page(`PENDING#${siret}`, page);
    return {
      items: items.map((i) => ({ dossierId: dossierIdOf(i), pending: i.pending as StoredPending })),
      ...(next ? { next } : {}),
    };
  }

  /** How many pending actions a structure has (its counters, kept by the dossier saves). */
  async countPending(siret: string): Promise<number> {
    return (await this.countersOf(siret)).pending;
  }

  /**
   * One page of a public buyer's open DGP clocks by échéance, overdue first (the dossiers it is the MOA or the service
   * financier of); `allOpenClocksOf` reads them all (totals).
   */
  async openClocksOf(siret: string, page: PageRequest = {}): Promise<Paged<OpenClock>> {
    const { items, next } = await this.gsi1Page(`DGP#${siret}`, page);
    return { items: items.map(openClockOf), ...(next ? { next } : {}) };
  }

  /** Every open DGP clock of a public buyer (what the totals of the Délais sum: all of them, not one page). */
  async allOpenClocksOf(siret: string): Promise<OpenClock[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      IndexName: gsi.name,
      KeyConditionExpression: `${gsi.partitionKey} = :pk`,
      ExpressionAttributeValues: { ':pk': `DGP#${siret}` },
    });
    return items.map(openClockOf);
  }

  /** One page of a GSI1 partition, in sort-key order (deadlines, échéances), from a validated cursor. */
  private gsi1Page(partition: string, page: PageRequest): Promise<KeyedPage> {
    return queryPage(
      this.client,
      {
        TableName: this.table,
        IndexName: gsi.name,
        KeyConditionExpression: `${gsi.partitionKey} = :pk`,
        ExpressionAttributeValues: { ':pk': partition },
      },
      {
        limit: page.limit ?? 100,
        ...(page.cursor ? { cursor: page.cursor } : {}),
        shape: {
          attributes: [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, gsi.partitionKey, gsi.sortKey],
          partition: { name: gsi.partitionKey, value: partition },
        },
      },
    );
  }
}

const dossierIdOf = (i: RawItem): string => String(i.pk).slice('DOSSIER#'.length);

/** An open DGP clock from its index item. */
function openClockOf(i: RawItem): OpenClock {
  const base = i.interestBase as { amountDueCents?: unknown; retenueGarantieCents?: unknown } | null | undefined;
  const piece = i.piece as { cadre?: unknown; numero?: unknown } | null | undefined;
  return {
    dossierId: dossierIdOf(i),
    clock: i.clock,
    echeance: String(i.gsi1sk).split('#')[0] ?? '',
    ...(typeof i.marcheId === 'string' ? { marcheId: i.marcheId } : {}),
    ...(piece && typeof piece.cadre === 'string' && typeof piece.numero === 'string'
      ? { piece: { cadre: piece.cadre, numero: piece.numero } }
      : {}),
    ...(base && typeof base.amountDueCents === 'number'
      ? {
          interestBase: {
            amountDueCents: base.amountDueCents,
            retenueGarantieCents: Number(base.retenueGarantieCents ?? 0),
          },
        }
      : {}),
  };
}
