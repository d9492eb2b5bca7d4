import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Stored, StoredMarche } from '../../domain/records';
import type { Membership, Structure, User } from '../../domain/structures';
import { membershipFrom, structureFrom, userFrom } from './identity-items';
import { type Keys, keys } from './keys';
import { marcheFrom } from './marche-store';
import type { RawItem } from './query';

/**
 * What decides a caller's access for the structure it names (its acting SIRET): its account, its attachment to that
 * structure, and the structure's card. The card comes without its services (SERVICE# items): the access decision
 * reads the spaces, the activity and the successor, never the services.
 */
export interface CallerAccess {
  readonly user: Stored<User> | undefined;
  readonly membership: Stored<Membership> | undefined;
  readonly structure: Stored<Structure> | undefined;
}

/**
 * The marché and the caller's access items in ONE consistent BatchGet (four point reads), where they would cost a
 * Get of the marché, a Get of the user, a Query of its attachments and a Query of its structure: the round trips of
 * an actor's decision and of a dossier's read (issue "Performance": ≤ 5 and ≤ 2).
 */
export class AccessReads {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async marcheWithAccess(
    marcheId: string,
    userId: string,
    siret: string,
  ): Promise<{ marche: StoredMarche | undefined; access: CallerAccess }> {
    const wanted = {
      marche: keys.marche(marcheId),
      user: keys.user(userId),
      membership: keys.membership(siret, userId),
      structure: keys.structure(siret),
    };
    const found = await this.batchGet(Object.values(wanted));
    const at = (k: Keys) => found.get(`${k.pk}\u0000${k.sk}`);
    const marche = at(wanted.marche);
    const user = at(wanted.user);
    const membership = at(wanted.membership);
    const structure = at(wanted.structure);
    return {
      marche: marche ? marcheFrom(marche) : undefined,
      access: {
        user: user ? userFrom(user) : undefined,
        membership: membership ? membershipFrom(membership) : undefined,
        structure: structure ? structureFrom(structure, []) : undefined,
      },
    };
  }

  /** The items found, by `pk NUL sk`; keys DynamoDB leaves unprocessed are asked again. */
  private async batchGet(wanted: readonly Keys[]): Promise<Map<string, RawItem>> {
    const found = new Map<string, RawItem>();
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
      [this.table]: { Keys: wanted.map((k) => ({ pk: k.pk, sk: k.sk })), ConsistentRead: true },
    };
    while (request && Object.keys(request).length > 0) {
      const page = await this.client.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of (page.Responses?.[this.table] ?? []) as RawItem[]) {
        found.set(`${String(item.pk)}\u0000${String(item.sk)}`, item);
      }
      request = page.UnprocessedKeys as typeof request;
    }
    return found;
  }
}
