import type { Stored } from '../../domain/records';
import type { Space, SpaceMode } from '../../domain/roles';
import type {
  DirectoryParams,
  Membership,
  MembershipRole,
  MembershipStatus,
  PrincipalChange,
  Structure,
  StructureService,
  StructureType,
  TechnicalAccount,
  User,
} from '../../domain/structures';
import { gsi2, keys } from './keys';
import type { RawItem as Item } from './query';

/** How structures, their services, users and memberships are written as items and read back (identity-store.ts). */
const iso = (d: Date | undefined): string | undefined => d?.toISOString();
const date = (v: unknown): Date | undefined => (typeof v === 'string' ? new Date(v) : undefined);

export function structureItem(s: Structure, version: number): Item {
  // Directory: only active public structures can be found and addressed (a deactivated one is read by SIRET only)
  const directory = s.type === 'PUBLIC' && s.active ? gsi2.directoryEntry(s.raisonSociale, s.siret) : {};
  return {
    ...keys.structure(s.siret),
    ...directory,
    entity: 'STRUCTURE',
    siret: s.siret,
    raisonSociale: s.raisonSociale,
    structureType: s.type,
    directory: s.directory,
    active: s.active,
    spaces: [...s.spaces],
    createdAt: iso(s.createdAt),
    deactivatedAt: iso(s.deactivatedAt),
    originalSiret: s.originalSiret,
    successorSiret: s.successorSiret,
    mandatFacturation: s.mandatFacturation,
    compteTechnique: s.compteTechnique
      ? { ...s.compteTechnique, passwordChangedAt: iso(s.compteTechnique.passwordChangedAt) }
      : undefined,
    principalHistory: s.principalHistory?.map((c) => ({ ...c, at: c.at.toISOString() })),
    version,
  };
}

export function serviceItem(siret: string, s: StructureService): Item {
  return {
    ...keys.structureService(siret, s.code),
    entity: 'SERVICE',
    code: s.code,
    libelle: s.libelle,
    active: s.active,
  };
}

export function structureFrom(meta: Item, serviceItems: readonly Item[]): Stored<Structure> {
  const account = meta.compteTechnique as
    | (Omit<TechnicalAccount, 'passwordChangedAt'> & { passwordChangedAt: string })
    | undefined;
  return {
    siret: meta.siret as string,
    raisonSociale: meta.raisonSociale as string,
    type: meta.structureType as StructureType,
    services: serviceItems.map((i) => ({
      code: i.code as string,
      libelle: i.libelle as string,
      active: i.active as boolean,
    })),
    directory: meta.directory as DirectoryParams,
    active: meta.active as boolean,
    spaces: (meta.spaces as Space[]) ?? [],
    createdAt: new Date(meta.createdAt as string),
    ...(meta.deactivatedAt ? { deactivatedAt: date(meta.deactivatedAt) } : {}),
    ...(meta.originalSiret ? { originalSiret: meta.originalSiret as string } : {}),
    ...(meta.successorSiret ? { successorSiret: meta.successorSiret as string } : {}),
    ...(meta.mandatFacturation ? { mandatFacturation: meta.mandatFacturation as Structure['mandatFacturation'] } : {}),
    ...(account ? { compteTechnique: { ...account, passwordChangedAt: new Date(account.passwordChangedAt) } } : {}),
    ...(Array.isArray(meta.principalHistory)
      ? {
          principalHistory: (meta.principalHistory as (Omit<PrincipalChange, 'at'> & { at: string })[]).map((c) => ({
            ...c,
            at: new Date(c.at),
          })),
        }
      : {}),
    version: meta.version as number,
  };
}

export function userItem(u: User, version: number): Item {
  return {
    ...keys.user(u.id),
    entity: 'USER',
    id: u.id,
    loginAddress: u.loginAddress,
    contactAddress: u.contactAddress,
    active: u.active,
    createdAt: iso(u.createdAt),
    lastLoginAt: iso(u.lastLoginAt),
    previousLoginAt: iso(u.previousLoginAt),
    deactivatedAt: iso(u.deactivatedAt),
    technical: u.technical
      ? { siret: u.technical.siret, passwordExpiresAt: iso(u.technical.passwordExpiresAt) }
      : undefined,
    version,
  };
}

export function userFrom(i: Item): Stored<User> {
  const technical = i.technical as { siret: string; passwordExpiresAt: string } | undefined;
  return {
    id: i.id as string,
    loginAddress: i.loginAddress as string,
    contactAddress: i.contactAddress as string,
    active: i.active as boolean,
    createdAt: new Date(i.createdAt as string),
    ...(i.lastLoginAt ? { lastLoginAt: date(i.lastLoginAt) } : {}),
    ...(i.previousLoginAt ? { previousLoginAt: date(i.previousLoginAt) } : {}),
    ...(i.deactivatedAt ? { deactivatedAt: date(i.deactivatedAt) } : {}),
    ...(technical
      ? { technical: { siret: technical.siret, passwordExpiresAt: new Date(technical.passwordExpiresAt) } }
      : {}),
    version: i.version as number,
  };
}

export function membershipItem(m: Membership, version: number): Item {
  return {
    ...keys.membership(m.siret, m.userId),
    ...gsi2.membershipOfUser(m.userId, m.siret),
    entity: 'MEMBERSHIP',
    siret: m.siret,
    userId: m.userId,
    status: m.status,
    role: m.role,
    spaces: m.spaces.map((s) => ({ space: s.space, mode: s.mode })),
    requestedAt: iso(m.requestedAt),
    decidedAt: iso(m.decidedAt),
    decidedBy: m.decidedBy,
    version,
  };
}

export function membershipFrom(i: Item): Stored<Membership> {
  return {
    siret: i.siret as string,
    userId: i.userId as string,
    status: i.status as MembershipStatus,
    role: i.role as MembershipRole,
    spaces: ((i.spaces as { space: Space; mode: SpaceMode }[]) ?? []).map((s) => ({ space: s.space, mode: s.mode })),
    requestedAt: new Date(i.requestedAt as string),
    ...(i.decidedAt ? { decidedAt: date(i.decidedAt) } : {}),
    ...(i.decidedBy ? { decidedBy: i.decidedBy as string } : {}),
    version: i.version as number,
  };
}
