import type { IdentityStore, Stored } from '../adapters/dynamo/identity-store';
import { staleError } from '../adapters/dynamo/write-ops';
import { DomainError } from '../domain/errors';
import {
  addService as addServiceRule,
  assertManagerOf,
  type Membership,
  type Structure,
  type StructureCardPatch,
  type StructureService,
  type User,
  updateService as updateServiceRule,
  updateStructureCard as updateStructureCardRule,
} from '../domain/structures';
import { activeUser } from './active-user';
import { retryOnStale } from './stale-retry';

/**
 * What the *Activités du gestionnaire* screens need beside IdentityService (docs/rules/structures.md#managers): the
 * structure's card kept by its gestionnaires, one service renamed or switched off, and the members listed with the
 * account each belongs to. Each write is one transaction conditioned on the versions read.
 */

/** A member as its gestionnaires see it: the attachment and the account's addresses and last sign-in. */
export interface MemberWithAccount {
  readonly membership: Stored<Membership>;
  readonly user: Stored<User> | undefined;
}

/** A non-member stands in for a caller without attachment, so that the domain's refusal (and its code) applies. */
function asActor(m: Stored<Membership> | undefined, siret: string, userId: string): Stored<Membership> {
  return (
    m ?? { siret, userId, status: 'REFUSED', role: 'UTILISATEUR', spaces: [], requestedAt: new Date(0), version: 0 }
  );
}

export class StructureAdministration {
  constructor(private readonly store: IdentityStore) {}

  /** A gestionnaire changes the raison sociale or directory parameters, at the version it read (412 otherwise). */
  async updateCard(input: {
    readonly actorId: string;
    readonly siret: string;
    readonly patch: StructureCardPatch;
    readonly expectedVersion: number;
  }): Promise<Stored<Structure>> {
    const { structure, actor } = await this.load(input.actorId, input.siret);
    if (structure.version !== input.expectedVersion) throw staleError(`La structure ${structure.siret}`);
    const next = updateStructureCardRule(structure, actor, input.patch);
    await this.store.commit([
      ...this.store.structureWrites(next, structure.version, structure),
      this.store.membershipCheck(actor, actor.version),
    ]);
    return { ...next, version: structure.version + 1 };
  }

  /**
   * A gestionnaire adds a service (code service) to its structure: one transaction conditioned on the structure's and
   * the gestionnaire's versions, read again when another change of the structure went first (no If-Match here).
   */
  addService(input: {
    readonly actorId: string;
    readonly siret: string;
    readonly service: StructureService;
  }): Promise<Stored<Structure>> {
    return retryOnStale(async () => {
      const { structure, actor } = await this.load(input.actorId, input.siret);
      const next = addServiceRule(structure, actor, input.service);
      await this.store.commit([
        ...this.store.structureWrites(next, structure.version, structure),
        this.store.membershipCheck(actor, actor.version),
      ]);
      return { ...next, version: structure.version + 1 };
    });
  }

  /**
   * A gestionnaire renames a service or switches it on or off. If-Match optional: with it, the structure's version
   * it read (412 otherwise); without it, the change applies to the structure as it is when written.
   */
  updateService(input: {
    readonly actorId: string;
    readonly siret: string;
    readonly code: string;
    readonly libelle?: string;
    readonly active?: boolean;
    readonly expectedVersion?: number;
  }): Promise<Stored<Structure>> {
    return retryOnStale(
      async () => {
        const { structure, actor } = await this.load(input.actorId, input.siret);
        if (input.expectedVersion !== undefined && structure.version !== input.expectedVersion) {
          throw staleError(`La structure ${structure.siret}`);
        }
        const next = updateServiceRule(structure, actor, input.code, {
          ...(input.libelle !== undefined ? { libelle: input.libelle } : {}),
          ...(input.active !== undefined ? { active: input.active } : {}),
        });
        await this.store.commit([
          ...this.store.structureWrites(next, structure.version, structure),
          this.store.membershipCheck(actor, actor.version),
        ]);
        return { ...next, version: structure.version + 1 };
      },
      input.expectedVersion === undefined ? undefined : 1,
    );
  }

  /** A gestionnaire lists the members and requests of its structure, each with its account. */
  async membersWithAccounts(input: { readonly actorId: string; readonly siret: string }): Promise<MemberWithAccount[]> {
    await this.activeUser(input.actorId);
    const members = await this.store.membersOf(input.siret);
    assertManagerOf(
      asActor(
        members.find((m) => m.userId === input.actorId),
        input.siret,
        input.actorId,
      ),
      input.siret,
    );
    const users = await this.store.getUsers(members.map((m) => m.userId));
    return members.map((membership) => ({ membership, user: users.get(membership.userId) }));
  }

  private async load(actorId: string, siret: string) {
    await this.activeUser(actorId);
    const [structure, membership] = await Promise.all([
      this.store.getStructure(siret),
      this.store.getMembership(siret, actorId),
    ]);
    if (!structure) {
      throw new DomainError('STRUCTURE_INCONNUE', `Aucune structure de SIRET ${siret} n'est enregistrée.`, 'NOT_FOUND');
    }
    return { structure, actor: asActor(membership, siret, actorId) };
  }

  /** The caller's account, which must exist and be active (active-user.ts). */
  private activeUser(userId: string): Promise<Stored<User>> {
    return activeUser(this.store, userId);
  }
}
