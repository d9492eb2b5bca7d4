import { type DocumentClient, GetCommand } from './document-client';
import { keys } from './keys';
import type { WriteOp } from './write-ops';
import { staleError } from './write-ops';

/**
 * Which technical account a machine-to-machine client belongs to (docs/rules/structures.md#technical-account):
 * `TECHCLIENT#clientId / TECHCLIENT` → its structure and login, and (embedded platform only, where no user pool
 * keeps it) the scrypt hash of its secret. Written in the transaction that records the client on the structure.
 */
export interface MachineClientRecord {
  readonly clientId: string;
  readonly siret: string;
  readonly login: string;
  readonly createdAt: Date;
  /** Only where this product checks the secret itself (the local token endpoint); never the secret. */
  readonly secretHash?: string;
}

export class MachineClientStore {
  constructor(
    readonly client: DocumentClient,
    readonly table: string,
  ) {}

  async get(clientId: string): Promise<MachineClientRecord | undefined> {
    if (!/^[\w-]{1,128}$/.test(clientId)) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: keys.machineClient(clientId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      clientId: Item.clientId as string,
      siret: Item.siret as string,
      login: Item.login as string,
      createdAt: new Date(Item.createdAt as string),
      ...(typeof Item.secretHash === 'string' ? { secretHash: Item.secretHash } : {}),
    };
  }

  /** The client's record: a new one must not exist yet; a renewed one replaces its secret's hash. */
  putWrite(record: MachineClientRecord, renewal: boolean): WriteOp {
    return {
      item: {
        Put: {
          TableName: this.table,
          Item: {
            ...keys.machineClient(record.clientId),
            entity: 'TECHCLIENT',
            clientId: record.clientId,
            siret: record.siret,
            login: record.login,
            createdAt: record.createdAt.toISOString(),
            ...(record.secretHash ? { secretHash: record.secretHash } : {}),
          },
          ConditionExpression: renewal ? 'attribute_exists(pk)' : 'attribute_not_exists(pk)',
        },
      },
      onConditionFailed: () => staleError('Le client technique'),
    };
  }
}
