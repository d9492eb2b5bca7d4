import type { Stored, StoredMarche } from '../../domain/records';
import type { Membership, Structure, User } from '../../domain/structures';
import type { DocumentClient } from './document-client';
import { membershipFrom, structureFrom, userFrom } from './identity-items';
import { type Keys, keys } from './keys';
import { marcheFrom } from './marche-store';
import { batchGetItems, foundKey, type RawItem } from './query';

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

/** A caller's account, its attachments to some structures and their cards (`AccessReads.callerOnMarche`). */
export interface CallerOnMarche {
  readonly user: Stored<User> | undefined;
  readonly memberships: readonly Stored<Membership>[];
  readonly structures: readonly Stored<Structure>[];
}

/**
 * The marché and the caller's access items in ONE consistent BatchGet (four point reads), where they would cost a
 * Get of the marché, a Get of the user, a Query of its attachments and a Query of its structure: the round trips of
 * an actor's decision and of a dossier's read (issue "Performance": ≤ 5 and ≤ 2).
 */
export class AccessReads {
  constructor(
    private readonly client: DocumentClient,
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
    const found = await batchGetItems(this.client, this.table, Object.values(wanted));
    const at = (k: Keys) => found.get(foundKey(k));
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

  /**
   * For a caller that names no structure: its account, its attachments to the marché's structures and their cards,
   * in ONE consistent BatchGet (1 + 2 keys per structure), where they cost a Get of the user, a Query of its
   * attachments (GSI2) and a Query per candidate structure. Attachments come in the order of that GSI2 Query (by
   * SIRET); cards without their services, as in `marcheWithAccess`.
   */
  async callerOnMarche(userId: string, sirets: readonly string[]): Promise<CallerOnMarche> {
    const distinct = [...new Set(sirets)].sort();
    const found = await batchGetItems(this.client, this.table, [
      keys.user(userId),
      ...distinct.flatMap((siret) => [keys.membership(siret, userId), keys.structure(siret)]),
    ]);
    const all = <T>(key: (siret: string) => Keys, from: (item: RawItem) => T): T[] =>
      distinct.flatMap((siret) => {
        const item = found.get(foundKey(key(siret)));
        return item ? [from(item)] : [];
      });
    const user = found.get(foundKey(keys.user(userId)));
    return {
      user: user ? userFrom(user) : undefined,
      memberships: all((siret) => keys.membership(siret, userId), membershipFrom),
      structures: all(keys.structure, (item) => structureFrom(item, [])),
    };
  }

  /**
   * Structures' cards, each with the one service a decision names (its addressee's code service), in ONE BatchGet
   * where each would cost a Query: what a new dossier's rules read of its MOA's and service financier's directories
   * (issue "Performance"). A card carries no other service; a structure whose named service is missing or inactive
   * is left out (its full read says which codes exist); an unregistered one is `undefined`.
   */
  async structureCards(wanted: readonly StructureCardWanted[]): Promise<Map<string, Stored<Structure> | undefined>> {
    const serviceKey = (w: StructureCardWanted) =>
      w.serviceCode ? [keys.structureService(w.siret, w.serviceCode)] : [];
    const found = await batchGetItems(
      this.client,
      this.table,
      wanted.flatMap((w) => [keys.structure(w.siret), ...serviceKey(w)]),
    );
    const cards = new Map<string, Stored<Structure> | undefined>();
    for (const w of wanted) {
      const meta = found.get(foundKey(keys.structure(w.siret)));
      const services = serviceKey(w).flatMap((k): RawItem[] => {
        const item = found.get(foundKey(k));
        return item ? [item] : [];
      });
      if (meta && w.serviceCode && services[0]?.active !== true) continue;
      cards.set(w.siret, meta ? structureFrom(meta, services) : undefined);
    }
    return cards;
  }
}

/** A structure whose card a decision reads, and the code service it names there, if any. */
export interface StructureCardWanted {
  readonly siret: string;
  readonly serviceCode?: string;
}
