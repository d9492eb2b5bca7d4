import { DomainError } from '../errors';
import type { Space, SpaceMode } from '../roles';
import type { Structure } from './model';
import type { User } from './user';

/**
 * A user's attachment (rattachement) to a structure (docs/rules/structures.md#managers): requested, then approved or refused by a
 * gestionnaire; it carries the user's role in the structure and its space subscriptions.
 */
export type MembershipStatus = 'PENDING' | 'APPROVED' | 'REFUSED';
export type MembershipRole = 'GESTIONNAIRE_PRINCIPAL' | 'GESTIONNAIRE_SECONDAIRE' | 'UTILISATEUR';

export interface SpaceSubscription {
  readonly space: Space;
  readonly mode: SpaceMode;
}

export interface Membership {
  readonly siret: string;
  readonly userId: string;
  readonly status: MembershipStatus;
  readonly role: MembershipRole;
  readonly spaces: readonly SpaceSubscription[];
  readonly requestedAt: Date;
  readonly decidedAt?: Date;
  /** userId of the gestionnaire who decided. */
  readonly decidedBy?: string;
}

const isManager = (m: Membership): boolean =>
  m.status === 'APPROVED' && (m.role === 'GESTIONNAIRE_PRINCIPAL' || m.role === 'GESTIONNAIRE_SECONDAIRE');
const isPrincipal = (m: Membership): boolean => m.status === 'APPROVED' && m.role === 'GESTIONNAIRE_PRINCIPAL';

function forbidden(code: string, message: string): DomainError {
  return new DomainError(code, message, 'FORBIDDEN');
}

export function assertUserActive(user: User): void {
  if (!user.active) {
    throw new DomainError('UTILISATEUR_INACTIF', `Le compte ${user.loginAddress} est désactivé.`, 'CONFLICT');
  }
}

export function assertStructureActive(structure: Structure): void {
  if (!structure.active) {
    throw new DomainError(
      'STRUCTURE_INACTIVE',
      `La structure ${structure.siret} (${structure.raisonSociale}) est désactivée${structure.successorSiret ? ` ; elle est remplacée par la structure ${structure.successorSiret}` : ''}.`,
      'CONFLICT',
    );
  }
}

/** Throws `GESTION_RESERVEE_AUX_GESTIONNAIRES` unless `actor` is an approved GP or GS of `siret`. */
export function assertManagerOf(actor: Membership, siret: string): void {
  // Chorus Pro: gestion des structures — the GP or a GS manages users and spaces
  if (actor.siret !== siret || !isManager(actor)) {
    throw forbidden(
      'GESTION_RESERVEE_AUX_GESTIONNAIRES',
      `Seul un gestionnaire (principal ou secondaire) de la structure ${siret} peut faire cette opération.`,
    );
  }
}

/** Throws `GESTION_RESERVEE_AU_GP` unless `actor` is the approved GP of `siret`. */
export function assertPrincipalOf(actor: Membership, siret: string): void {
  if (actor.siret !== siret || !isPrincipal(actor)) {
    throw forbidden(
      'GESTION_RESERVEE_AU_GP',
      `Seul le gestionnaire principal de la structure ${siret} peut faire cette opération.`,
    );
  }
}

/**
 * A user asks to be attached to a structure; the request waits for a gestionnaire.
 * Chorus Pro: gestion des structures — demande de rattachement
 */
export function requestAttachment(
  structure: Structure,
  user: User,
  existing: readonly Membership[],
  now: Date,
  spaces: readonly SpaceSubscription[] = [],
): Membership {
  assertStructureActive(structure);
  assertUserActive(user);
  const current = existing.find((m) => m.siret === structure.siret && m.userId === user.id && m.status !== 'REFUSED');
  if (current) {
    throw new DomainError(
      'RATTACHEMENT_EXISTANT',
      current.status === 'PENDING'
        ? `Une demande de rattachement à la structure ${structure.siret} est déjà en attente.`
        : `Vous êtes déjà rattaché à la structure ${structure.siret}.`,
      'CONFLICT',
    );
  }
  for (const s of spaces) assertSpaceEnabled(structure, s.space);
  return {
    siret: structure.siret,
    userId: user.id,
    status: 'PENDING',
    role: 'UTILISATEUR',
    spaces: dedupeSpaces(spaces),
    requestedAt: now,
  };
}

/**
 * A gestionnaire (GP or GS) accepts or refuses a pending request. Only the GP may make the new member a
 * gestionnaire secondaire. Chorus Pro: gestion des structures — validation des rattachements
 */
export function decideAttachment(
  request: Membership,
  decider: Membership,
  decision: 'APPROVED' | 'REFUSED',
  now: Date,
  options: { role?: 'GESTIONNAIRE_SECONDAIRE' | 'UTILISATEUR' } = {},
): Membership {
  assertManagerOf(decider, request.siret);
  if (request.status !== 'PENDING') {
    throw new DomainError(
      'RATTACHEMENT_DEJA_TRAITE',
      `Cette demande de rattachement a déjà été ${request.status === 'APPROVED' ? 'acceptée' : 'refusée'}.`,
      'CONFLICT',
    );
  }
  const role = options.role ?? 'UTILISATEUR';
  if (role === 'GESTIONNAIRE_SECONDAIRE') assertPrincipalOf(decider, request.siret);
  return { ...request, status: decision, role, decidedAt: now, decidedBy: decider.userId };
}

/** The GP names or removes a gestionnaire secondaire among approved members. */
export function setSecondaryManager(target: Membership, actor: Membership, secondary: boolean): Membership {
  // Chorus Pro: gestion des structures — the GP designates gestionnaires secondaires
  assertPrincipalOf(actor, target.siret);
  assertApprovedMember(target);
  if (target.role === 'GESTIONNAIRE_PRINCIPAL') {
    throw new DomainError(
      'ROLE_GP_NON_MODIFIABLE',
      "Le gestionnaire principal ne peut pas être rétrogradé : transférez d'abord son rôle.",
      'CONFLICT',
    );
  }
  return { ...target, role: secondary ? 'GESTIONNAIRE_SECONDAIRE' : 'UTILISATEUR' };
}

function assertApprovedMember(m: Membership): void {
  if (m.status !== 'APPROVED') {
    throw new DomainError(
      'UTILISATEUR_NON_RATTACHE',
      `L'utilisateur ${m.userId} n'est pas rattaché à la structure ${m.siret} (demande ${m.status === 'PENDING' ? 'en attente' : 'refusée'}).`,
      'CONFLICT',
    );
  }
}

/**
 * The GP hands its role to another approved, active member; the former GP becomes gestionnaire secondaire
 * *(assumption H23: Chorus Pro keeps the former GP as a manager)*. Chorus Pro: gestion des structures — transfert du rôle
 */
export function transferPrincipal(
  actor: Membership,
  target: Membership,
  targetUser: User,
): { readonly from: Membership; readonly to: Membership } {
  assertPrincipalOf(actor, target.siret);
  if (targetUser.id !== target.userId) throw new RangeError('targetUser does not match target membership');
  if (target.userId === actor.userId) {
    throw new DomainError(
      'TRANSFERT_A_SOI_MEME',
      'Vous êtes déjà gestionnaire principal de cette structure.',
      'CONFLICT',
    );
  }
  assertApprovedMember(target);
  assertUserActive(targetUser);
  return {
    from: { ...actor, role: 'GESTIONNAIRE_SECONDAIRE' },
    to: { ...target, role: 'GESTIONNAIRE_PRINCIPAL' },
  };
}

export interface DeactivationOutcome {
  /** Every membership given, with the changes applied. */
  readonly memberships: readonly Membership[];
  /** Only the memberships that changed (to persist). */
  readonly changed: readonly Membership[];
  /** Structures whose GP left and where no gestionnaire secondaire could take over: they have no GP. */
  readonly withoutPrincipal: readonly string[];
}

/**
 * When a user is deactivated, in each structure where it was GP the gestionnaire secondaire (approved, active)
 * with the most recent last login becomes GP; with none, the structure is flagged without GP. Ties: smallest
 * userId, for determinism. docs/rules/structures.md#managers; Chorus Pro: gestion des structures
 */
export function onUserDeactivated(
  deactivated: User,
  memberships: readonly Membership[],
  users: readonly User[],
): DeactivationOutcome {
  const byId = new Map(users.map((u) => [u.id, u]));
  const result = [...memberships];
  const changed: Membership[] = [];
  const withoutPrincipal: string[] = [];
  const replace = (m: Membership, next: Membership): void => {
    result[result.indexOf(m)] = next;
    changed.push(next);
  };
  const principalOf = memberships.filter((m) => m.userId === deactivated.id && isPrincipal(m));
  for (const gp of principalOf) {
    const candidates = memberships
      .filter(
        (m) =>
          m.siret === gp.siret &&
          m.userId !== deactivated.id &&
          m.status === 'APPROVED' &&
          m.role === 'GESTIONNAIRE_SECONDAIRE' &&
          byId.get(m.userId)?.active === true,
      )
      .sort((x, y) => {
        const lx = byId.get(x.userId)?.lastLoginAt?.getTime() ?? Number.NEGATIVE_INFINITY;
        const ly = byId.get(y.userId)?.lastLoginAt?.getTime() ?? Number.NEGATIVE_INFINITY;
        return ly - lx || (x.userId < y.userId ? -1 : x.userId > y.userId ? 1 : 0);
      });
    replace(gp, { ...gp, role: 'UTILISATEUR' });
    const next = candidates[0];
    if (next) replace(next, { ...next, role: 'GESTIONNAIRE_PRINCIPAL' });
    else withoutPrincipal.push(gp.siret);
  }
  return { memberships: result, changed, withoutPrincipal };
}

export function assertSpaceEnabled(structure: Structure, space: Space): void {
  // Chorus Pro: espaces activés par structure, puis abonnement par utilisateur
  if (!structure.spaces.includes(space)) {
    const message = `L'espace ${space} n'est pas activé pour la structure ${structure.siret} : un gestionnaire doit d'abord l'activer.`;
    throw new DomainError('ESPACE_NON_ACTIVE', message, 'CONFLICT', [{ path: 'espace', message }]);
  }
}

function dedupeSpaces(spaces: readonly SpaceSubscription[]): SpaceSubscription[] {
  const bySpace = new Map<Space, SpaceSubscription>();
  for (const s of spaces) bySpace.set(s.space, { space: s.space, mode: s.mode });
  return [...bySpace.values()];
}

/** Subscribes an approved member to a space enabled on its structure (or changes the mode). docs/rules/structures.md#spaces */
export function subscribeSpace(
  structure: Structure,
  membership: Membership,
  space: Space,
  mode: SpaceMode,
): Membership {
  if (membership.siret !== structure.siret) throw new RangeError('membership of another structure');
  assertApprovedMember(membership);
  assertSpaceEnabled(structure, space);
  return { ...membership, spaces: dedupeSpaces([...membership.spaces, { space, mode }]) };
}

export function unsubscribeSpace(membership: Membership, space: Space): Membership {
  return { ...membership, spaces: membership.spaces.filter((s) => s.space !== space) };
}

/** Reads in a space: approved member subscribed in any mode. docs/rules/structures.md#spaces (CONSULTATION reads) */
export function canRead(membership: Membership, space: Space): boolean {
  return membership.status === 'APPROVED' && membership.spaces.some((s) => s.space === space);
}

/** Acts in a space: approved member subscribed in MODIFICATION. docs/rules/structures.md#spaces (MODIFICATION acts) */
export function canAct(membership: Membership, space: Space): boolean {
  return (
    membership.status === 'APPROVED' && membership.spaces.some((s) => s.space === space && s.mode === 'MODIFICATION')
  );
}
