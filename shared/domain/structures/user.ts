import * as z from 'zod/mini';
import { DomainError } from '../errors';
import { excerpt } from '../excerpt';
import { pure } from '../pure';

/**
 * A person using the portal (docs/rules/structures.md#users). The login address identifies the account: unique, lowercased, never
 * changed. Notifications go to the contact address, which defaults to the login address.
 */
export interface User {
  readonly id: string;
  readonly loginAddress: string;
  readonly contactAddress: string;
  readonly active: boolean;
  readonly createdAt: Date;
  readonly lastLoginAt?: Date;
  /** The sign-in before the last one: what the portal shows as « Dernière connexion le … » during a session. */
  readonly previousLoginAt?: Date;
  readonly deactivatedAt?: Date;
  /**
   * Set on the technical (API) account of a structure (docs/rules/structures.md#technical-account): the structure
   * it acts for, and when its password expires (424 days after the last change); past it, it is refused.
   */
  readonly technical?: { readonly siret: string; readonly passwordExpiresAt: Date };
}

const emailSchema = /* @__PURE__ */ pure(() => z.email());

function checkedAddress(input: string, path: string, label: string): string {
  const address = input.trim();
  if (!emailSchema.safeParse(address).success) {
    const message = `${label} « ${excerpt(input)} » invalide : une adresse électronique est attendue (exemple : prenom.nom@exemple.fr).`;
    throw new DomainError('ADRESSE_INVALIDE', message, 'INVALID', [{ path, message }]);
  }
  return address;
}

/** The canonical login address (trimmed, lowercased): the key of the uniqueness check. */
export function normalizeLoginAddress(input: string): string {
  return checkedAddress(input, 'adresseConnexion', 'Adresse de connexion').toLowerCase();
}

export interface CreateUserInput {
  readonly id: string;
  readonly loginAddress: string;
  readonly contactAddress?: string;
}

export function createUser(input: CreateUserInput, now: Date): User {
  const loginAddress = normalizeLoginAddress(input.loginAddress);
  return {
    id: input.id,
    loginAddress,
    // Chorus Pro: gestion des utilisateurs — contact address defaults to the login address
    contactAddress:
      input.contactAddress === undefined
        ? loginAddress
        : checkedAddress(input.contactAddress, 'adresseContact', 'Adresse de contact'),
    active: true,
    createdAt: now,
  };
}

/** Sets the contact address; `undefined` resets it to the login address. */
export function changeContactAddress(user: User, contactAddress: string | undefined): User {
  return {
    ...user,
    contactAddress:
      contactAddress === undefined
        ? user.loginAddress
        : checkedAddress(contactAddress, 'adresseContact', 'Adresse de contact'),
  };
}

/**
 * Applies a profile change. The login address may be sent back unchanged (any case) but never changed.
 * Chorus Pro: gestion des utilisateurs — the login address is immutable
 */
export function updateUser(user: User, patch: { loginAddress?: string; contactAddress?: string }): User {
  if (patch.loginAddress !== undefined && normalizeLoginAddress(patch.loginAddress) !== user.loginAddress) {
    const message = `L'adresse de connexion (${user.loginAddress}) ne peut pas être modifiée ; changez plutôt l'adresse de contact, qui reçoit les notifications.`;
    throw new DomainError('ADRESSE_CONNEXION_IMMUABLE', message, 'CONFLICT', [{ path: 'adresseConnexion', message }]);
  }
  return patch.contactAddress === undefined ? user : changeContactAddress(user, patch.contactAddress);
}

/**
 * Records a sign-in: it becomes the last login (the GP succession picks the most recent one) and the former last
 * login becomes the previous one, which the portal shows to the user (Chorus Pro: « Dernière connexion le … »).
 */
export function recordLogin(user: User, now: Date): User {
  const { previousLoginAt: _p, ...rest } = user;
  return { ...rest, lastLoginAt: now, ...(user.lastLoginAt ? { previousLoginAt: user.lastLoginAt } : {}) };
}

/** Deactivates the account; then call `onUserDeactivated` so that its structures keep a gestionnaire principal. */
export function deactivateUser(user: User, now: Date): User {
  if (!user.active) return user;
  return { ...user, active: false, deactivatedAt: now };
}
