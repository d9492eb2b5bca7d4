import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/domain/errors';
import type { Space, SpaceMode } from '../../../shared/domain/roles';
import type { Membership, MembershipStatus } from '../../../shared/domain/structures';
import {
  type AccessFacts,
  type Actor,
  assertMayOpenDossier,
  decideAccess,
  identityOf,
} from '../../../shared/services/authorization';
import {
  factsArb,
  MARCHE,
  MOA,
  MOE,
  membership,
  OUTSIDER,
  POOL,
  ROLES_ON_MARCHE,
  structure,
  TITULAIRE,
  user,
} from './authorization-fixtures';

const OTHER_SPACE: Record<Space, Space> = {
  FACTURES_TRAVAUX: 'FACTURES_A_VALIDER',
  FACTURES_A_VALIDER: 'FACTURES_TRAVAUX',
};

type Subscription = 'NONE' | SpaceMode | 'OTHER_SPACE_ONLY';

interface Case {
  userActive: boolean;
  status: MembershipStatus | 'NONE';
  onMarche: boolean;
  spaceEnabled: boolean;
  subscription: Subscription;
  need: 'read' | 'act';
  space: Space;
  structureActive: boolean;
  withActingSiret: boolean;
}

function product(): Case[] {
  const out: Case[] = [];
  for (const userActive of [true, false])
    for (const status of ['NONE', 'PENDING', 'REFUSED', 'APPROVED'] as const)
      for (const onMarche of [true, false])
        for (const spaceEnabled of [true, false])
          for (const subscription of ['NONE', 'CONSULTATION', 'MODIFICATION', 'OTHER_SPACE_ONLY'] as const)
            for (const need of ['read', 'act'] as const)
              for (const space of ['FACTURES_TRAVAUX', 'FACTURES_A_VALIDER'] as const)
                for (const structureActive of [true, false])
                  for (const withActingSiret of [true, false])
                    out.push({
                      userActive,
                      status,
                      onMarche,
                      spaceEnabled,
                      subscription,
                      need,
                      space,
                      structureActive,
                      withActingSiret,
                    });
  return out;
}

function factsOf(c: Case): AccessFacts {
  const siret = c.onMarche ? TITULAIRE : OUTSIDER;
  const subs: Membership['spaces'] =
    c.subscription === 'NONE'
      ? []
      : c.subscription === 'OTHER_SPACE_ONLY'
        ? [{ space: OTHER_SPACE[c.space], mode: 'MODIFICATION' }]
        : [{ space: c.space, mode: c.subscription }];
  const enabled: Space[] = c.spaceEnabled ? ['FACTURES_TRAVAUX', 'FACTURES_A_VALIDER'] : [OTHER_SPACE[c.space]];
  return {
    userId: 'u-1',
    user: user(c.userActive),
    memberships: c.status === 'NONE' ? [] : [membership(siret, c.status, subs)],
    structures: [structure(siret, enabled, c.structureActive)],
    marche: MARCHE,
    space: c.space,
    need: c.need,
    ...(c.withActingSiret ? { actingSiret: siret } : {}),
  };
}

/** The specification, written independently: undefined when access must be granted, else the refusal's code. */
function expectedRefusal(c: Case): string | undefined {
  if (!c.userActive) return 'UTILISATEUR_DESACTIVE';
  const attached = c.status === 'APPROVED' || c.status === 'PENDING';
  if (c.withActingSiret) {
    if (!c.onMarche) return 'STRUCTURE_HORS_MARCHE';
    if (!attached) return 'UTILISATEUR_NON_RATTACHE';
    if (c.status === 'PENDING') return 'RATTACHEMENT_EN_ATTENTE';
  } else {
    if (!attached) return 'UTILISATEUR_NON_RATTACHE';
    if (c.status === 'PENDING') return c.onMarche ? 'RATTACHEMENT_EN_ATTENTE' : 'UTILISATEUR_NON_RATTACHE';
    if (!c.onMarche) return 'STRUCTURE_HORS_MARCHE';
  }
  if (!c.spaceEnabled || c.subscription === 'NONE' || c.subscription === 'OTHER_SPACE_ONLY') {
    return 'ESPACE_NON_SOUSCRIT';
  }
  if (c.need === 'act' && c.subscription !== 'MODIFICATION') return 'MODE_CONSULTATION_SEULEMENT';
  return undefined;
}

const label = (c: Case) =>
  Object.entries(c)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

describe('decideAccess: the whole matrix (docs/rules/actors.md, docs/rules/structures.md)', () => {
  const cases = product();

  it('covers every combination of the dimensions', () => {
    expect(cases).toHaveLength(2 * 4 * 2 * 2 * 4 * 2 * 2 * 2 * 2);
  });

  it('grants exactly the specified cases and refuses the others with the specified FORBIDDEN code', () => {
    let granted = 0;
    for (const c of cases) {
      const decision = decideAccess(factsOf(c));
      const refusal = expectedRefusal(c);
      if (refusal === undefined) {
        granted++;
        expect(decision.allowed, label(c)).toBe(true);
        if (!decision.allowed) continue;
        expect(decision.actor, label(c)).toEqual({
          userId: 'u-1',
          siret: TITULAIRE,
          roles: ['TITULAIRE'],
          space: c.space,
          mode: c.subscription,
          structureActive: c.structureActive,
          ...(c.structureActive ? {} : { successorSiret: '49212345600013' }),
        });
      } else {
        expect(decision.allowed, label(c)).toBe(false);
        if (decision.allowed) continue;
        expect(decision.error, label(c)).toBeInstanceOf(DomainError);
        expect(decision.error.code, label(c)).toBe(refusal);
        expect(decision.error.kind, label(c)).toBe('FORBIDDEN');
      }
    }
    // read: CONSULTATION or MODIFICATION; act: MODIFICATION; × 2 spaces × 2 structure states × 2 acting forms
    expect(granted).toBe((2 + 1) * 2 * 2 * 2);
  });
});

describe('decideAccess: choosing the acting structure', () => {
  const both: Membership['spaces'] = [{ space: 'FACTURES_TRAVAUX', mode: 'MODIFICATION' }];
  const base = (extra: Partial<AccessFacts>): AccessFacts => ({
    userId: 'u-1',
    user: user(),
    memberships: [membership(MOE, 'APPROVED', both), membership(TITULAIRE, 'APPROVED', both)],
    structures: [structure(MOE, ['FACTURES_TRAVAUX']), structure(TITULAIRE, ['FACTURES_TRAVAUX'])],
    marche: MARCHE,
    space: 'FACTURES_TRAVAUX',
    need: 'act',
    ...extra,
  });

  it('asks which structure when the user is attached to several structures of the marché', () => {
    const d = decideAccess(base({}));
    expect(d.allowed).toBe(false);
    if (d.allowed) return;
    expect(d.error.code).toBe('STRUCTURE_A_PRECISER');
    expect(d.error.kind).toBe('INVALID');
    expect(d.error.message).toContain(MOE);
    expect(d.error.message).toContain(TITULAIRE);
  });

  it('acts for the structure named by actingSiret, with its roles', () => {
    const d = decideAccess(base({ actingSiret: MOE }));
    expect(d.allowed && d.actor.siret).toBe(MOE);
    expect(d.allowed && d.actor.roles).toEqual(['MOE']);
  });

  it('picks the only structure of the marché among the user’s structures', () => {
    const d = decideAccess(
      base({
        memberships: [membership(OUTSIDER, 'APPROVED', both), membership(MOA, 'APPROVED', both)],
        structures: [structure(OUTSIDER, ['FACTURES_TRAVAUX']), structure(MOA, ['FACTURES_TRAVAUX'])],
      }),
    );
    expect(d.allowed && d.actor.siret).toBe(MOA);
    expect(d.allowed && d.actor.roles).toEqual(['MOA', 'SERVICE_FINANCIER']);
  });

  it('ignores memberships of other users', () => {
    const d = decideAccess(base({ memberships: [membership(TITULAIRE, 'APPROVED', both, 'someone-else')] }));
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.error.code).toBe('UTILISATEUR_NON_RATTACHE');
  });

  it('refuses an unknown account', () => {
    const d = decideAccess(base({ user: undefined }));
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.error.code).toBe('UTILISATEUR_NON_RATTACHE');
  });

  it('tells a user whose only request on the marché is pending, even when attached elsewhere', () => {
    const d = decideAccess(
      base({
        memberships: [membership(OUTSIDER, 'APPROVED', both), membership(MOE, 'PENDING', both)],
        structures: [structure(OUTSIDER, ['FACTURES_TRAVAUX']), structure(MOE, ['FACTURES_TRAVAUX'])],
      }),
    );
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.error.code).toBe('RATTACHEMENT_EN_ATTENTE');
  });
});

describe('decideAccess: no unauthorized success (random facts)', () => {
  it('grants only an active user, approved in the chosen structure, which holds roles and the right subscription', () => {
    fc.assert(
      fc.property(factsArb, (r) => {
        const memberships = r.memberships.map((m) => membership(m.siret, m.status, m.spaces, m.mine ? 'u-1' : 'u-2'));
        const structures = POOL.map((s, i) => structure(s, r.structures[i]!.enabled, r.structures[i]!.active));
        const d = decideAccess({
          userId: 'u-1',
          user: user(r.active),
          memberships,
          structures,
          marche: MARCHE,
          space: r.space,
          need: r.need,
          ...(r.acting !== undefined ? { actingSiret: r.acting } : {}),
        });
        if (!d.allowed) {
          expect(d.error).toBeInstanceOf(DomainError);
          expect(d.error.kind).toBe(d.error.code === 'STRUCTURE_A_PRECISER' ? 'INVALID' : 'FORBIDDEN');
          return;
        }
        const a: Actor = d.actor;
        expect(r.active).toBe(true);
        if (r.acting !== undefined) expect(a.siret).toBe(r.acting);
        const m = memberships.find((x) => x.userId === 'u-1' && x.siret === a.siret);
        expect(m?.status).toBe('APPROVED');
        expect(a.roles).toEqual(ROLES_ON_MARCHE[a.siret]);
        expect(structures.find((s) => s.siret === a.siret)?.spaces).toContain(r.space);
        const sub = m?.spaces.find((s) => s.space === r.space);
        expect(sub).toBeDefined();
        if (r.need === 'act') expect(sub?.mode).toBe('MODIFICATION');
        if (r.acting === undefined) {
          const candidates = memberships.filter(
            (x) => x.userId === 'u-1' && x.status === 'APPROVED' && ROLES_ON_MARCHE[x.siret] !== undefined,
          );
          expect(candidates).toHaveLength(1);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('assertMayOpenDossier (changement de SIRET)', () => {
  const actor: Actor = {
    userId: 'u-1',
    siret: TITULAIRE,
    roles: ['TITULAIRE'],
    space: 'FACTURES_TRAVAUX',
    mode: 'MODIFICATION',
    structureActive: true,
  };

  it('lets an active structure open a dossier', () => {
    expect(() => assertMayOpenDossier(actor)).not.toThrow();
  });

  it('refuses a new dossier to a structure deactivated by a SIRET change, naming its successor', () => {
    try {
      assertMayOpenDossier({ ...actor, structureActive: false, successorSiret: '49212345600013' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('STRUCTURE_INACTIVE');
      expect((e as DomainError).message).toContain('49212345600013');
    }
  });
});

describe('identityOf (JWT claims)', () => {
  it('maps sub to the user id and email to the login address (lowercased)', () => {
    expect(identityOf({ sub: 'abc-123', email: 'Marie.Curie@Exemple.FR' })).toEqual({
      userId: 'abc-123',
      loginAddress: 'marie.curie@exemple.fr',
    });
  });

  it('keeps an identity without email', () => {
    expect(identityOf({ sub: 'abc-123' })).toEqual({ userId: 'abc-123', loginAddress: null });
  });

  it.each([[undefined], [null], [{}], [{ sub: '' }], [{ sub: '  ' }], [{ sub: 42 }]])('refuses %j', (claims) => {
    expect(identityOf(claims as Record<string, unknown> | undefined)).toBeNull();
  });
});
