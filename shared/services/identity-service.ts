import { type DirectoryEntry, type IdentityStore, type Stored, staleError } from '../adapters/dynamo/identity-store';
import { DomainError } from '../domain/errors';
import type { Space, SpaceMode } from '../domain/roles';
import {
  assertManagerOf,
  assertPrincipalOf,
  type CreateStructureInput,
  type CreateUserInput,
  changeContactAddress as changeContactAddressRule,
  changeSiret as changeSiretRule,
  createStructure as createStructureRule,
  createUser,
  decideAttachment as decideAttachmentRule,
  enableSpace as enableSpaceRule,
  type Membership,
  recordLogin as recordLoginRule,
  recordPrincipalChange,
  requestAttachment as requestAttachmentRule,
  type SiretChange,
  type SpaceSubscription,
  type Structure,
  setSecondaryManager as setSecondaryManagerRule,
  subscribeSpace as subscribeSpaceRule,
  type TechnicalAccount,
  technicalLoginOf,
  transferPrincipal as transferPrincipalRule,
  type User,
} from '../domain/structures';
import {
  activeUser,
  asActor,
  type DeactivationResult,
  deactivateAccount,
  hashPassword,
  resetTechnicalPassword as resetTechnicalPasswordOf,
  verifyPassword,
} from './accounts';

/**
 * Structures, users and attachments (docs/rules/structures.md#managers): each operation loads what the pure rules of
 * `shared/domain/structures` need, applies them, and writes the outcome in ONE transaction conditioned on the
 * versions read, so that two concurrent gestionnaires cannot both win. The first argument names the caller
 * (`actorId` = the authenticated user id); a deactivated or unknown caller is refused before any rule.
 */

const notFound = (code: string, message: string) => new DomainError(code, message, 'NOT_FOUND');

function checkVersion(expected: number | undefined, actual: number, what: string): void {
  if (expected !== undefined && expected !== actual) throw staleError(what);
}

export type { DeactivationResult } from './accounts';
export { hashPassword, technicalLoginOf, verifyPassword };

export class IdentityService {
  constructor(readonly store: IdentityStore) {}

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

  /** Deactivates an account with the GP succession recorded (`deactivateAccount`, shared/services/accounts.ts). */
  deactivateUser(
    input: { readonly actorId: string; readonly userId: string; readonly asAdministrator?: boolean },
    now: Date,
  ): Promise<DeactivationResult> {
    return deactivateAccount(this.store, input, now);
  }

  // ------------------------------------------------------------------------------------------- structures

  async getStructure(siret: string): Promise<Stored<Structure>> {
    const s = await this.store.getStructure(siret);
    if (!s) throw notFound('STRUCTURE_INCONNUE', `Aucune structure de SIRET ${siret} n'est enregistrée.`);
    return s;
  }

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

  /** The GP sets the technical account's password (`resetTechnicalPassword`, shared/services/accounts.ts). */
  resetTechnicalPassword(
    input: { readonly actorId: string; readonly siret: string; readonly password: string },
    now: Date,
  ): Promise<TechnicalAccount> {
    return resetTechnicalPasswordOf(this.store, input, now);
  }

  // ------------------------------------------------------------------------------------------ memberships

  /** The user's attachments (any status) with their structure's name. */
  async structuresOfUser(userId: string): Promise<(Stored<Membership> & { raisonSociale?: string })[]> {
    const ms = await this.store.membershipsOfUser(userId);
    const structures = await Promise.all(ms.map((m) => this.store.getStructure(m.siret)));
    return ms.map((m, i) => ({ ...m, raisonSociale: structures[i]?.raisonSociale }));
  }

  /** A gestionnaire lists the attachments (requests included) of its structure. */
  async membersOf(input: { readonly actorId: string; readonly siret: string }): Promise<Stored<Membership>[]> {
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
    return members;
  }

  /** The user asks to be attached; a request refused earlier may be made again. */
  async requestAttachment(
    input: { readonly userId: string; readonly siret: string; readonly spaces?: readonly SpaceSubscription[] },
    now: Date,
  ): Promise<Stored<Membership>> {
    const user = await this.activeUser(input.userId);
    const [structure, existing] = await Promise.all([
      this.getStructure(input.siret),
      this.store.getMembership(input.siret, input.userId),
    ]);
    const request = requestAttachmentRule(structure, user, existing ? [existing] : [], now, input.spaces);
    const version = existing?.version ?? 0;
    await this.store.commit([this.store.membershipWrite(request, version)]);
    return { ...request, version: version + 1 };
  }

  /**
   * A gestionnaire accepts or refuses a pending request. The decision is written only if the request and the
   * decider's own membership are still as read: of concurrent deciders exactly one wins.
   */
  async decideAttachment(
    input: {
      readonly deciderId: string;
      readonly siret: string;
      readonly userId: string;
      readonly decision: 'APPROVED' | 'REFUSED';
      readonly role?: 'GESTIONNAIRE_SECONDAIRE' | 'UTILISATEUR';
      readonly expectedVersion?: number;
    },
    now: Date,
  ): Promise<Stored<Membership>> {
    await this.activeUser(input.deciderId);
    const [request, decider] = await Promise.all([
      this.store.getMembership(input.siret, input.userId),
      this.store.getMembership(input.siret, input.deciderId),
    ]);
    if (!request) {
      throw notFound('RATTACHEMENT_INCONNU', `Aucune demande de ${input.userId} pour la structure ${input.siret}.`);
    }
    checkVersion(input.expectedVersion, request.version, `La demande de rattachement de ${input.userId}`);
    const d = asActor(decider, input.siret, input.deciderId);
    const next = decideAttachmentRule(request, d, input.decision, now, input.role ? { role: input.role } : {});
    await this.store.commit([
      this.store.membershipWrite(next, request.version),
      this.store.membershipCheck(d, d.version),
    ]);
    return { ...next, version: request.version + 1 };
  }

  /** The GP names (or removes) a gestionnaire secondaire. */
  async setSecondaryManager(input: {
    readonly actorId: string;
    readonly siret: string;
    readonly userId: string;
    readonly secondary: boolean;
  }): Promise<Stored<Membership>> {
    await this.activeUser(input.actorId);
    const [target, actor] = await Promise.all([
      this.store.getMembership(input.siret, input.userId),
      this.store.getMembership(input.siret, input.actorId),
    ]);
    const a = asActor(actor, input.siret, input.actorId);
    const t = asActor(target, input.siret, input.userId);
    const next = setSecondaryManagerRule(t, a, input.secondary);
    const ops = [this.store.membershipWrite(next, t.version)];
    if (input.actorId !== input.userId) ops.push(this.store.membershipCheck(a, a.version));
    await this.store.commit(ops);
    return { ...next, version: t.version + 1 };
  }

  /** The GP hands its role to an approved, active member and becomes gestionnaire secondaire. */
  async transferPrincipal(
    input: {
      readonly actorId: string;
      readonly siret: string;
      readonly toUserId: string;
    },
    now: Date,
  ): Promise<{ from: Stored<Membership>; to: Stored<Membership> }> {
    await this.activeUser(input.actorId);
    const [actor, target, targetUser, structure] = await Promise.all([
      this.store.getMembership(input.siret, input.actorId),
      this.store.getMembership(input.siret, input.toUserId),
      this.store.getUser(input.toUserId),
      this.getStructure(input.siret),
    ]);
    if (!targetUser) throw notFound('UTILISATEUR_INCONNU', `Aucun compte ${input.toUserId}.`);
    const a = asActor(actor, input.siret, input.actorId);
    const t = asActor(target, input.siret, input.toUserId);
    const { from, to } = transferPrincipalRule(a, t, targetUser);
    const recorded = recordPrincipalChange(structure, {
      at: now,
      from: from.userId,
      to: to.userId,
      reason: 'TRANSFERT',
    });
    await this.store.commit([
      this.store.membershipWrite(from, a.version),
      this.store.membershipWrite(to, t.version),
      ...this.store.structureWrites(recorded, structure.version, structure),
    ]);
    return { from: { ...from, version: a.version + 1 }, to: { ...to, version: t.version + 1 } };
  }

  /** A gestionnaire subscribes a member (itself included) to a space enabled on the structure, or changes its mode. */
  async subscribeSpace(input: {
    readonly actorId: string;
    readonly siret: string;
    readonly userId: string;
    readonly space: Space;
    readonly mode: SpaceMode;
  }): Promise<Stored<Membership>> {
    await this.activeUser(input.actorId);
    const [structure, target, actor] = await Promise.all([
      this.getStructure(input.siret),
      this.store.getMembership(input.siret, input.userId),
      this.store.getMembership(input.siret, input.actorId),
    ]);
    const a = asActor(actor, input.siret, input.actorId);
    // Chorus Pro: gestion des habilitations — a gestionnaire subscribes users to the spaces
    assertManagerOf(a, input.siret);
    const t = asActor(target, input.siret, input.userId);
    const next = subscribeSpaceRule(structure, t, input.space, input.mode);
    const ops = [this.store.membershipWrite(next, t.version)];
    if (input.actorId !== input.userId) ops.push(this.store.membershipCheck(a, a.version));
    await this.store.commit(ops);
    return { ...next, version: t.version + 1 };
  }

  // -------------------------------------------------------------------------------------------- internals

  /** The caller's account, which must exist and be active. */
  private activeUser(userId: string): Promise<Stored<User>> {
    return activeUser(this.store, userId);
  }
}
