import { DomainError } from '../../domain/errors';
import type { DirectoryEntry, Stored } from '../../domain/records';
import type { Membership, Structure, User } from '../../domain/structures';
import { DirectoryStore } from './directory-store';
import { BatchGetCommand, type DocumentClient, GetCommand, type QueryCommandInput } from './document-client';
import {
  membershipFrom,
  membershipItem,
  serviceItem,
  structureFrom,
  structureItem,
  userFrom,
  userItem,
} from './identity-items';
import { gsi2, type Keys, keys, TABLE_KEYS } from './keys';
import { type RawItem as Item, queryAll } from './query';
import { commitWrites, staleError, type WriteOp } from './write-ops';

/**
 * Persistence of structures, their services, users and attachments (rattachements) in the single table
 * (docs/rules/structures.md; keys and indexes from keys.ts). Items:
 *
 * | item                 | pk / sk                                  | GSI2                                        |
 * |----------------------|------------------------------------------|---------------------------------------------|
 * | structure            | STRUCT#siret / META (+ `version`)        | DIRECTORY#PUBLIC / NAME#siret (public, active)|
 * | service of it        | STRUCT#siret / SERVICE#code              | —                                           |
 * | technical credential | STRUCT#siret / CREDENTIAL#TECHNIQUE      | — (scrypt hash only, never read with META)  |
 * | SIRET claim          | UNIQ#SIRET#siret / UNIQ                  | —                                           |
 * | user                 | USER#id / META (+ `version`)             | —                                           |
 * | login claim          | UNIQ#LOGIN#address / UNIQ (`userId`)     | —                                           |
 * | membership           | STRUCT#siret / MEMBER#userId (+ `version`)| USER#userId / MEMBER#siret                  |
 *
 * Every multi-item change goes through `commit`: ONE TransactWrite whose items carry their conditions (creation:
 * the item must not exist; change: `version` must be the one read). A lost race ends in a DomainError (STALE or
 * CONFLICT, French message); nothing is half written. Every read is a Get, a BatchGet or a Query: no Scan.
 */

export type { DirectoryEntry, Stored };

/** Sort key of the technical account's credential: before `META`, so the structure Query never returns it. */
const CREDENTIAL_SK = 'CREDENTIAL#TECHNIQUE';

// ------------------------------------------------------------------------------------------------- the store

export class IdentityStore {
  constructor(
    readonly client: DocumentClient,
    readonly table: string,
  ) {}

  // ------------------------------------------------------------------------------------------- structures

  /** The structure with its services: ONE Query (`sk >= META` returns META then SERVICE#…, not MEMBER# or COUNT#). */
  async getStructure(siret: string): Promise<Stored<Structure> | undefined> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk >= :meta',
      ExpressionAttributeValues: { ':pk': keys.structure(siret).pk, ':meta': 'META' },
      ConsistentRead: true,
    });
    const meta = items.find((i) => i.sk === 'META');
    if (!meta) return undefined;
    return structureFrom(
      meta,
      items.filter((i) => String(i.sk).startsWith('SERVICE#')),
    );
  }

  /**
   * Writes of a structure. `expectedVersion` 0 creates it with its SIRET claim (SIRET_DEJA_ENREGISTRE when taken);
   * otherwise the META item is replaced if its version is still `expectedVersion`, and services are brought in line
   * with `previous` (removed codes deleted).
   */
  structureWrites(next: Structure, expectedVersion: number, previous?: Structure): WriteOp[] {
    const ops: WriteOp[] = [];
    const taken = () =>
      new DomainError(
        'SIRET_DEJA_ENREGISTRE',
        `Une structure de SIRET ${next.siret} existe déjà : demandez plutôt à y être rattaché.`,
        'CONFLICT',
        [{ path: 'siret', message: `Le SIRET ${next.siret} est déjà enregistré.` }],
      );
    if (expectedVersion === 0) {
      ops.push({
        item: {
          Put: {
            TableName: this.table,
            Item: { ...keys.uniqueSiret(next.siret), siret: next.siret },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        onConditionFailed: taken,
      });
      ops.push({
        item: {
          Put: {
            TableName: this.table,
            Item: structureItem(next, 1),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        onConditionFailed: taken,
      });
    } else {
      ops.push({
        item: {
          Put: {
            TableName: this.table,
            Item: structureItem(next, expectedVersion + 1),
            ConditionExpression: '#v = :v',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':v': expectedVersion },
          },
        },
        onConditionFailed: () => staleError(`La structure ${next.siret}`),
      });
    }
    const before = new Map((previous?.services ?? []).map((s) => [s.code, s]));
    for (const s of next.services) {
      const old = before.get(s.code);
      if (old && old.libelle === s.libelle && old.active === s.active) continue;
      ops.push(this.plainPut(serviceItem(next.siret, s)));
    }
    const kept = new Set(next.services.map((s) => s.code));
    for (const code of before.keys()) {
      if (!kept.has(code)) ops.push(this.plainDelete(keys.structureService(next.siret, code)));
    }
    return ops;
  }

  /** Active public structures whose name starts with `prefix` (case-insensitive): the first page of the directory. */
  async searchDirectory(prefix: string, limit = 20): Promise<DirectoryEntry[]> {
    return [...(await new DirectoryStore(this.client, this.table).byNamePrefix(prefix, limit)).entries];
  }

  /** Writes the technical account's password hash (never the password) beside the structure. */
  credentialWrite(siret: string, login: string, passwordHash: string, changedAt: Date): WriteOp {
    return this.plainPut({
      pk: keys.structure(siret).pk,
      sk: CREDENTIAL_SK,
      entity: 'CREDENTIAL',
      login,
      passwordHash,
      changedAt: changedAt.toISOString(),
    });
  }

  async getCredential(siret: string): Promise<{ login: string; passwordHash: string; changedAt: Date } | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: keys.structure(siret).pk, sk: CREDENTIAL_SK },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    return {
      login: Item.login as string,
      passwordHash: Item.passwordHash as string,
      changedAt: new Date(Item.changedAt as string),
    };
  }

  // ------------------------------------------------------------------------------------------------ users

  async getUser(userId: string): Promise<Stored<User> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: keys.user(userId), ConsistentRead: true }),
    );
    return Item ? userFrom(Item) : undefined;
  }

  /** Users by id (one BatchGet per 100 ids); missing ids are absent from the map. */
  async getUsers(userIds: readonly string[]): Promise<Map<string, Stored<User>>> {
    const out = new Map<string, Stored<User>>();
    const ids = [...new Set(userIds)];
    for (let i = 0; i < ids.length; i += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead?: boolean }> | undefined = {
        [this.table]: {
          Keys: ids.slice(i, i + 100).map((id): Record<string, unknown> => ({ ...keys.user(id) })),
          ConsistentRead: true,
        },
      };
      while (request && Object.keys(request).length > 0) {
        const page = await this.client.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of page.Responses?.[this.table] ?? []) {
          const u = userFrom(item);
          out.set(u.id, u);
        }
        request = page.UnprocessedKeys as typeof request;
      }
    }
    return out;
  }

  /** The user holding a login address (any case): the claim item's `userId`, then the user. */
  async findUserByLogin(loginAddress: string): Promise<Stored<User> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: keys.uniqueLogin(loginAddress.trim()), ConsistentRead: true }),
    );
    return typeof Item?.userId === 'string' ? this.getUser(Item.userId) : undefined;
  }

  /**
   * Writes of a user. `expectedVersion` 0 creates it with its login claim (the item the local gateway's
   * `POST /_local/login` reads: attribute `userId`); otherwise replaces it if its version is still the one read.
   */
  userWrites(next: User, expectedVersion: number): WriteOp[] {
    if (expectedVersion === 0) {
      return [
        {
          item: {
            Put: {
              TableName: this.table,
              Item: { ...keys.uniqueLogin(next.loginAddress), userId: next.id, loginAddress: next.loginAddress },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          onConditionFailed: () =>
            new DomainError(
              'ADRESSE_CONNEXION_DEJA_UTILISEE',
              `L'adresse de connexion ${next.loginAddress} est déjà utilisée par un autre compte.`,
              'CONFLICT',
              [{ path: 'adresseConnexion', message: 'Adresse de connexion déjà utilisée.' }],
            ),
        },
        {
          item: {
            Put: { TableName: this.table, Item: userItem(next, 1), ConditionExpression: 'attribute_not_exists(pk)' },
          },
          onConditionFailed: () =>
            new DomainError('UTILISATEUR_EXISTE_DEJA', `Le compte ${next.id} existe déjà.`, 'CONFLICT'),
        },
      ];
    }
    return [
      {
        item: {
          Put: {
            TableName: this.table,
            Item: userItem(next, expectedVersion + 1),
            ConditionExpression: '#v = :v',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':v': expectedVersion },
          },
        },
        onConditionFailed: () => staleError(`Le compte ${next.loginAddress}`),
      },
    ];
  }

  // ------------------------------------------------------------------------------------------ memberships

  async getMembership(siret: string, userId: string): Promise<Stored<Membership> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: keys.membership(siret, userId), ConsistentRead: true }),
    );
    return Item ? membershipFrom(Item) : undefined;
  }

  /** Every attachment of a user (any status): ONE Query on GSI2 (`USER#id`, `MEMBER#…`). */
  async membershipsOfUser(userId: string): Promise<Stored<Membership>[]> {
    const { gsi2pk } = gsi2.membershipOfUser(userId, '');
    const items = await this.queryAll({
      IndexName: TABLE_KEYS.gsi2.name,
      KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :p)',
      ExpressionAttributeValues: { ':pk': gsi2pk, ':p': 'MEMBER#' },
    });
    return items.map(membershipFrom);
  }

  /** Every attachment to a structure (any status): one Query on its partition. */
  async membersOf(siret: string): Promise<Stored<Membership>[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': keys.structure(siret).pk, ':p': 'MEMBER#' },
      ConsistentRead: true,
    });
    return items.map(membershipFrom);
  }

  /**
   * Write of a membership: `expectedVersion` 0 creates it (RATTACHEMENT_EXISTANT when one appeared meanwhile);
   * otherwise replaces it if its version is still the one read.
   */
  membershipWrite(next: Membership, expectedVersion: number): WriteOp {
    if (expectedVersion === 0) {
      return {
        item: {
          Put: {
            TableName: this.table,
            Item: membershipItem(next, 1),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        onConditionFailed: () =>
          new DomainError(
            'RATTACHEMENT_EXISTANT',
            `L'utilisateur ${next.userId} a déjà un rattachement à la structure ${next.siret}.`,
            'CONFLICT',
          ),
      };
    }
    return {
      item: {
        Put: {
          TableName: this.table,
          Item: membershipItem(next, expectedVersion + 1),
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': expectedVersion },
        },
      },
      onConditionFailed: () => staleError(`Le rattachement de ${next.userId} à la structure ${next.siret}`),
    };
  }

  /** The membership must still be at `version` when the transaction commits (e.g. the decider's rights). */
  membershipCheck(m: Membership, version: number): WriteOp {
    return {
      item: {
        ConditionCheck: {
          TableName: this.table,
          Key: keys.membership(m.siret, m.userId),
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': version },
        },
      },
      onConditionFailed: () => staleError(`Le rattachement de ${m.userId} à la structure ${m.siret}`),
    };
  }

  // ------------------------------------------------------------------------------------------ transactions

  /**
   * Commits the writes in ONE TransactWrite. A failed condition raises that item's error; a transaction that
   * collided with another on the same items raises MODIFICATION_CONCURRENTE (STALE). Nothing is written then.
   */
  async commit(ops: readonly WriteOp[]): Promise<void> {
    await commitWrites(this.client, ops);
  }

  private plainPut(item: Item): WriteOp {
    return {
      item: { Put: { TableName: this.table, Item: item } },
      onConditionFailed: () => staleError('Un élément'),
    };
  }

  private plainDelete(key: Keys): WriteOp {
    return {
      item: { Delete: { TableName: this.table, Key: key } },
      onConditionFailed: () => staleError('Un élément'),
    };
  }

  private queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
    return queryAll(this.client, { ...input, TableName: this.table });
  }
}
