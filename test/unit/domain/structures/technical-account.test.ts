import { describe, expect, it } from 'vitest';
import {
  passwordExpired,
  resetTechnicalPassword,
  type TechnicalAccount,
  validatePassword,
} from '../../../../shared/domain/structures';
import { errorCode, member, OTHER_SIRET, SIRET, T0, T1 } from './fixtures';

const account: TechnicalAccount = { siret: SIRET, login: 'tech-213002025', passwordChangedAt: T0 };

describe('technical account (docs/rules/structures.md#technical-account, Chorus Pro: compte technique)', () => {
  it.each([
    ['Abcdefghijk1', true, '12 chars, upper + lower + digit'],
    ['abcdefghij1!', true, 'lower + digit + other'],
    ['ABCDEFGHIJ1!', true, 'upper + digit + other'],
    ['Ééééééééééé!', true, 'accented upper + lower + other'],
    ['Abcdefghij1', false, '11 characters'],
    ['abcdefghijk1', false, 'only 2 classes'],
    ['ABCDEFGHIJKLMNOP', false, 'only 1 class'],
    ['aaaaaaaaaaaaaaaaaaaaaaaa', false, 'long but 1 class'],
    ['Aa1!', false, '4 classes but 4 characters'],
  ])('validatePassword(%j) → %s (%s)', (pw, ok) => {
    const v = validatePassword(pw);
    expect(v.ok).toBe(ok);
    if (!v.ok) expect(v.error.code).toBe('MOT_DE_PASSE_TROP_FAIBLE');
  });

  it('counts characters, not UTF-16 units', () => {
    expect(validatePassword('Aa1😀😀😀😀😀').ok).toBe(false); // 8 characters, 13 units
  });

  it('only the GP resets the password; the change instant is recorded', () => {
    expect(resetTechnicalPassword(account, member('gp', 'GESTIONNAIRE_PRINCIPAL'), 'Nouveau-mdp-2025', T1)).toEqual({
      ...account,
      passwordChangedAt: T1,
    });
    for (const actor of [
      member('gs', 'GESTIONNAIRE_SECONDAIRE'),
      member('u', 'UTILISATEUR'),
      member('gp', 'GESTIONNAIRE_PRINCIPAL', { siret: OTHER_SIRET }),
    ]) {
      expect(errorCode(() => resetTechnicalPassword(account, actor, 'Nouveau-mdp-2025', T1))).toBe(
        'GESTION_RESERVEE_AU_GP',
      );
    }
  });

  it('refuses a weak password on reset', () => {
    expect(errorCode(() => resetTechnicalPassword(account, member('gp', 'GESTIONNAIRE_PRINCIPAL'), 'faible', T1))).toBe(
      'MOT_DE_PASSE_TROP_FAIBLE',
    );
  });

  it.each([
    ['2026-05-01T08:59:59.999Z', false, '1 ms before 424 days'],
    ['2026-05-01T09:00:00.000Z', true, 'exactly 424 days after 2025-03-03T09:00Z'],
    ['2027-01-01T00:00:00.000Z', true, 'long after'],
    ['2025-03-03T09:00:00.000Z', false, 'the day of the change'],
  ])('passwordExpired at %s → %s (%s; must be changed every 424 days)', (now, expired) => {
    expect(passwordExpired(account, new Date(now))).toBe(expired);
  });
});
