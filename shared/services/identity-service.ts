import type { DirectoryEntry, Stored } from '../adapters/dynamo/identity-store';
import type { WriteOp } from '../adapters/dynamo/write-ops';
import { DomainError } from '../domain/errors';
import type { Space } from '../domain/roles';
import {
  assertPrincipalOf,
  assertStructureActive,
  type CreateStructureInput,
  type CreateUserInput,
  changeContactAddress as changeContactAddressRule,
  changeSiret as changeSiretRule,
  createStructure as createStructureRule,
  createUser,
  deactivateUser as deactivateUserRule,
  enableSpace as enableSpaceRule,
  type Membership,
  onUserDeactivated,
  recordLogin as recordLoginRule,
  resetTechnicalPassword as resetTechnicalPasswordRule,
  type SiretChange,
  type Structure,
  type TechnicalAccount,
  type User,
} from '../domain/structures';
import { asActor, checkVersion, MembershipService, notFound } from './membership-service';
import { hashPassword, technicalLoginOf } from './technical-password';

/**
 * Structures, users and attachments (docs/rules/structures.md#managers): each operation loads what the pure rules of
 * `shared/domain/structures` need, applies them, and writes the outcome in ONE transaction conditioned on the
 * versions read, so that two concurrent gestionnaires cannot both win. The first argument names the caller
 * (`actorId` = the authenticated user id); a deactivated or unknown caller is refused before any rule. The
 * attachment operations live in `MembershipService` (membership-service.ts), which this service extends.
 */

export interface DeactivationResult {
  readonly user: Stored<User>;
  /** Memberships changed by the GP succession. */
  readonly changed: readonly Membership[];
  /** Structures left without GP (no active gestionnaire secondaire). */
  readonly withoutPrincipal: readonly string[];
}

export class IdentityService extends MembershipService {
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
    const user = await this.activeUser(userId);
    const next = recordLoginRule(user, now);
    await this.store.commit(this.store.userWrites(next, user.version));
    return { ...next, version: user.version + 1 };
  }

  /** The user changes its own contact address (`undefined`: back to the login address). */
  async changeContactAddress(input: {
    readonly userId: string;
    readonly contactAddress: string | undefined;
    readonly expectedVersion?: number;
  }): Promise<Stored<User>> {
    const user = await this.activeUser(input.userId);
    checkVersion(input.expectedVersion, user.version, `Le compte ${user.loginAddress}`);
    const next = changeContactAddressRule(user, input.contactAddress);
    await this.store.commit(this.store.userWrites(next, user.version));
    return { ...next, version: user.version + 1 };
  }

  /**
   * Deactivates an account — by the user itself, or by the platform's administration (`asAdministrator`) — and
   * hands each of its GP roles to the active gestionnaire secondaire with the most recent login, all in one
   * transaction. docs/rules/structures.md
   */
  async deactivateUser(
    input: { readonly actorId: string; readonly userId: string; readonly asAdministrator?: boolean },
    now: Date,
  ): Promise<DeactivationResult> {
    if (input.actorId !== input.userId && !input.asAdministrator) {
      throw new DomainError(
        'DESACTIVATION_RESERVEE',
        "Seul l'utilisateur lui-même ou l'administration de la plateforme peut désactiver ce compte.",
        'FORBIDDEN',
      );
    }
    const user = await this.getUser(input.userId);
    if (!user.active) return { user, changed: [], withoutPrincipal: [] };
    const own = await this.store.membershipsOfUser(user.id);
    const gpOf = own.filter((m) => m.status === 'APPROVED' && m.role === 'GESTIONNAIRE_PRINCIPAL').map((m) => m.siret);
    const members = (await Promise.all(gpOf.map((siret) => this.store.membersOf(siret)))).flat();
    const users = await this.store.getUsers(members.map((m) => m.userId));
    const deactivated = deactivateUserRule(user, now);
    users.set(user.id, { ...deactivated, version: user.version });
    const outcome = onUserDeactivated(deactivated, members, [...users.values()]);
    const versionOf = new Map(members.map((m) => [`${m.siret}#${m.userId}`, m.version]));
    const ops: WriteOp[] = [...this.store.userWrites(deactivated, user.version)];
    for (const m of outcome.changed) {
      ops.push(this.store.membershipWrite(m, versionOf.get(`${m.siret}#${m.userId}`) ?? 0));
    }
    await this.store.commit(ops);
    return {
      user: { ...deactivated, version: user.version + 1 },
      changed: outcome.changed,
      withoutPrincipal: outcome.withoutPrincipal,
    };
  }

  // ------------------------------------------------------------------------------------------- structures

  /** Creates a structure; its creator becomes gestionnaire principal (one transaction, SIRET unique). */
  async createStructure(
    input: { readonly userId: string; readonly structure: CreateStructureInput },
    now: Date,
  ): Promise<{ structure: Stored<Structure>; membership: Stored<Membership> }> {
    const creator = await this.activeUser(input.userId);
    const { structure, membership } = createStructureRule(input.structure, creator, now);
    await this.store.commit([...this.store.structureWrites(structure, 0), this.store.membershipWrite(membership, 0)]);
    return { structure: { ...structure, version: 1 }, membership: { ...membership, version: 1 } };
  }

  /** A gestionnaire enables a space on its structure. */
  async enableSpace(input: {
    readonly actorId: string;
    readonly siret: string;
    readonly space: Space;
  }): Promise<Stored<Structure>> {
    await this.activeUser(input.actorId);
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
    await this.activeUser(input.actorId);
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

  /**
   * The GP sets a new password of the structure's technical account (created on first use). Only its scrypt hash
   * is stored, in an item the structure reads never return. docs/rules/structures.md
   */
  async resetTechnicalPassword(
    input: { readonly actorId: string; readonly siret: string; readonly password: string },
    now: Date,
  ): Promise<TechnicalAccount> {
    await this.activeUser(input.actorId);
    const [structure, actor] = await Promise.all([
      this.getStructure(input.siret),
      this.store.getMembership(input.siret, input.actorId),
    ]);
    assertStructureActive(structure);
    const a = asActor(actor, input.siret, input.actorId);
    const account = structure.compteTechnique ?? {
      siret: structure.siret,
      login: technicalLoginOf(structure.siret),
      passwordChangedAt: now,
    };
    const next = resetTechnicalPasswordRule(account, a, input.password, now);
    const hash = await hashPassword(input.password);
    await this.store.commit([
      ...this.store.structureWrites({ ...structure, compteTechnique: next }, structure.version, structure),
      this.store.credentialWrite(structure.siret, next.login, hash, now),
      this.store.membershipCheck(a, a.version),
    ]);
    return next;
  }
}
