/** Roles a structure may hold on a marché (docs/rules/actors.md). */
export const ROLES = [
  'TITULAIRE',
  'MANDATAIRE',
  'COTRAITANT',
  'SOUS_TRAITANT',
  'MOE',
  'MOA',
  'SERVICE_FINANCIER',
] as const;
export type Role = (typeof ROLES)[number];

/** Space subscription modes (docs/rules/structures.md#spaces): CONSULTATION reads, MODIFICATION acts. */
export const SPACE_MODES = ['CONSULTATION', 'MODIFICATION'] as const;
export type SpaceMode = (typeof SPACE_MODES)[number];

export const SPACES = ['FACTURES_TRAVAUX', 'FACTURES_A_VALIDER'] as const;
export type Space = (typeof SPACES)[number];
