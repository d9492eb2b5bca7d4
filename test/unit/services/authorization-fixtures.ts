import fc from 'fast-check';
import { type Marche, parseMarche } from '../../../shared/domain/marche';
import type { Role, Space, SpaceMode } from '../../../shared/domain/roles';
import type { Membership, MembershipStatus, Structure, User } from '../../../shared/domain/structures';

/** The marché, users, structures and attachments the authorization tests decide on (authorization*.test.ts). */
export const T0 = new Date('2025-03-03T09:00:00Z');
export const MOA = '21300202500012';
export const MOE = '83876704400012';
export const TITULAIRE = '53819959700013';
export const SF = '21750001608202';
/** Valid SIRET of a structure that holds no role on the marché. */
export const OUTSIDER = '81401202500015';

export const MARCHE: Marche = parseMarche({
  id: 'm-1',
  numeroMarche: '2025-TRX-014',
  objet: 'Réhabilitation du groupe scolaire',
  ccagVersion: '2021',
  acteurs: [
    { role: 'MOA', siret: MOA, raisonSociale: 'Commune' },
    { role: 'MOE', siret: MOE, raisonSociale: 'Atelier' },
    { role: 'TITULAIRE', siret: TITULAIRE, raisonSociale: 'BTP' },
    { role: 'SERVICE_FINANCIER', siret: MOA, raisonSociale: 'Commune' },
    { role: 'SERVICE_FINANCIER', siret: SF, raisonSociale: 'Comptable' },
  ],
  groupement: { mode: 'NONE' },
  montantInitialHtCents: 100_000_00,
  tauxTvaBp: [2000],
  retenueGarantieBp: 500,
  dgpJours: 30,
});
/** Expected roles, written from the fiche above (not computed by the code under test). */
export const ROLES_ON_MARCHE: Record<string, Role[]> = {
  [MOA]: ['MOA', 'SERVICE_FINANCIER'],
  [MOE]: ['MOE'],
  [TITULAIRE]: ['TITULAIRE'],
  [SF]: ['SERVICE_FINANCIER'],
};

export function user(active = true): User {
  return { id: 'u-1', loginAddress: 'u1@exemple.fr', contactAddress: 'u1@exemple.fr', active, createdAt: T0 };
}

export function structure(siret: string, spaces: Space[], active = true): Structure {
  return {
    siret,
    raisonSociale: `Structure ${siret}`,
    type: 'PRIVE',
    services: [],
    directory: {
      codeServiceObligatoire: false,
      engagementObligatoire: false,
      moaPresente: false,
      statutMiseEnPaiementRemonte: false,
    },
    active,
    spaces,
    createdAt: T0,
    ...(active ? {} : { deactivatedAt: T0, successorSiret: '49212345600013' }),
  };
}

export function membership(
  siret: string,
  status: MembershipStatus,
  spaces: Membership['spaces'],
  userId = 'u-1',
): Membership {
  return { siret, userId, status, role: 'UTILISATEUR', spaces, requestedAt: T0 };
}

/** Random access facts over the marché's structures and one outsider. */
export const POOL = [MOA, MOE, TITULAIRE, SF, OUTSIDER];
const spaceArb = fc.constantFrom<Space>('FACTURES_TRAVAUX', 'FACTURES_A_VALIDER');
const subsArb = fc.uniqueArray(
  fc.record({ space: spaceArb, mode: fc.constantFrom<SpaceMode>('CONSULTATION', 'MODIFICATION') }),
  { selector: (s) => s.space, maxLength: 2 },
);
export const factsArb = fc.record({
  active: fc.boolean(),
  memberships: fc.uniqueArray(
    fc.record({
      siret: fc.constantFrom(...POOL),
      status: fc.constantFrom<MembershipStatus>('PENDING', 'APPROVED', 'REFUSED'),
      spaces: subsArb,
      mine: fc.boolean(),
    }),
    { selector: (m) => `${m.siret}${m.mine}`, maxLength: 6 },
  ),
  structures: fc.array(
    fc.record({ enabled: fc.subarray<Space>(['FACTURES_TRAVAUX', 'FACTURES_A_VALIDER']), active: fc.boolean() }),
    { minLength: POOL.length, maxLength: POOL.length },
  ),
  space: spaceArb,
  need: fc.constantFrom<'read' | 'act'>('read', 'act'),
  acting: fc.option(fc.constantFrom(...POOL, '12345678901234'), { nil: undefined }),
});
