import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../../domain/errors';
import type { Space, SpaceMode } from '../../domain/roles';
import type {
  DirectoryParams,
  Membership,
  MembershipRole,
  MembershipStatus,
  PrincipalChange,
  Structure,
  StructureService,
  StructureType,
  TechnicalAccount,
  User,
} from '../../domain/structures';
import { DirectoryStore } from './directory-store';
import { gsi2, type Keys, keys } from './keys';

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

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Item = Record<string, unknown>;

import type { DirectoryEntry, Stored } from '../../domain/records';

export type { DirectoryEntry, Stored };

/** One item of a transaction and the error to raise when its condition fails. */
export interface WriteOp {
  readonly item: TransactItem;
  readonly onConditionFailed: () => DomainError;
}

/** Sort key of the technical account's credential: before `META`, so the structure Query never returns it. */
const CREDENTIAL_SK = 'CREDENTIAL#TECHNIQUE';
/** DynamoDB's limit of items in one TransactWrite. */
export const MAX_TRANSACTION_ITEMS = 100;

export function staleError(what: string): DomainError {
  return new DomainError(
    'VERSION_PERIMEE',
    `${what} a été modifié(e) entre-temps par une autre action : rechargez et recommencez.`,
    'STALE',
  );
}

const iso = (d: Date | undefined): string | undefined => d?.toISOString();
const date = (v: unknown): Date | undefined => (typeof v === 'string' ? new Date(v) : undefined);

// ---------------------------------------------------------------------------------------------- item mapping

function structureItem(s: Structure, version: number): Item {
  // Directory: only active public structures can be found and addressed (a deactivated one is read by SIRET only)
  const directory = s.type === 'PUBLIC' && s.active ? gsi2.directoryEntry(s.raisonSociale, s.siret) : {};
  return {
    ...keys.structure(s.siret),
    ...directory,
    entity: 'STRUCTURE',
    siret: s.siret,
    raisonSociale: s.raisonSociale,
    structureType: s.type,
    directory: s.directory,
    active: s.active,
    spaces: [...s.spaces],
    createdAt: iso(s.createdAt),
    deactivatedAt: iso(s.deactivatedAt),
    originalSiret: s.originalSiret,
    successorSiret: s.successorSiret,
    mandatFacturation: s.mandatFacturation,
    compteTechnique: s.compteTechnique
      ? { ...s.compteTechnique, passwordChangedAt: iso(s.compteTechnique.passwordChangedAt) }
      : undefined,
    principalHistory: s.principalHistory?.map((c) => ({ ...c, at: c.at.toISOString() })),
    version,
  };
}

function serviceItem(siret: string, s: StructureService): Item {
  return {
    ...keys.structureService(siret, s.code),
    entity: 'SERVICE',
    code: s.code,
    libelle: s.libelle,
    active: s.active,
  };
}

function structureFrom(meta: Item, serviceItems: readonly Item[]): Stored<Structure> {
  const account = meta.compteTechnique as
    | (Omit<TechnicalAccount, 'passwordChangedAt'> & { passwordChangedAt: string })
    | undefined;
  return {
    siret: meta.siret as string,
    raisonSociale: meta.raisonSociale as string,
    type: meta.structureType as StructureType,
    services: serviceItems.map((i) => ({
      code: i.code as string,
      libelle: i.libelle as string,
      active: i.active as boolean,
    })),
    directory: meta.directory as DirectoryParams,
    active: meta.active as boolean,
    spaces: (meta.spaces as Space[]) ?? [],
    createdAt: new Date(meta.createdAt as string),
    ...(meta.deactivatedAt ? { deactivatedAt: date(meta.deactivatedAt) } : {}),
    ...(meta.originalSiret ? { originalSiret: meta.originalSiret as string } : {}),
    ...(meta.successorSiret ? { successorSiret: meta.successorSiret as string } : {}),
    ...(meta.mandatFacturation ? { mandatFacturation: meta.mandatFacturation as Structure['mandatFacturation'] } : {}),
    ...(account ? { compteTechnique: { ...account, passwordChangedAt: new Date(account.passwordChangedAt) } } : {}),
    ...(Array.isArray(meta.principalHistory)
      ? {
          principalHistory: (meta.principalHistory as (Omit<PrincipalChange, 'at'> & { at: string })[]).map((c) => ({
            ...c,
            at: new Date(c.at),
          })),
        }
      : {}),
    version: meta.version as number,
  };
}

function userItem(u: User, version: number): Item {
  return {
    ...keys.user(u.id),
    entity: 'USER',
    id: u.id,
    loginAddress: u.loginAddress,
    contactAddress: u.contactAddress,
    active: u.active,
    createdAt: iso(u.createdAt),
    lastLoginAt: iso(u.lastLoginAt),
    previousLoginAt: iso(u.previousLoginAt),
    deactivatedAt: iso(u.deactivatedAt),
    technical: u.technical
      ? { siret: u.technical.siret, passwordExpiresAt: iso(u.technical.passwordExpiresAt) }
      : undefined,
    version,
  };
}

function userFrom(i: Item): Stored<User> {
  const technical = i.technical as { siret: string; passwordExpiresAt: string } | undefined;
  return {
    id: i.id as string,
    loginAddress: i.loginAddress as string,
    contactAddress: i.contactAddress as string,
    active: i.active as boolean,
    createdAt: new Date(i.createdAt as string),
    ...(i.lastLoginAt ? { lastLoginAt: date(i.lastLoginAt) } : {}),
    ...(i.previousLoginAt ? { previousLoginAt: date(i.previousLoginAt) } : {}),
    ...(i.deactivatedAt ? { deactivatedAt: date(i.deactivatedAt) } : {}),
    ...(technical
      ? { technical: { siret: technical.siret, passwordExpiresAt: new Date(technical.passwordExpiresAt) } }
      : {}),
    version: i.version as number,
  };
}

function membershipItem(m: Membership, version: number): Item {
  return {
    ...keys.membership(m.siret, m.userId),
    ...gsi2.membershipOfUser(m.userId, m.siret),
    entity: 'MEMBERSHIP',
    siret: m.siret,
    userId: m.userId,
    status: m.status,
    role: m.role,
    spaces: m.spaces.map((s) => ({ space: s.space, mode: s.mode })),
    requestedAt: iso(m.requestedAt),
    decidedAt: iso(m.decidedAt),
    decidedBy: m.decidedBy,
    version,
  };
}

function membershipFrom(i: Item): Stored<Membership> {
  return {
    siret: i.siret as string,
    userId: i.userId as string,
    status: i.status as MembershipStatus,
    role: i.role as MembershipRole,
    spaces: ((i.spaces as { space: Space; mode: SpaceMode }[]) ?? []).map((s) => ({ space: s.space, mode: s.mode })),
    requestedAt: new Date(i.requestedAt as string),
    ...(i.decidedAt ? { decidedAt: date(i.decidedAt) } : {}),
    ...(i.decidedBy ? { decidedBy: i.decidedBy as string } : {}),
    version: i.version as number,
  };
}

// ------------------------------------------------------------------------------------------------- the store

export class IdentityStore {
  constructor(
    readonly client: DynamoDBDocumentClient,
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
      IndexName: 'GSI2',
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
    if (ops.length === 0) return;
    if (ops.length > MAX_TRANSACTION_ITEMS) {
      throw new DomainError(
        'OPERATION_TROP_VOLUMINEUSE',
        `Cette opération modifierait ${ops.length} éléments à la fois (au plus ${MAX_TRANSACTION_ITEMS}) : contactez l'assistance.`,
        'CONFLICT',
      );
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: ops.map((o) => o.item) }));
    } catch (e) {
      throw transactionError(e, ops);
    }
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

  private async queryAll(input: {
    IndexName?: string;
    KeyConditionExpression: string;
    ExpressionAttributeValues: Record<string, unknown>;
    ConsistentRead?: boolean;
  }): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({ TableName: this.table, ...input, ExclusiveStartKey }));
      items.push(...((page.Items ?? []) as Item[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }
}

/** Maps a cancelled transaction to the DomainError of its first failed item. */
export function transactionError(e: unknown, ops: readonly WriteOp[]): unknown {
  if (!(e instanceof TransactionCanceledException)) return e;
  const reasons = e.CancellationReasons ?? [];
  const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
  const op = failed >= 0 ? ops[failed] : undefined;
  if (op) return op.onConditionFailed();
  if (reasons.some((r) => r.Code === 'TransactionConflict')) {
    return new DomainError(
      'MODIFICATION_CONCURRENTE',
      'Une autre action modifie les mêmes données au même moment : rechargez et recommencez.',
      'STALE',
    );
  }
  return e;
}
