import { DomainError, type Validation } from '../errors';
import { assertPrincipalOf, type Membership } from './membership';
import type { TechnicalAccount } from './model';

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

/** The instant from which the password is expired: 424 × 24 h after its last change. */
export function passwordExpiresAt(account: TechnicalAccount): Date {
  return new Date(account.passwordChangedAt.getTime() + TECHNICAL_PASSWORD_MAX_AGE_DAYS * DAY_MS);
}

/** Chorus Pro: compte technique — expired once 424 days have passed since the last change (boundary included). */
export function passwordExpired(account: TechnicalAccount, now: Date): boolean {
  return now.getTime() >= passwordExpiresAt(account).getTime();
}
