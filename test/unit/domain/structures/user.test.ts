import { describe, expect, it } from 'vitest';
import {
  changeContactAddress,
  createUser,
  deactivateUser,
  normalizeLoginAddress,
  recordLogin,
  updateUser,
} from '../../../../shared/domain/structures';
import { errorCode, T0, T1 } from './fixtures';

describe('users: login address and contact address (docs/rules/structures.md#users)', () => {
  it('lowercases the login address and defaults the contact address to it', () => {
    expect(createUser({ id: 'u1', loginAddress: '  Jean.Dupont@Exemple.FR ' }, T0)).toEqual({
      id: 'u1',
      loginAddress: 'jean.dupont@exemple.fr',
      contactAddress: 'jean.dupont@exemple.fr',
      active: true,
      createdAt: T0,
    });
  });

  it('keeps a distinct contact address', () => {
    const u = createUser({ id: 'u1', loginAddress: 'jd@exemple.fr', contactAddress: 'compta@exemple.fr' }, T0);
    expect(u.contactAddress).toBe('compta@exemple.fr');
  });

  it.each([['pas-une-adresse'], ['a@b'], ['@exemple.fr'], ['jean dupont@exemple.fr'], ['']])(
    'refuses the address %j with ADRESSE_INVALIDE',
    (address) => {
      expect(errorCode(() => normalizeLoginAddress(address))).toBe('ADRESSE_INVALIDE');
      expect(errorCode(() => createUser({ id: 'u', loginAddress: 'ok@exemple.fr', contactAddress: address }, T0))).toBe(
        'ADRESSE_INVALIDE',
      );
    },
  );

  it('the login address cannot change; sending it back unchanged (any case) is fine', () => {
    const u = createUser({ id: 'u1', loginAddress: 'jd@exemple.fr' }, T0);
    expect(errorCode(() => updateUser(u, { loginAddress: 'autre@exemple.fr' }))).toBe('ADRESSE_CONNEXION_IMMUABLE');
    expect(updateUser(u, { loginAddress: 'JD@exemple.fr', contactAddress: 'x@exemple.fr' })).toMatchObject({
      loginAddress: 'jd@exemple.fr',
      contactAddress: 'x@exemple.fr',
    });
  });

  it('the contact address changes and resets to the login address', () => {
    const u = changeContactAddress(createUser({ id: 'u1', loginAddress: 'jd@exemple.fr' }, T0), 'x@exemple.fr');
    expect(u.contactAddress).toBe('x@exemple.fr');
    expect(changeContactAddress(u, undefined).contactAddress).toBe('jd@exemple.fr');
  });

  it('records the last login and deactivation instants', () => {
    const u = recordLogin(createUser({ id: 'u1', loginAddress: 'jd@exemple.fr' }, T0), T1);
    expect(u.lastLoginAt).toEqual(T1);
    const d = deactivateUser(u, T1);
    expect(d).toMatchObject({ active: false, deactivatedAt: T1 });
    expect(deactivateUser(d, new Date('2026-01-01T00:00:00Z')).deactivatedAt).toEqual(T1);
  });
});
