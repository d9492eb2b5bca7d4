import { DomainError } from '../errors';
import { excerpt } from '../excerpt';
import { assertManagerOf, assertStructureActive, type Membership } from './membership';
import type { DirectoryParams, Structure, StructureService } from './model';

/**
 * The structure's card as its gestionnaires keep it (docs/rules/structures.md#directory): raison sociale, directory
 * parameters, and the services (codes service). Chorus Pro: gestion des structures — fiche de la structure
 */

export interface StructureCardPatch {
  readonly raisonSociale?: string;
  readonly directory?: Partial<DirectoryParams>;
}

function invalid(code: string, message: string, path: string): DomainError {
  return new DomainError(code, message, 'INVALID', [{ path, message }]);
}

/** A gestionnaire (GP or GS) changes the raison sociale or the directory parameters of an active structure. */
export function updateStructureCard(structure: Structure, actor: Membership, patch: StructureCardPatch): Structure {
  assertManagerOf(actor, structure.siret);
  assertStructureActive(structure);
  let raisonSociale = structure.raisonSociale;
  if (patch.raisonSociale !== undefined) {
    raisonSociale = patch.raisonSociale.trim();
    if (raisonSociale.length === 0) {
      throw invalid('RAISON_SOCIALE_OBLIGATOIRE', 'Indiquez la raison sociale de la structure.', 'raisonSociale');
    }
  }
  const directory = { ...structure.directory, ...patch.directory };
  // Chorus Pro: paramètres d'annuaire — only public structures (destinataires) carry them
  if (structure.type === 'PRIVE' && Object.values(directory).some(Boolean)) {
    throw invalid(
      'PARAMETRES_ANNUAIRE_RESERVES_PUBLIC',
      "Les paramètres d'annuaire (code service, engagement obligatoires…) ne concernent que les structures publiques : laissez-les décochés pour une structure privée.",
      'parametresAnnuaire',
    );
  }
  return { ...structure, raisonSociale, directory };
}

/**
 * A gestionnaire renames a service or switches it on or off. A service is never deleted: pieces already deposited
 * name its code; a deactivated code is refused on new deposits (docs/rules/structures.md#directory).
 */
export function updateService(
  structure: Structure,
  actor: Membership,
  code: string,
  patch: { readonly libelle?: string; readonly active?: boolean },
): Structure {
  assertManagerOf(actor, structure.siret);
  assertStructureActive(structure);
  const current = structure.services.find((s) => s.code === code);
  if (!current) {
    throw new DomainError(
      'SERVICE_INCONNU',
      `La structure ${structure.siret} n'a pas de service de code « ${excerpt(code)} » : ajoutez-le d'abord.`,
      'NOT_FOUND',
    );
  }
  const next: StructureService = {
    code,
    libelle: patch.libelle !== undefined ? patch.libelle.trim() : current.libelle,
    active: patch.active ?? current.active,
  };
  return { ...structure, services: structure.services.map((s) => (s.code === code ? next : s)) };
}
