import { DomainError, type Validation } from '../errors';
import { assertPrincipalOf, type Membership } from './membership';
import type { Structure, TechnicalAccount } from './model';
import type { User } from './user';

export type { TechnicalAccount } from './model';

export const PASSWORD_MIN_LENGTH = 12;
/** Chorus Pro: compte technique — the password must be changed every 424 days. */
export const TECHNICAL_PASSWORD_MAX_AGE_DAYS = 424;
const DAY_MS = 86_400_000;

const CLASSES: readonly { readonly test: RegExp; readonly label: string }[] = [
  { test: /\p{Lu}/u, label: 'une majuscule' },
  { test: /\p{Ll}/u, label: 'une minuscule' },
  { test: /\p{Nd}/u, label: 'un chiffre' },
  { test: /[^\p{Lu}\p{Ll}\p{Nd}]/u, label: 'un autre caractère (ponctuation, symbole…)' },
];

/** At least 12 characters and 3 of the 4 classes (upper, lower, digit, other). Chorus Pro: politique de mot de passe */
export function validatePassword(password: string): Validation<string> {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push(`${PASSWORD_MIN_LENGTH} caractères au moins (${length} saisis)`);
  const missing = CLASSES.filter((c) => !c.test.test(password));
  if (missing.length > 1) {
    problems.push(
      `3 types de caractères sur 4 ; il manque au moins deux de : ${missing.map((c) => c.label).join(', ')}`,
    );
  }
  if (problems.length === 0) return { ok: true, value: password };
  const message = `Mot de passe trop faible : ${problems.join(' ; ')}.`;
  return {
    ok: false,
    error: new DomainError('MOT_DE_PASSE_TROP_FAIBLE', message, 'INVALID', [{ path: 'motDePasse', message }]),
  };
}

/** Only the GP resets the technical account's password; the new password must satisfy `validatePassword`. */
export function resetTechnicalPassword(
  account: TechnicalAccount,
  actor: Membership,
  password: string,
  now: Date,
): TechnicalAccount {
  // Chorus Pro: compte technique — only the gestionnaire principal manages it
  assertPrincipalOf(actor, account.siret);
  const v = validatePassword(password);
  if (!v.ok) throw v.error;
  return { ...account, passwordChangedAt: now };
}

/**
 * Only the GP renews the technical account's machine-to-machine client (created on first renewal, its secret
 * replaced on the next ones): like a new password, it restarts the 424 days. Chorus Pro: compte technique
 */
export function renewTechnicalClient(
  account: TechnicalAccount,
  actor: Membership,
  clientId: string,
  now: Date,
): TechnicalAccount {
  assertPrincipalOf(actor, account.siret);
  return { ...account, clientId, passwordChangedAt: now };
}

/** The instant from which the password is expired: 424 × 24 h after its last change. */
export function passwordExpiresAt(account: TechnicalAccount): Date {
  return new Date(account.passwordChangedAt.getTime() + TECHNICAL_PASSWORD_MAX_AGE_DAYS * DAY_MS);
}

/** Chorus Pro: compte technique — expired once 424 days have passed since the last change (boundary included). */
export function passwordExpired(account: TechnicalAccount, now: Date): boolean {
  return now.getTime() >= passwordExpiresAt(account).getTime();
}

/**
 * The technical account signs in as a user of its own (its id is its login, `TECH_<siret>`, H24), attached to its
 * structure as a plain user subscribed in MODIFICATION to every space the structure enables: the API then
 * authorizes it like any member, and it never manages the structure nor becomes its GP.
 */
export const technicalLoginOf = (siret: string): string => `TECH_${siret}`;

export function isTechnicalLogin(login: string): boolean {
  return /^TECH_\d{14}$/.test(login);
}

/** The technical account's user after a password change: active, with its new expiry. */
export function technicalUser(account: TechnicalAccount, existing: User | undefined, contactAddress: string): User {
  const technical = { siret: account.siret, passwordExpiresAt: passwordExpiresAt(account) };
  if (existing) return { ...existing, active: true, technical };
  return {
    id: account.login,
    loginAddress: account.login.toLowerCase(),
    contactAddress,
    active: true,
    createdAt: account.passwordChangedAt,
    technical,
  };
}

/** Its attachment: approved, plain user, MODIFICATION in every space the structure enables. */
export function technicalMembership(structure: Structure, account: TechnicalAccount, now: Date): Membership {
  return {
    siret: structure.siret,
    userId: account.login,
    status: 'APPROVED',
    role: 'UTILISATEUR',
    spaces: structure.spaces.map((space) => ({ space, mode: 'MODIFICATION' as const })),
    requestedAt: now,
    decidedAt: now,
  };
}

/**
 * Why a user may not use the API now, if it is a technical account: its password passed its 424 days (Chorus Pro:
 * compte technique). Undefined for a person, or a technical account still valid.
 */
export function technicalAccountRefusal(user: User, now: Date): DomainError | undefined {
  if (!user.technical || now.getTime() < user.technical.passwordExpiresAt.getTime()) return undefined;
  return new DomainError(
    'COMPTE_TECHNIQUE_EXPIRE',
    `Le mot de passe du compte technique ${user.id} a expiré le ${user.technical.passwordExpiresAt.toISOString()} (424 jours après son dernier changement) : le gestionnaire principal de la structure ${user.technical.siret} doit en définir un nouveau.`,
    'FORBIDDEN',
  );
}
