import { DomainError } from '../../domain/errors';
import { type Marche, parseMarche } from '../../domain/marche';
import type { Stored } from '../../domain/records';
import { ROLES, type Role } from '../../domain/roles';
import { type DocumentClient, GetCommand } from './document-client';
import { type Keys, keys, TABLE_KEYS } from './keys';
import { queryAll } from './query';
import { commitWrites, staleError, type WriteOp } from './write-ops';

/**
 * Persistence of the fiche d'identité du marché (docs/rules/marche.md).
 *
 * Items (the first from keys.ts; the second is an ADDITION built here because keys.ts is not ours to edit — to be
 * moved into keys.ts as `keys.marcheActeur` / `gsi2.marcheOfStructure`, with the access-pattern row
 * "marchés of a structure | GSI2 pk = STRUCT#siret, sk begins_with MARCHE#"):
 *
 * | item            | pk / sk                                  | GSI2                                   |
 * |-----------------|------------------------------------------|----------------------------------------|
 * | the marché      | MARCHE#id / META (`marche`, `version`)   | —                                      |
 * | one per acteur  | MARCHE#id / ACTEUR#siret#role            | STRUCT#siret / MARCHE#id               |
 *
 * The acteur items make "the marchés of a structure" one GSI2 Query; they carry the summary a list shows. A
 * structure holding two roles has two items with the same GSI2 key; the list merges them. They are rewritten in
 * the same transaction as the META item, so they never disagree with the fiche. (GSI2 of STRUCT#siret also holds
 * the structure's dossiers under `DOSSIER#…`: the `MARCHE#` prefix keeps them apart.)
 */

/** ADDITION (see above): the acteur item of a marché. */
export function marcheActeurKey(marcheId: string, siret: string, role: Role): Keys {
  return { pk: keys.marche(marcheId).pk, sk: `ACTEUR#${siret}#${role}` };
}

/** ADDITION (see above): GSI2 entry listing the marché under the structure. */
export function marcheOfStructure(siret: string, marcheId: string): { gsi2pk: string; gsi2sk: string } {
  return { gsi2pk: `STRUCT#${siret}`, gsi2sk: `MARCHE#${marcheId}` };
}

import type { MarcheSummary, StoredMarche } from '../../domain/records';

export type { MarcheSummary, StoredMarche };

/** The marché's META item, read back. */
export function marcheFrom(item: Record<string, unknown>): StoredMarche {
  return {
    // Stored already validated; parsing again keeps defaults of fields added since (the shape is a contract)
    marche: parseMarche(item.marche),
    version: item.version as number,
    createdAt: item.createdAt as string,
    createdBy: item.createdBy as string,
    updatedAt: item.updatedAt as string,
  };
}

export class MarcheStore {
  constructor(
    readonly client: DocumentClient,
    readonly table: string,
  ) {}

  async get(marcheId: string): Promise<StoredMarche | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: keys.marche(marcheId), ConsistentRead: true }),
    );
    return Item ? marcheFrom(Item) : undefined;
  }

  /**
   * Writes the fiche, validated by `parseMarche` first (MARCHE_INVALIDE). `expectedVersion` 0 creates it
   * (MARCHE_EXISTE_DEJA when the id is taken); otherwise replaces it if its version is still the one read
   * (VERSION_PERIMEE), acteur items brought in line in the same transaction. Returns the new version.
   */
  async put(
    input: unknown,
    w: { readonly expectedVersion: number; readonly by: string; readonly now: Date; readonly previous?: Marche },
  ): Promise<Stored<{ marche: Marche }>> {
    const marche = parseMarche(input);
    if (w.expectedVersion > 0 && !w.previous) throw new RangeError('previous marché required to update it');
    const now = w.now.toISOString();
    const version = w.expectedVersion + 1;
    const ops: WriteOp[] = [];
    const meta = {
      ...keys.marche(marche.id),
      entity: 'MARCHE',
      marche,
      numeroMarche: marche.numeroMarche,
      version,
      updatedAt: now,
    };
    if (w.expectedVersion === 0) {
      ops.push({
        item: {
          Put: {
            TableName: this.table,
            Item: { ...meta, createdAt: now, createdBy: w.by },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        onConditionFailed: () =>
          new DomainError('MARCHE_EXISTE_DEJA', `Un marché d'identifiant ${marche.id} existe déjà.`, 'CONFLICT'),
      });
    } else {
      ops.push({
        item: {
          Update: {
            TableName: this.table,
            Key: keys.marche(marche.id),
            UpdateExpression: 'SET #m = :m, numeroMarche = :n, #v = :next, updatedAt = :now',
            ConditionExpression: '#v = :v',
            ExpressionAttributeNames: { '#m': 'marche', '#v': 'version' },
            ExpressionAttributeValues: {
              ':m': marche,
              ':n': marche.numeroMarche,
              ':next': version,
              ':now': now,
              ':v': w.expectedVersion,
            },
          },
        },
        onConditionFailed: () => staleError(`Le marché ${marche.numeroMarche}`),
      });
    }
    const current = new Set<string>();
    for (const a of marche.acteurs) {
      const key = marcheActeurKey(marche.id, a.siret, a.role);
      if (current.has(key.sk)) continue;
      current.add(key.sk);
      ops.push({
        item: {
          Put: {
            TableName: this.table,
            Item: {
              ...key,
              ...marcheOfStructure(a.siret, marche.id),
              entity: 'MARCHE_ACTEUR',
              marcheId: marche.id,
              siret: a.siret,
              role: a.role,
              numeroMarche: marche.numeroMarche,
              objet: marche.objet,
            },
          },
        },
        onConditionFailed: () => staleError(`Le marché ${marche.numeroMarche}`),
      });
    }
    for (const a of w.previous?.acteurs ?? []) {
      const key = marcheActeurKey(marche.id, a.siret, a.role);
      if (current.has(key.sk)) continue;
      current.add(key.sk);
      ops.push({
        item: { Delete: { TableName: this.table, Key: key } },
        onConditionFailed: () => staleError(`Le marché ${marche.numeroMarche}`),
      });
    }
    await commitWrites(this.client, ops);
    return { marche, version };
  }

  /** The marchés on which the structure holds a role: ONE GSI2 Query (`STRUCT#siret`, `MARCHE#…`). */
  async marchesOfStructure(siret: string): Promise<MarcheSummary[]> {
    const byId = new Map<string, { marcheId: string; numeroMarche: string; objet: string; roles: Role[] }>();
    const items = await queryAll(this.client, {
      TableName: this.table,
      IndexName: TABLE_KEYS.gsi2.name,
      KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :p)',
      ExpressionAttributeValues: { ':pk': marcheOfStructure(siret, '').gsi2pk, ':p': 'MARCHE#' },
    });
    for (const i of items) {
      const id = i.marcheId as string;
      const entry = byId.get(id) ?? {
        marcheId: id,
        numeroMarche: i.numeroMarche as string,
        objet: i.objet as string,
        roles: [],
      };
      entry.roles.push(i.role as Role);
      byId.set(id, entry);
    }
    return [...byId.values()].map((m) => ({ ...m, roles: ROLES.filter((r) => m.roles.includes(r)) }));
  }
}
