import { DomainError, type FieldIssue } from '../errors';
import { excerpt } from '../excerpt';
import type { DirectoryParams, StructureService } from './structure';

/** What a deposit says about its public addressee. */
export interface AddresseeReferences {
  readonly codeService?: string;
  readonly engagementJuridique?: string;
}

/** The part of a structure the check needs (a `Structure` fits). */
export interface AddresseeStructure {
  readonly siret?: string;
  readonly raisonSociale?: string;
  readonly directory: DirectoryParams;
  /** When given, a code service must name one of the structure's active services. */
  readonly services?: readonly StructureService[];
}

const present = (s: string | undefined): s is string => s !== undefined && s.trim().length > 0;

/**
 * Refuses a deposit addressed to a public structure that lacks a reference the structure makes mandatory
 * (docs/rules/structures.md#directory). Every fault is listed in `fields`; the code is the first fault's: CODE_SERVICE_OBLIGATOIRE,
 * CODE_SERVICE_INCONNU, then ENGAGEMENT_OBLIGATOIRE.
 */
export function assertAddresseeParameters(structure: AddresseeStructure, refs: AddresseeReferences): void {
  const who = structure.raisonSociale
    ? `${structure.raisonSociale}${structure.siret ? ` (${structure.siret})` : ''}`
    : (structure.siret ?? 'le destinataire');
  const faults: { code: string; issue: FieldIssue }[] = [];
  // Chorus Pro: paramètres d'annuaire de la structure publique — code service obligatoire
  if (structure.directory.codeServiceObligatoire && !present(refs.codeService)) {
    faults.push({
      code: 'CODE_SERVICE_OBLIGATOIRE',
      issue: { path: 'codeService', message: `Le destinataire ${who} exige un code service : indiquez-le.` },
    });
  }
  if (present(refs.codeService) && structure.services !== undefined) {
    const code = refs.codeService.trim();
    if (!structure.services.some((s) => s.active && s.code === code)) {
      const known = structure.services.filter((s) => s.active).map((s) => s.code);
      faults.push({
        code: 'CODE_SERVICE_INCONNU',
        issue: {
          path: 'codeService',
          message: `Le code service « ${excerpt(code)} » n'existe pas ou n'est plus actif chez ${who}${known.length ? ` ; codes possibles : ${known.join(', ')}` : ''}.`,
        },
      });
    }
  }
  // Chorus Pro: paramètres d'annuaire de la structure publique — numéro d'engagement juridique obligatoire
  if (structure.directory.engagementObligatoire && !present(refs.engagementJuridique)) {
    faults.push({
      code: 'ENGAGEMENT_OBLIGATOIRE',
      issue: {
        path: 'engagementJuridique',
        message: `Le destinataire ${who} exige un numéro d'engagement juridique (bon de commande) : indiquez-le.`,
      },
    });
  }
  const first = faults[0];
  if (first) {
    throw new DomainError(
      first.code,
      faults.map((f) => f.issue.message).join(' '),
      'INVALID',
      faults.map((f) => f.issue),
    );
  }
}
