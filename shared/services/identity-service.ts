import type { DirectoryEntry, IdentityStore, Stored } from '../adapters/dynamo/identity-store';
import type { OutboxStore } from '../adapters/dynamo/notifications/outbox-store';
import { DomainError } from '../domain/errors';
import type { Space } from '../domain/roles';
import {
  assertPrincipalOf,
  type CreateStructureInput,
  type CreateUserInput,
  changeContactAddress as changeContactAddressRule,
  changeSiret as changeSiretRule,
  createStructure as createStructureRule,
  createUser,
  enableSpace as enableSpaceRule,
  type Membership,
  recordLogin as recordLoginRule,
  type SiretChange,
  type Structure,
  type TechnicalAccount,
  type User,
  updateUser as updateUserRule,
} from '../domain/structures';
import {
  type DeactivationResult,
  deactivateAccount,
  resetTechnicalPassword as resetTechnicalPasswordOf,
} from './accounts';
import { activeUser } from './active-user';
import { asActor, checkVersion, MembershipService, notFound } from './membership-service';
import { retryOnStale } from './stale-retry';

/**
 * Structures, users and attachments (docs/rules/structures.md#managers): each operation loads what the pure rules of
 * `shared/domain/structures` need, applies them, and writes the outcome in ONE transaction conditioned on the
 * versions read, so that two concurrent gestionnaires cannot both win. The first argument names the caller
 * (`actorId` = the authenticated user id); a deactivated or unknown caller is refused before any rule. The
 * attachment operations live in `MembershipService` (membership-service.ts), which this service holds as `memberships`.
 */

export type { DeactivationResult } from './accounts';

export class IdentityService {
  /** Attachments, gestionnaires and space subscriptions, on the same store and outbox. */
  readonly memberships: MembershipService;

  /** `outbox`: where notifications are written (none without it: seeds, tests). */
  constructor(
    readonly store: IdentityStore,
    readonly outbox?: OutboxStore,
  ) {
    this.memberships = new MembershipService(store, outbox);
  }

  getStructure(siret: string): Promise<Stored<Structure>> {
    return this.memberships.getStructure(siret);
  }

  // ------------------------------------------------------------------------------------------------ users

  /** Creates the account of an authenticated person (`id` = the token's `sub`); the login address is unique. */
  async registerUser(input: CreateUserInput, now: Date): Promise<Stored<User>> {
    const user = createUser(input, now);
    await this.store.commit(this.store.userWrites(user, 0));
    return { ...user, version: 1 };
  }

  async getUser(userId: string): Promise<Stored<User>> {
    const user = await this.store.getUser(userId);
    if (!user) throw notFound('UTILISATEUR_INCONNU', `Aucun compte ${userId}.`);
    return user;
  }

  /** Records a sign-in (the GP succession picks the most recent one). */
  async recordLogin(userId: string, now: Date): Promise<Stored<User>> {
    const user = await activeUser(this.store, userId);
    const next = recordLoginRule(user, now);
    await this.store.commit(this.store.userWrites(next, user.version));
    return { ...next, version: user.version + 1 };
  }

  /**
   * The user changes its profile: the login address may be sent back unchanged but never changed (`updateUser`);
   * `contactAddress: null` returns to the login address, `undefined` leaves it. Written only at `expectedVersion`.
   */
  async updateProfile(input: {
    readonly userId: string;
    readonly loginAddress?: string;
    readonly contactAddress?: string | null;
    readonly expectedVersion: number;
  }): Promise<Stored<User>> {
    const user = await this.store.getUser(input.userId);
    if (!user) {
      throw new DomainError(
        'UTILISATEUR_INCONNU',
        "Votre compte n'est pas enregistré : créez-le d'abord.",
        'NOT_FOUND',
      );
    }
    if (!user.active) {
      throw new DomainError('UTILISATEUR_DESACTIVE', `Le compte ${user.loginAddress} est désactivé.`, 'FORBIDDEN');
    }
    checkVersion(input.expectedVersion, user.version, 'Votre compte');
    let next = updateUserRule(user, input.loginAddress !== undefined ? { loginAddress: input.loginAddress } : {});
    if (input.contactAddress !== undefined) next = changeContactAddressRule(next, input.contactAddress ?? undefined);
    await this.store.commit(this.store.userWrites(next, user.version));
    return { ...next, version: user.version + 1 };
  }

  /** Deactivates an account with the GP succession recorded (`deactivateAccount`, shared/services/accounts.ts). */
  deactivateUser(
    input: { readonly actorId: string; readonly userId: string; readonly asAdministrator?: boolean },
    now: Date,
  ): Promise<DeactivationResult> {
    return deactivateAccount(this.store, input, now);
  }

  // ------------------------------------------------------------------------------------------- structures

  /** Creates a structure; its creator becomes gestionnaire principal (one transaction, SIRET unique). */
  async createStructure(
    input: { readonly userId: string; readonly structure: CreateStructureInput },
    now: Date,
  ): Promise<{ structure: Stored<Structure>; membership: Stored<Membership> }> {
    const creator = await activeUser(this.store, input.userId);
    const { structure, membership } = createStructureRule(input.structure, creator, now);
    await this.store.commit([...this.store.structureWrites(structure, 0), this.store.membershipWrite(membership, 0)]);
    return { structure: { ...structure, version: 1 }, membership: { ...membership, version: 1 } };
  }

  /** A gestionnaire enables a space on its structure. */
  enableSpace(input: {
    readonly actorId: string;
    readonly siret: string;
    readonly space: Space;
  }): Promise<Stored<Structure>> {
    // no If-Match: read again when another change of the structure went first (stale-retry.ts)
    return retryOnStale(async () => {
      await activeUser(this.store, input.actorId);
      const [structure, actor] = await Promise.all([
        this.getStructure(input.siret),
        this.store.getMembership(input.siret, input.actorId),
      ]);
      const a = asActor(actor, input.siret, input.actorId);
      const next = enableSpaceRule(structure, a, input.space);
      if (next === structure) return structure;
      await this.store.commit([
        ...this.store.structureWrites(next, structure.version, structure),
        this.store.membershipCheck(a, a.version),
      ]);
      return { ...next, version: structure.version + 1 };
    });
  }

  /** Active public structures by name prefix (case-insensitive). */
  searchDirectory(prefix: string, limit?: number): Promise<DirectoryEntry[]> {
    return this.store.searchDirectory(prefix, limit);
  }

  /** A public structure by SIRET (deactivated ones too, flagged `active: false`). */
  async publicStructure(siret: string): Promise<Stored<Structure>> {
    const s = await this.store.getStructure(siret);
    if (s?.type !== 'PUBLIC') {
      throw notFound('STRUCTURE_PUBLIQUE_INCONNUE', `Aucune structure publique de SIRET ${siret} dans l'annuaire.`);
    }
    return s;
  }

  /**
   * Move of an establishment (docs/rules/structures.md#siret-change): the GP deactivates the structure and creates its copy under the new
   * SIRET (services, attachments), without mandat de facturation nor technical account; the old structure and its
   * memberships stay, so its pieces remain readable and processable.
   */
  async changeSiret(
    input: {
      readonly actorId: string;
      readonly siret: string;
      readonly newSiret: string;
      readonly expectedVersion?: number;
    },
    now: Date,
  ): Promise<SiretChange> {
    await activeUser(this.store, input.actorId);
    const [structure, members] = await Promise.all([this.getStructure(input.siret), this.store.membersOf(input.siret)]);
    checkVersion(input.expectedVersion, structure.version, `La structure ${structure.siret}`);
    const actor = members.find((m) => m.userId === input.actorId);
    // Chorus Pro: changement de SIRET — fait par le gestionnaire principal
    assertPrincipalOf(asActor(actor, input.siret, input.actorId), input.siret);
    const change = changeSiretRule({ structure, memberships: members }, input.newSiret, now);
    await this.store.commit([
      ...this.store.structureWrites(change.old, structure.version, structure),
      ...this.store.structureWrites(change.created, 0),
      ...change.memberships.map((m) => this.store.membershipWrite(m, 0)),
    ]);
    return change;
  }

  /** The GP sets the technical account's password (`resetTechnicalPassword`, shared/services/accounts.ts). */
  resetTechnicalPassword(
    input: { readonly actorId: string; readonly siret: string; readonly password: string },
    now: Date,
  ): Promise<TechnicalAccount> {
    return resetTechnicalPasswordOf(this.store, input, now, this.outbox);
  }
}
