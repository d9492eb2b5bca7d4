import { describe, expect, it } from 'vitest';
import {
  canAct,
  canRead,
  decideAttachment,
  type Membership,
  onUserDeactivated,
  requestAttachment,
  setSecondaryManager,
  subscribeSpace,
  transferPrincipal,
} from '../../../../shared/domain/structures';
import { errorCode, member, OTHER_SIRET, SIRET, structureOf, T1, user } from './fixtures';

describe('rattachement (docs/rules/structures.md#managers, Chorus Pro: gestion des structures)', () => {
  it('a user asks to be attached: pending, role UTILISATEUR, requested spaces kept', () => {
    const { structure, gpMembership } = structureOf();
    const r = requestAttachment(structure, user('bob'), [gpMembership], T1, [
      { space: 'FACTURES_TRAVAUX', mode: 'CONSULTATION' },
    ]);
    expect(r).toEqual({
      siret: SIRET,
      userId: 'bob',
      status: 'PENDING',
      role: 'UTILISATEUR',
      spaces: [{ space: 'FACTURES_TRAVAUX', mode: 'CONSULTATION' }],
      requestedAt: T1,
    });
  });

  it.each([
    ['a pending request exists', [member('bob', 'UTILISATEUR', { status: 'PENDING' })], 'RATTACHEMENT_EXISTANT'],
    ['already attached', [member('bob', 'UTILISATEUR')], 'RATTACHEMENT_EXISTANT'],
    ['a previous request was refused', [member('bob', 'UTILISATEUR', { status: 'REFUSED' })], undefined],
    ['attached to another structure', [member('bob', 'UTILISATEUR', { siret: OTHER_SIRET })], undefined],
  ])('requesting when %s → %s', (_label, existing, expected) => {
    const { structure } = structureOf();
    expect(errorCode(() => requestAttachment(structure, user('bob'), existing, T1))).toBe(expected);
  });

  it('refuses a request to a deactivated structure, by a deactivated user, or for a space not enabled', () => {
    const { structure } = structureOf();
    expect(errorCode(() => requestAttachment({ ...structure, active: false }, user('bob'), [], T1))).toBe(
      'STRUCTURE_INACTIVE',
    );
    expect(errorCode(() => requestAttachment(structure, user('bob', { active: false }), [], T1))).toBe(
      'UTILISATEUR_INACTIF',
    );
    expect(
      errorCode(() =>
        requestAttachment({ ...structure, spaces: [] }, user('bob'), [], T1, [
          { space: 'FACTURES_TRAVAUX', mode: 'MODIFICATION' },
        ]),
      ),
    ).toBe('ESPACE_NON_ACTIVE');
  });

  describe('decideAttachment: only the GP or a GS accepts or refuses', () => {
    const pending = member('bob', 'UTILISATEUR', { status: 'PENDING', decidedAt: undefined, decidedBy: undefined });

    it.each([
      ['GESTIONNAIRE_PRINCIPAL', 'APPROVED', undefined],
      ['GESTIONNAIRE_SECONDAIRE', 'APPROVED', undefined],
      ['GESTIONNAIRE_SECONDAIRE', 'REFUSED', undefined],
      ['UTILISATEUR', 'APPROVED', 'GESTION_RESERVEE_AUX_GESTIONNAIRES'],
      ['UTILISATEUR', 'REFUSED', 'GESTION_RESERVEE_AUX_GESTIONNAIRES'],
    ] as const)('%s deciding %s → %s', (role, decision, expected) => {
      const decider = member('dec', role);
      const run = () => decideAttachment(pending, decider, decision, T1);
      expect(errorCode(run)).toBe(expected);
      if (!expected)
        expect(run()).toMatchObject({ status: decision, role: 'UTILISATEUR', decidedAt: T1, decidedBy: 'dec' });
    });

    it('refuses a gestionnaire of another structure, and a request already decided', () => {
      expect(
        errorCode(() =>
          decideAttachment(pending, member('x', 'GESTIONNAIRE_PRINCIPAL', { siret: OTHER_SIRET }), 'APPROVED', T1),
        ),
      ).toBe('GESTION_RESERVEE_AUX_GESTIONNAIRES');
      expect(
        errorCode(() =>
          decideAttachment(member('bob', 'UTILISATEUR'), member('gp', 'GESTIONNAIRE_PRINCIPAL'), 'REFUSED', T1),
        ),
      ).toBe('RATTACHEMENT_DEJA_TRAITE');
    });

    it('only the GP may make the newcomer a gestionnaire secondaire', () => {
      const opts = { role: 'GESTIONNAIRE_SECONDAIRE' } as const;
      expect(decideAttachment(pending, member('gp', 'GESTIONNAIRE_PRINCIPAL'), 'APPROVED', T1, opts).role).toBe(
        'GESTIONNAIRE_SECONDAIRE',
      );
      expect(
        errorCode(() => decideAttachment(pending, member('gs', 'GESTIONNAIRE_SECONDAIRE'), 'APPROVED', T1, opts)),
      ).toBe('GESTION_RESERVEE_AU_GP');
    });

    it('the GP names and removes gestionnaires secondaires, but cannot demote itself', () => {
      const gp = member('gp', 'GESTIONNAIRE_PRINCIPAL');
      expect(setSecondaryManager(member('bob', 'UTILISATEUR'), gp, true).role).toBe('GESTIONNAIRE_SECONDAIRE');
      expect(setSecondaryManager(member('bob', 'GESTIONNAIRE_SECONDAIRE'), gp, false).role).toBe('UTILISATEUR');
      expect(
        errorCode(() =>
          setSecondaryManager(member('bob', 'UTILISATEUR'), member('gs', 'GESTIONNAIRE_SECONDAIRE'), true),
        ),
      ).toBe('GESTION_RESERVEE_AU_GP');
      expect(errorCode(() => setSecondaryManager(gp, gp, false))).toBe('ROLE_GP_NON_MODIFIABLE');
    });
  });
});

describe('transferPrincipal: the GP hands its role to an attached user', () => {
  const gp = member('gp', 'GESTIONNAIRE_PRINCIPAL');

  it('the target becomes GP, the former GP gestionnaire secondaire', () => {
    const { from, to } = transferPrincipal(gp, member('bob', 'UTILISATEUR'), user('bob'));
    expect(from).toMatchObject({ userId: 'gp', role: 'GESTIONNAIRE_SECONDAIRE' });
    expect(to).toMatchObject({ userId: 'bob', role: 'GESTIONNAIRE_PRINCIPAL' });
  });

  it.each([
    [
      'the actor is only GS',
      member('gs', 'GESTIONNAIRE_SECONDAIRE'),
      member('bob', 'UTILISATEUR'),
      user('bob'),
      'GESTION_RESERVEE_AU_GP',
    ],
    [
      'the target is pending',
      gp,
      member('bob', 'UTILISATEUR', { status: 'PENDING' }),
      user('bob'),
      'UTILISATEUR_NON_RATTACHE',
    ],
    [
      'the target was refused',
      gp,
      member('bob', 'UTILISATEUR', { status: 'REFUSED' }),
      user('bob'),
      'UTILISATEUR_NON_RATTACHE',
    ],
    [
      'the target is deactivated',
      gp,
      member('bob', 'UTILISATEUR'),
      user('bob', { active: false }),
      'UTILISATEUR_INACTIF',
    ],
    ['the target is the GP', gp, gp, user('gp'), 'TRANSFERT_A_SOI_MEME'],
    [
      'the target belongs to another structure',
      gp,
      member('bob', 'UTILISATEUR', { siret: OTHER_SIRET }),
      user('bob'),
      'GESTION_RESERVEE_AU_GP',
    ],
  ])('is refused when %s', (_label, actor, target, targetUser, expected) => {
    expect(errorCode(() => transferPrincipal(actor, target, targetUser))).toBe(expected);
  });
});

describe('onUserDeactivated: the GS with the most recent last login becomes GP (docs/rules/structures.md#managers)', () => {
  const at = (iso: string) => new Date(iso);

  it('promotes the most recently logged-in active GS and demotes the departed GP', () => {
    const gp = user('gp', { active: false });
    const users = [
      gp,
      user('old', { lastLoginAt: at('2025-01-10T08:00:00Z') }),
      user('recent', { lastLoginAt: at('2025-02-20T08:00:00Z') }),
      user('gone', { active: false, lastLoginAt: at('2025-03-01T08:00:00Z') }),
      user('plain', { lastLoginAt: at('2025-03-02T08:00:00Z') }),
      user('never'),
    ];
    const memberships: Membership[] = [
      member('gp', 'GESTIONNAIRE_PRINCIPAL'),
      member('old', 'GESTIONNAIRE_SECONDAIRE'),
      member('recent', 'GESTIONNAIRE_SECONDAIRE'),
      member('gone', 'GESTIONNAIRE_SECONDAIRE'),
      member('plain', 'UTILISATEUR'),
      member('never', 'GESTIONNAIRE_SECONDAIRE'),
    ];
    const r = onUserDeactivated(gp, memberships, users);
    expect(r.withoutPrincipal).toEqual([]);
    expect(r.memberships.map((m) => [m.userId, m.role])).toEqual([
      ['gp', 'UTILISATEUR'],
      ['old', 'GESTIONNAIRE_SECONDAIRE'],
      ['recent', 'GESTIONNAIRE_PRINCIPAL'],
      ['gone', 'GESTIONNAIRE_SECONDAIRE'],
      ['plain', 'UTILISATEUR'],
      ['never', 'GESTIONNAIRE_SECONDAIRE'],
    ]);
    expect(r.changed.map((m) => [m.userId, m.role])).toEqual([
      ['gp', 'UTILISATEUR'],
      ['recent', 'GESTIONNAIRE_PRINCIPAL'],
    ]);
  });

  it('flags the structure without GP when no active GS remains, and handles each structure separately', () => {
    const gp = user('gp', { active: false });
    const memberships = [
      member('gp', 'GESTIONNAIRE_PRINCIPAL'),
      member('plain', 'UTILISATEUR'),
      member('gp', 'GESTIONNAIRE_PRINCIPAL', { siret: OTHER_SIRET }),
      member('gs', 'GESTIONNAIRE_SECONDAIRE', { siret: OTHER_SIRET }),
      member('pending', 'GESTIONNAIRE_SECONDAIRE', { status: 'PENDING' }),
    ];
    const r = onUserDeactivated(gp, memberships, [gp, user('plain'), user('gs'), user('pending')]);
    expect(r.withoutPrincipal).toEqual([SIRET]);
    expect(r.memberships.filter((m) => m.role === 'GESTIONNAIRE_PRINCIPAL').map((m) => [m.siret, m.userId])).toEqual([
      [OTHER_SIRET, 'gs'],
    ]);
  });

  it('changes nothing when the user was not GP', () => {
    const memberships = [member('gp', 'GESTIONNAIRE_PRINCIPAL'), member('bob', 'GESTIONNAIRE_SECONDAIRE')];
    const r = onUserDeactivated(user('bob', { active: false }), memberships, [user('gp')]);
    expect(r).toEqual({ memberships, changed: [], withoutPrincipal: [] });
  });

  it('breaks a tie on last login by the smallest userId', () => {
    const gp = user('gp', { active: false });
    const t = at('2025-02-01T00:00:00Z');
    const r = onUserDeactivated(
      gp,
      [
        member('gp', 'GESTIONNAIRE_PRINCIPAL'),
        member('zoe', 'GESTIONNAIRE_SECONDAIRE'),
        member('amy', 'GESTIONNAIRE_SECONDAIRE'),
      ],
      [gp, user('zoe', { lastLoginAt: t }), user('amy', { lastLoginAt: t })],
    );
    expect(r.memberships.find((m) => m.role === 'GESTIONNAIRE_PRINCIPAL')?.userId).toBe('amy');
  });
});

describe('spaces: CONSULTATION reads, MODIFICATION acts (docs/rules/structures.md#spaces)', () => {
  it.each([
    ['APPROVED', 'MODIFICATION', true, true],
    ['APPROVED', 'CONSULTATION', true, false],
    ['APPROVED', undefined, false, false],
    ['PENDING', 'MODIFICATION', false, false],
    ['REFUSED', 'MODIFICATION', false, false],
  ] as const)('%s member subscribed in %s → canRead %s, canAct %s', (status, mode, read, act) => {
    const m = member('bob', 'UTILISATEUR', { status, spaces: mode ? [{ space: 'FACTURES_TRAVAUX', mode }] : [] });
    expect(canRead(m, 'FACTURES_TRAVAUX')).toBe(read);
    expect(canAct(m, 'FACTURES_TRAVAUX')).toBe(act);
    expect(canRead(m, 'FACTURES_A_VALIDER')).toBe(false);
  });

  it('subscribes to an enabled space, changes the mode, and refuses a space not enabled on the structure', () => {
    const { structure } = structureOf();
    const bob = member('bob', 'UTILISATEUR');
    const read = subscribeSpace(structure, bob, 'FACTURES_TRAVAUX', 'CONSULTATION');
    const act = subscribeSpace(structure, read, 'FACTURES_TRAVAUX', 'MODIFICATION');
    expect(act.spaces).toEqual([{ space: 'FACTURES_TRAVAUX', mode: 'MODIFICATION' }]);
    expect(
      errorCode(() =>
        subscribeSpace({ ...structure, spaces: ['FACTURES_TRAVAUX'] }, bob, 'FACTURES_A_VALIDER', 'CONSULTATION'),
      ),
    ).toBe('ESPACE_NON_ACTIVE');
    expect(
      errorCode(() => subscribeSpace(structure, { ...bob, status: 'PENDING' }, 'FACTURES_TRAVAUX', 'CONSULTATION')),
    ).toBe('UTILISATEUR_NON_RATTACHE');
  });
});
