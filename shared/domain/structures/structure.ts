import { DomainError } from '../errors';
import type { Space } from '../roles';
import { validateSiret } from '../siret';
import { assertManagerOf, assertStructureActive, assertUserActive, type Membership } from './membership';
import {
  type DirectoryParams,
  NO_DIRECTORY_PARAMS,
  type Structure,
  type StructureService,
  type StructureType,
} from './model';
import type { User } from './user';

export type {
  DirectoryParams,
  Structure,
  StructureService,
  StructureType,
} from './model';
export { NO_DIRECTORY_PARAMS } from './model';

export interface CreateStructureInput {
  readonly siret: string;
  readonly raisonSociale: string;
  readonly type: StructureType;
  readonly services?: readonly StructureService[];
  readonly directory?: Partial<DirectoryParams>;
  readonly spaces?: readonly Space[];
}

function invalid(code: string, message: string, path: string): DomainError {
  return new DomainError(code, message, 'INVALID', [{ path, message }]);
}

function checkServices(services: readonly StructureService[]): StructureService[] {
  const seen = new Set<string>();
  return services.map((s, i) => {
    const code = s.code.trim();
    if (code.length === 0) throw invalid('SERVICE_INVALIDE', 'Le code service est vide.', `services.${i}.code`);
    if (seen.has(code)) {
      throw invalid('SERVICE_EN_DOUBLE', `Le code service « ${code} » figure deux fois.`, `services.${i}.code`);
    }
    seen.add(code);
    return { code, libelle: s.libelle, active: s.active };
  });
}

/**
 * Creates a structure; its creator becomes gestionnaire principal, subscribed in MODIFICATION to every enabled
 * space. Chorus Pro: gestion des structures — le créateur devient gestionnaire principal
 */
export function createStructure(
  input: CreateStructureInput,
  creator: User,
  now: Date,
): { readonly structure: Structure; readonly membership: Membership } {
  const siret = validateSiret(input.siret);
  if (!siret.ok) throw siret.error;
  assertUserActive(creator);
  const raisonSociale = input.raisonSociale.trim();
  if (raisonSociale.length === 0) {
    throw invalid('RAISON_SOCIALE_OBLIGATOIRE', 'Indiquez la raison sociale de la structure.', 'raisonSociale');
  }
  const directory = { ...NO_DIRECTORY_PARAMS, ...input.directory };
  // Chorus Pro: paramètres d'annuaire — only public structures (destinataires) carry them
  if (input.type === 'PRIVE' && Object.values(directory).some(Boolean)) {
    throw invalid(
      'PARAMETRES_ANNUAIRE_RESERVES_PUBLIC',
      "Les paramètres d'annuaire (code service, engagement obligatoires…) ne concernent que les structures publiques.",
      'directory',
    );
  }
  const spaces = [...new Set(input.spaces ?? [])];
  const structure: Structure = {
    siret: siret.value,
    raisonSociale,
    type: input.type,
    services: checkServices(input.services ?? []),
    directory,
    active: true,
    spaces,
    createdAt: now,
  };
  const membership: Membership = {
    siret: siret.value,
    userId: creator.id,
    status: 'APPROVED',
    role: 'GESTIONNAIRE_PRINCIPAL',
    spaces: spaces.map((space) => ({ space, mode: 'MODIFICATION' })),
    requestedAt: now,
    decidedAt: now,
    decidedBy: creator.id,
  };
  return { structure, membership };
}

/** A gestionnaire enables a space on the structure. Chorus Pro: gestion des structures — activation des espaces */
export function enableSpace(structure: Structure, actor: Membership, space: Space): Structure {
  assertManagerOf(actor, structure.siret);
  assertStructureActive(structure);
  return structure.spaces.includes(space) ? structure : { ...structure, spaces: [...structure.spaces, space] };
}

/** A gestionnaire adds a service (code service) to the structure. */
export function addService(structure: Structure, actor: Membership, service: StructureService): Structure {
  assertManagerOf(actor, structure.siret);
  assertStructureActive(structure);
  return { ...structure, services: checkServices([...structure.services, service]) };
}

export interface SiretChange {
  /** The former structure, deactivated; its pieces stay readable and can still be processed. */
  readonly old: Structure;
  /** The copy under the new SIRET, pointing back with `originalSiret`. */
  readonly created: Structure;
  /** Copies of the pending and approved memberships, under the new SIRET. */
  readonly memberships: readonly Membership[];
}

/**
 * Move of an establishment: deactivate the structure and create a copy under the new SIRET (data, services, users,
 * attachments), without the mandat de facturation and the technical account. docs/rules/structures.md#siret-change; Chorus Pro: changement
 * de SIRET
 */
export function changeSiret(
  old: { readonly structure: Structure; readonly memberships: readonly Membership[] },
  newSiret: string,
  now: Date,
): SiretChange {
  const { structure } = old;
  assertStructureActive(structure);
  const v = validateSiret(newSiret, 'nouveauSiret');
  if (!v.ok) throw v.error;
  if (v.value === structure.siret) {
    throw invalid('SIRET_IDENTIQUE', "Le nouveau SIRET est identique à l'actuel.", 'nouveauSiret');
  }
  const {
    mandatFacturation: _mandat,
    compteTechnique: _compte,
    deactivatedAt: _d,
    successorSiret: _s,
    ...data
  } = structure;
  const created: Structure = { ...data, siret: v.value, active: true, createdAt: now, originalSiret: structure.siret };
  const memberships = old.memberships
    .filter((m) => m.siret === structure.siret && m.status !== 'REFUSED')
    .map((m) => ({ ...m, siret: v.value }));
  return {
    old: { ...structure, active: false, deactivatedAt: now, successorSiret: v.value },
    created,
    memberships,
  };
}
