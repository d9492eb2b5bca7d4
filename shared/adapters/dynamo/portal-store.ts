import type { ChainedEvent } from '../audit';
import type { DocumentClient } from './document-client';
import { GetCommand, QueryCommand } from './document-client';
import { keys } from './keys';

/**
 * The portal's own reads (keys.ts): the last audit events of a dossier (Query pk = DOSSIER#id, sk begins_with
 * EVENT#, newest first, Limit n) and structures' names (GetItem STRUCT#siret META). Every call is bounded.
 */
export class PortalStore {
  constructor(
    private readonly client: DocumentClient,
    private readonly table: string,
  ) {}

  /** The dossier's `limit` most recent audit events, newest first. */
  async lastEvents(dossierId: string, limit: number): Promise<ChainedEvent[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
        ExpressionAttributeValues: { ':pk': keys.dossier(dossierId).pk, ':e': 'EVENT#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map((i) => i.event as ChainedEvent).filter((e) => e && typeof e.at === 'string');
  }

  /** Raison sociale by SIRET, for the SIRETs given (at most 50; unknown ones are left out). */
  async structureNames(sirets: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(sirets)];
    if (unique.length > 50) throw new RangeError('at most 50 structures per read');
    const names = await Promise.all(
      unique.map(async (siret) => {
        const res = await this.client.send(
          new GetCommand({ TableName: this.table, Key: keys.structure(siret), ProjectionExpression: 'raisonSociale' }),
        );
        const name = res.Item?.raisonSociale;
        return typeof name === 'string' ? ([siret, name] as const) : undefined;
      }),
    );
    return new Map(names.filter((n): n is readonly [string, string] => n !== undefined));
  }
}
