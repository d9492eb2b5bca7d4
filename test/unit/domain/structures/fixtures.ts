import { DomainError } from '../../../../shared/domain/errors';
import {
  createStructure,
  createUser,
  type Membership,
  type Structure,
  type User,
} from '../../../../shared/domain/structures';

export const T0 = new Date('2025-03-03T09:00:00Z');
export const T1 = new Date('2025-03-04T10:30:00Z');
export const SIRET = '21300202500012';
export const OTHER_SIRET = '83876704400012';

export function user(id: string, extra: Partial<User> = {}): User {
  return { ...createUser({ id, loginAddress: `${id}@exemple.fr` }, T0), ...extra };
}

/** A public structure created by `gp`, with both spaces enabled. */
export function structureOf(gp: User = user('gp')): { structure: Structure; gpMembership: Membership } {
  const { structure, membership } = createStructure(
    {
      siret: SIRET,
      raisonSociale: 'Ville de Marseille',
      type: 'PUBLIC',
      services: [{ code: 'DGAVE', libelle: 'Direction des bâtiments', active: true }],
      directory: { codeServiceObligatoire: true, engagementObligatoire: true },
      spaces: ['FACTURES_TRAVAUX', 'FACTURES_A_VALIDER'],
    },
    gp,
    T0,
  );
  return { structure, gpMembership: membership };
}

export function member(userId: string, role: Membership['role'], extra: Partial<Membership> = {}): Membership {
  return {
    siret: SIRET,
    userId,
    status: 'APPROVED',
    role,
    spaces: [],
    requestedAt: T0,
    decidedAt: T0,
    decidedBy: 'gp',
    ...extra,
  };
}

/** The code of the DomainError `f` throws, or undefined when it does not throw. */
export function errorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return undefined;
}
