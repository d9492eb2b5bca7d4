import type { IdentityStore, Stored } from '../adapters/dynamo/identity-store';
import type { OutboxStore } from '../adapters/dynamo/notifications/outbox-store';
import { staleError, type WriteOp } from '../adapters/dynamo/write-ops';
import { DomainError } from '../domain/errors';
import { technicalPasswordNoticeAt } from '../domain/notifications';
import {
  assertStructureActive,
  deactivateUser as deactivateUserRule,
  isTechnicalLogin,
  type Membership,
  onUserDeactivated,
  recordPrincipalChange,
  resetTechnicalPassword as resetTechnicalPasswordRule,
  type TechnicalAccount,
  technicalLoginOf,
  technicalMembership,
  technicalUser,
  type User,
} from '../domain/structures';
import { activeUser } from './active-user';
import { asActor } from './membership-service';
import { retryOnStale } from './stale-retry';
import { hashPassword, verifyPassword } from './technical-password';

/**
 * Accounts (docs/rules/structures.md#managers, #technical-account): deactivating a user with the GP succession
 * recorded on its structures, and the structure's technical account (password, its own user, sign-in, 424-day
 * expiry). Each operation writes its outcome in ONE transaction conditioned on the versions read.
 */

// ------------------------------------------------------------------------------------------------ helpers

const forbidden = (code: string, message: string) => new DomainError(code, message, 'FORBIDDEN');

// ------------------------------------------------------------------------------------------- deactivation

export interface DeactivationResult {
  readonly user: Stored<User>;
  /** Memberships changed by the GP succession. */
  readonly changed: readonly Membership[];
  /** Structures left without GP (no active gestionnaire secondaire). */
  readonly withoutPrincipal: readonly string[];
}

/**
 * Deactivates an account — by the user itself, or by the platform's administration (`asAdministrator`) — and
 * hands each of its GP roles to the active gestionnaire secondaire with the most recent login (`onUserDeactivated`),
 * recording the change on each structure, all in one transaction. A technical account is managed by its GP
 * (password), not deactivated this way. docs/rules/structures.md#managers
 */
export async function deactivateAccount(
  store: IdentityStore,
  input: { readonly actorId: string; readonly userId: string; readonly asAdministrator?: boolean },
  now: Date,
): Promise<DeactivationResult> {
  if (input.actorId !== input.userId && !input.asAdministrator) {
    throw forbidden(
      'DESACTIVATION_RESERVEE',
      "Seul l'utilisateur lui-même ou l'administration de la plateforme peut désactiver ce compte.",
    );
  }
  const user = await store.getUser(input.userId);
  if (!user) throw new DomainError('UTILISATEUR_INCONNU', `Aucun compte ${input.userId}.`, 'NOT_FOUND');
  if (user.technical) {
    throw new DomainError(
      'COMPTE_TECHNIQUE_NON_DESACTIVABLE',
      `Le compte technique ${user.id} ne se désactive pas : il dépend de la structure ${user.technical.siret}, dont le gestionnaire principal gère le mot de passe.`,
      'CONFLICT',
    );
  }
  if (!user.active) return { user, changed: [], withoutPrincipal: [] };
  const own = await store.membershipsOfUser(user.id);
  const gpOf = own.filter((m) => m.status === 'APPROVED' && m.role === 'GESTIONNAIRE_PRINCIPAL').map((m) => m.siret);
  const [members, structures] = await Promise.all([
    Promise.all(gpOf.map((siret) => store.membersOf(siret))).then((x) => x.flat()),
    Promise.all(gpOf.map((siret) => store.getStructure(siret))),
  ]);
  const users = await store.getUsers(members.map((m) => m.userId));
  const deactivated = deactivateUserRule(user, now);
  users.set(user.id, { ...deactivated, version: user.version });
  const outcome = onUserDeactivated(deactivated, members, [...users.values()]);
  const versionOf = new Map(members.map((m) => [`${m.siret}#${m.userId}`, m.version]));
  const ops: WriteOp[] = [...store.userWrites(deactivated, user.version)];
  for (const m of outcome.changed) {
    ops.push(store.membershipWrite(m, versionOf.get(`${m.siret}#${m.userId}`) ?? 0));
  }
  for (const structure of structures) {
    if (!structure) continue;
    const successor = outcome.changed.find((m) => m.siret === structure.siret && m.role === 'GESTIONNAIRE_PRINCIPAL');
    const next = recordPrincipalChange(structure, {
      at: now,
      from: user.id,
      to: successor?.userId ?? null,
      reason: 'DESACTIVATION',
    });
    ops.push(...store.structureWrites(next, structure.version, structure));
  }
  await store.commit(ops);
  return {
    user: { ...deactivated, version: user.version + 1 },
    changed: outcome.changed,
    withoutPrincipal: outcome.withoutPrincipal,
  };
}

// -------------------------------------------------------------------------------------- technical account

/**
 * The GP sets a new password of the structure's technical account (created on first use, with its own user
 * attached to the structure in MODIFICATION). Only its scrypt hash is stored, in an item the structure reads never
 * return; the technical user's expiry moves to 424 days after this change. docs/rules/structures.md#technical-account
 */
export async function resetTechnicalPassword(
  store: IdentityStore,
  input: { readonly actorId: string; readonly siret: string; readonly password: string },
  now: Date,
  /** Where the GP's notice 30 days before the expiry is armed (issue 13); none without it. */
  outbox?: OutboxStore,
): Promise<TechnicalAccount> {
  let hash: Promise<string> | undefined;
  // no If-Match: read again when another change of the structure went first (stale-retry.ts)
  return retryOnStale(async () => {
    const { gp, structure, actor: a, account, login } = await technicalAccountOf(store, input, now);
    const next = resetTechnicalPasswordRule(account, a, input.password, now);
    hash ??= hashPassword(input.password); // once, and only for a password the rule accepted
    const [passwordHash, existingUser, existingMembership] = await Promise.all([
      hash,
      store.getUser(login),
      store.getMembership(structure.siret, login),
    ]);
    const user = technicalUser(next, existingUser, gp.contactAddress);
    await store.commit([
      ...store.structureWrites({ ...structure, compteTechnique: next }, structure.version, structure),
      store.credentialWrite(structure.siret, next.login, passwordHash, now),
      store.membershipCheck(a, a.version),
      ...store.userWrites(user, existingUser?.version ?? 0),
      ...(existingMembership ? [] : [store.membershipWrite(technicalMembership(structure, next, now), 0)]),
      ...(outbox ? [technicalPasswordNoticeWrite(outbox, next)] : []),
    ]);
    return next;
  });
}

/**
 * What a change of the structure's technical account starts from: the acting user (active), the structure (known,
 * active), the actor's membership, and the account as stored, or as it would be created now.
 */
export async function technicalAccountOf(
  store: IdentityStore,
  input: { readonly actorId: string; readonly siret: string },
  now: Date,
) {
  const gp = await activeUser(store, input.actorId, now);
  const [structure, membership] = await Promise.all([
    store.getStructure(input.siret),
    store.getMembership(input.siret, input.actorId),
  ]);
  if (!structure) {
    throw new DomainError('STRUCTURE_INCONNUE', `Aucune structure de SIRET ${input.siret}.`, 'NOT_FOUND');
  }
  assertStructureActive(structure);
  const actor = asActor(membership, input.siret, input.actorId);
  const login = structure.compteTechnique?.login ?? technicalLoginOf(structure.siret);
  const account: TechnicalAccount = structure.compteTechnique ?? {
    siret: structure.siret,
    login,
    passwordChangedAt: now,
  };
  return { gp, structure, actor, account, login };
}

/** The GP's notice of this password, armed 30 days before it expires; it replaces the previous password's. */
export function technicalPasswordNoticeWrite(outbox: OutboxStore, account: TechnicalAccount): WriteOp {
  return {
    item: outbox.technicalPasswordNoticeItem({
      siret: account.siret,
      dueAt: technicalPasswordNoticeAt(account.passwordChangedAt).toISOString(),
      changedAt: account.passwordChangedAt.toISOString(),
    }),
    onConditionFailed: () => staleError('Le rappel du mot de passe technique'),
  };
}

/**
 * Sign-in of a technical account with its login and password (the local sign-in; on AWS the user pool): the user id
 * to put in the token, or a refusal that says why — unknown login or wrong password alike (nothing tells which
 * logins exist), password past its 424 days, structure deactivated.
 */
export async function authenticateTechnical(
  store: IdentityStore,
  login: string,
  password: string,
  now: Date,
): Promise<{ readonly userId: string; readonly siret: string }> {
  const refused = () =>
    new DomainError('IDENTIFIANTS_INVALIDES', 'Identifiant ou mot de passe du compte technique invalide.', 'FORBIDDEN');
  if (!isTechnicalLogin(login) || password.length === 0 || password.length > 256) throw refused();
  const siret = login.slice('TECH_'.length);
  const [credential, structure] = await Promise.all([store.getCredential(siret), store.getStructure(siret)]);
  if (!credential || credential.login !== login || !structure?.compteTechnique) throw refused();
  if (!(await verifyPassword(password, credential.passwordHash))) throw refused();
  if (!structure.active) {
    throw forbidden(
      'STRUCTURE_DESACTIVEE',
      `La structure ${siret} est désactivée : son compte technique ne peut plus se connecter.`,
    );
  }
  // deactivated, or past its 424 days (COMPTE_TECHNIQUE_EXPIRE)
  await activeUser(store, login, now);
  return { userId: login, siret };
}
