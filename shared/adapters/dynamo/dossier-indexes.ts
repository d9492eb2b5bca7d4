import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StoredPending } from './dossier-types';
import { gsi2 } from './keys';
import { queryAll, type RawItem } from './query';

/**
 * The cross-dossier views the dossier saves keep up to date: "Tableau de bord" counts (GSI2 `BOARD#siret`),
 * "Synthèse" pending actions (GSI1 `PENDING#siret`) and a MOA's open DGP clocks (GSI1 `DGP#siret`). Each is one
 * Query on an index; none reads a dossier partition (the open dossiers: `OpenDossierIndex`).
 */
export class DossierIndexes {
  constructor(
    protected readonly client: DynamoDBDocumentClient,
    protected readonly table: string,
  ) {}

  /** Counts by status for a structure ("Tableau de bord"): one Query on GSI2 (`BOARD#siret`), keys only. */
  async countsByStatus(siret: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    const items = await queryAll(this.client, {
      TableName: this.table,
      IndexName: 'GSI2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': gsi2.boardOf(siret, '', '').gsi2pk },
      ProjectionExpression: '#s',
      ExpressionAttributeNames: { '#s': 'status' },
    });
    for (const i of items) out[String(i.status)] = (out[String(i.status)] ?? 0) + 1;
    return out;
  }

  /** Pending actions of a structure, soonest deadline first ("Synthèse"). */
  async pendingFor(siret: string, limit = 100): Promise<{ dossierId: string; pending: StoredPending }[]> {
    return (await this.gsi1Page(`PENDING#${siret}`, limit)).map((i) => ({
      dossierId: dossierIdOf(i),
      pending: i.pending as StoredPending,
    }));
  }

  /** Open DGP clocks of a MOA by échéance, overdue first. */
  async openClocksOf(
    moaSiret: string,
    limit = 100,
  ): Promise<
    {
      dossierId: string;
      clock: unknown;
      echeance: string;
      interestBase?: { amountDueCents: number; retenueGarantieCents: number };
      /** Absent on clocks written before they carried them. */
      marcheId?: string;
      piece?: { cadre: string; numero: string };
    }[]
  > {
    return (await this.gsi1Page(`DGP#${moaSiret}`, limit)).map((i) => {
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
    });
  }

  /** One page of a GSI1 partition, in sort-key order (deadlines, échéances). */
  private async gsi1Page(partition: string, limit: number): Promise<RawItem[]> {
    return queryAll(
      this.client,
      {
        TableName: this.table,
        IndexName: 'GSI1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        Limit: limit,
      },
      limit,
    );
  }
}

const dossierIdOf = (i: RawItem): string => String(i.pk).slice('DOSSIER#'.length);
