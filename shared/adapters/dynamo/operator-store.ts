import { DeleteCommand, type DocumentClient, GetCommand, PutCommand, QueryCommand } from './document-client';
import type { Keys } from './keys';

/**
 * Platform operators (docs/ecb-rates.md): the people who run the platform itself, not a role on a marché. One item
 * per grant; checked by `resolveOperator` (shared/services/operator-authorization.ts) like every other role.
 *
 * | item            | pk / sk                                  |
 * |-----------------|------------------------------------------|
 * | a grant         | PLATEFORME#OPERATEURS / USER#userId      |
 */
export const operatorKey = (userId: string): Keys => ({ pk: 'PLATEFORME#OPERATEURS', sk: `USER#${userId}` });

export interface OperatorGrant {
  readonly userId: string;
  readonly loginAddress: string;
  readonly grantedAt: string;
  readonly grantedBy: string;
}

export class OperatorStore {
  constructor(
    readonly client: DocumentClient,
    readonly table: string,
  ) {}

  async get(userId: string): Promise<OperatorGrant | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: operatorKey(userId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      userId: String(Item.userId),
      loginAddress: String(Item.loginAddress),
      grantedAt: String(Item.grantedAt),
      grantedBy: String(Item.grantedBy),
    };
  }

  /** Idempotent: granting twice keeps the first grant. */
  async grant(g: OperatorGrant): Promise<'ACCORDE' | 'DEJA_OPERATEUR'> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...operatorKey(g.userId), entity: 'OPERATEUR', ...g },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'ACCORDE';
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') return 'DEJA_OPERATEUR';
      throw e;
    }
  }

  /** Idempotent: revoking an account that holds no grant changes nothing. */
  async revoke(userId: string): Promise<'RETIRE' | 'NON_OPERATEUR'> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({ TableName: this.table, Key: operatorKey(userId), ReturnValues: 'ALL_OLD' }),
    );
    return Attributes ? 'RETIRE' : 'NON_OPERATEUR';
  }

  async list(): Promise<OperatorGrant[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'PLATEFORME#OPERATEURS' },
        ConsistentRead: true,
      }),
    );
    return (page.Items ?? []).map((i) => ({
      userId: String(i.userId),
      loginAddress: String(i.loginAddress),
      grantedAt: String(i.grantedAt),
      grantedBy: String(i.grantedBy),
    }));
  }
}
