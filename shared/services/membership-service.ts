import type { IdentityStore, Stored } from '../adapters/dynamo/identity-store';
import type { OutboxStore } from '../adapters/dynamo/notifications/outbox-store';
import { staleError, type WriteOp } from '../adapters/dynamo/write-ops';
import { DomainError } from '../domain/errors';
import { attachmentDecided, attachmentRequested, type NotificationIntent } from '../domain/notifications';
import type { Space, SpaceMode } from '../domain/roles';
import {
  assertManagerOf,
  decideAttachment as decideAttachmentRule,
  type Membership,
  recordPrincipalChange,
  requestAttachment as requestAttachmentRule,
  type SpaceSubscription,
  type Structure,
  setSecondaryManager as setSecondaryManagerRule,
  subscribeSpace as subscribeSpaceRule,
  transferPrincipal as transferPrincipalRule,
  type User,
} from '../domain/structures';
import { activeUser } from './active-user';

/**
 * Attachments (rattachements) of users to structures (docs/rules/structures.md#managers): requests, decisions,
 * gestionnaires and space subscriptions. Each operation loads what the pure rules of `shared/domain/structures`
 * need, applies them, and writes the outcome in ONE transaction conditioned on the versions read. `IdentityService`
 * (users and structures) holds one as its `memberships`.
 */

export const notFound = (code: string, message: string) => new DomainError(code, message, 'NOT_FOUND');

export function checkVersion(expected: number | undefined, actual: number, what: string): void {
  if (expected !== undefined && expected !== actual) throw staleError(what);
}

/** A non-member stands in for a caller without attachment, so the domain's refusal (and its code) applies. */
export function asActor(m: Stored<Membership> | undefined, siret: string, userId: string): Stored<Membership> {
  return (
    m ?? { siret, userId, status: 'REFUSED', role: 'UTILISATEUR', spaces: [], requestedAt: new Date(0), version: 0 }
  );
}

/** The outbox entry of a notification, as one more item of the transaction that causes it (issue 13). */
export function outboxWrite(outbox: OutboxStore, intent: NotificationIntent, at: Date): WriteOp {
  return {
    item: outbox.outboxItem(intent, at.toISOString()),
    onConditionFailed: () => staleError('La notification'),
  };
}

export class MembershipService {
  /** `outbox`: where the notifications of requests and decisions are written (none without it: seeds, tests). */
  constructor(
    readonly store: IdentityStore,
    readonly outbox?: OutboxStore,
  ) {}

  /** The notification as an item of the caller's transaction, when notifications are on. */
  private notify(intent: NotificationIntent, at: Date): WriteOp[] {
    return this.outbox ? [outboxWrite(this.outbox, intent, at)] : [];
  }

  async getStructure(siret: string): Promise<Stored<Structure>> {
    const s = await this.store.getStructure(siret);
    if (!s) throw notFound('STRUCTURE_INCONNUE', `Aucune structure de SIRET ${siret} n'est enregistrée.`);
    return s;
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
    // The gestionnaires are asked to decide, in the request's own transaction (issue 13)
    const notice = attachmentRequested({
      siret: structure.siret,
      raisonSociale: structure.raisonSociale,
      requesterId: user.id,
      requesterAddress: user.contactAddress,
      at: now.toISOString(),
    });
    await this.store.commit([this.store.membershipWrite(request, version), ...this.notify(notice, now)]);
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
    const structure = await this.store.getStructure(input.siret);
    // The requester is told, in the decision's own transaction (issue 13)
    const notice = attachmentDecided({
      siret: input.siret,
      raisonSociale: structure?.raisonSociale,
      requesterId: input.userId,
      decision: input.decision,
      at: now.toISOString(),
    });
    await this.store.commit([
      this.store.membershipWrite(next, request.version),
      this.store.membershipCheck(d, d.version),
      ...this.notify(notice, now),
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
      this.store.getStructure(input.siret),
    ]);
    if (!targetUser) throw notFound('UTILISATEUR_INCONNU', `Aucun compte ${input.toUserId}.`);
    if (!structure) throw notFound('STRUCTURE_INCONNUE', `Aucune structure de SIRET ${input.siret}.`);
    const a = asActor(actor, input.siret, input.actorId);
    const t = asActor(target, input.siret, input.toUserId);
    const { from, to } = transferPrincipalRule(a, t, targetUser);
    // docs/rules/structures.md#managers: every change of GP is recorded on the structure
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

  /** The caller's account, which must exist and be active (active-user.ts). */
  private activeUser(userId: string): Promise<Stored<User>> {
    return activeUser(this.store, userId);
  }
}
