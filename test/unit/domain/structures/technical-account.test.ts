import { describe, expect, it } from 'vitest';
import {
  changeSiret,
  isTechnicalLogin,
  PRINCIPAL_HISTORY_MAX,
  passwordExpired,
  recordPrincipalChange,
  renewTechnicalClient,
  resetTechnicalPassword,
  type Structure,
  type TechnicalAccount,
  technicalAccountRefusal,
  technicalLoginOf,
  technicalMembership,
  technicalUser,
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

  it('only the GP renews the machine client; the 424 days restart from the renewal', () => {
    const gp = member('gp', 'GESTIONNAIRE_PRINCIPAL');
    const renewed = renewTechnicalClient(account, gp, 'client-1', T1);
    expect(renewed).toEqual({ ...account, clientId: 'client-1', passwordChangedAt: T1 });
    // one due date for the account: 424 days after the renewal, not after the older password change
    expect(passwordExpired(renewed, new Date(T1.getTime() + 424 * 86_400_000 - 1))).toBe(false);
    for (const actor of [member('gs', 'GESTIONNAIRE_SECONDAIRE'), member('u', 'UTILISATEUR')]) {
      expect(errorCode(() => renewTechnicalClient(account, actor, 'client-1', T1))).toBe('GESTION_RESERVEE_AU_GP');
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

  it('signs in as its own user: login TECH_<siret>, active, expiring 424 days after the change', () => {
    const login = technicalLoginOf(SIRET);
    expect(login).toBe('TECH_21300202500012');
    expect(isTechnicalLogin(login)).toBe(true);
    expect(isTechnicalLogin('TECH_2130020250001')).toBe(false); // 13 digits
    const a: TechnicalAccount = { siret: SIRET, login, passwordChangedAt: T0 };
    const u = technicalUser(a, undefined, 'gp@exemple.fr');
    // 2025-03-03T09:00Z + 424 days: 2025 has 365 − 62 (Jan + Feb) = 303 days from 03-01; 424 − 303 = 121 days
    // after 2026-01-01 (+ the 2 days from 03-01 to 03-03) → 2026-05-01T09:00Z
    expect(u).toEqual({
      id: login,
      loginAddress: 'tech_21300202500012',
      contactAddress: 'gp@exemple.fr',
      active: true,
      createdAt: T0,
      technical: { siret: SIRET, passwordExpiresAt: new Date('2026-05-01T09:00:00Z') },
    });
    // A later change moves the expiry and reactivates it, keeping the rest
    const again = technicalUser({ ...a, passwordChangedAt: T1 }, { ...u, active: false }, 'autre@exemple.fr');
    expect(again).toMatchObject({ active: true, contactAddress: 'gp@exemple.fr' });
    expect(again.technical?.passwordExpiresAt).toEqual(new Date('2026-05-02T10:30:00Z'));
  });

  it('is refused from its expiry on (COMPTE_TECHNIQUE_EXPIRE); a person never is', () => {
    const u = technicalUser(
      { siret: SIRET, login: technicalLoginOf(SIRET), passwordChangedAt: T0 },
      undefined,
      'x@y.fr',
    );
    expect(technicalAccountRefusal(u, new Date('2026-05-01T08:59:59.999Z'))).toBeUndefined();
    expect(technicalAccountRefusal(u, new Date('2026-05-01T09:00:00.000Z'))?.code).toBe('COMPTE_TECHNIQUE_EXPIRE');
    const { technical: _t, ...person } = u;
    expect(technicalAccountRefusal(person, new Date('2030-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('is attached to its structure as a plain user in MODIFICATION in every enabled space, and not copied by a SIRET change', () => {
    const structure: Structure = {
      siret: SIRET,
      raisonSociale: 'Ville',
      type: 'PUBLIC',
      services: [],
      directory: {
        codeServiceObligatoire: false,
        engagementObligatoire: false,
        moaPresente: true,
        statutMiseEnPaiementRemonte: true,
      },
      active: true,
      spaces: ['FACTURES_TRAVAUX', 'FACTURES_A_VALIDER'],
      createdAt: T0,
    };
    const a: TechnicalAccount = { siret: SIRET, login: technicalLoginOf(SIRET), passwordChangedAt: T0 };
    const m = technicalMembership(structure, a, T0);
    expect(m).toEqual({
      siret: SIRET,
      userId: 'TECH_21300202500012',
      status: 'APPROVED',
      role: 'UTILISATEUR',
      spaces: [
        { space: 'FACTURES_TRAVAUX', mode: 'MODIFICATION' },
        { space: 'FACTURES_A_VALIDER', mode: 'MODIFICATION' },
      ],
      requestedAt: T0,
      decidedAt: T0,
    });
    const moved = changeSiret(
      { structure: { ...structure, compteTechnique: a }, memberships: [member('gp', 'GESTIONNAIRE_PRINCIPAL'), m] },
      OTHER_SIRET,
      T1,
    );
    expect(moved.memberships.map((x) => x.userId)).toEqual(['gp']);
  });

  it('keeps the last 50 changes of gestionnaire principal on the structure', () => {
    let s = { siret: SIRET } as Structure;
    for (let i = 0; i < PRINCIPAL_HISTORY_MAX + 2; i++) {
      s = recordPrincipalChange(s, { at: T0, from: `u${i}`, to: `u${i + 1}`, reason: 'TRANSFERT' });
    }
    // 52 recorded, the 2 oldest (u0, u1) dropped
    expect(s.principalHistory).toHaveLength(50);
    expect(s.principalHistory?.[0]?.from).toBe('u2');
    expect(s.principalHistory?.at(-1)?.to).toBe('u52');
  });
});
