import type { Marche } from './marche';
import type { Role } from './roles';
import type { DirectoryParams } from './structures';

/**
 * Records as the stores give them back: the value with what optimistic locking and the lists need. Plain types, so
 * that the API's schemas describe them without knowing the stores.
 */

/** A value as read, with the optimistic-locking version to send back with its change. */
export type Stored<T> = T & { readonly version: number };

/** A public structure as the directory lists it. */
export interface DirectoryEntry {
  readonly siret: string;
  readonly raisonSociale: string;
  readonly directory: DirectoryParams;
}

/** A marché as a structure's list shows it. */
export interface MarcheSummary {
  readonly marcheId: string;
  readonly numeroMarche: string;
  readonly objet: string;
  /** Roles the structure holds on it, in `ROLES` order. */
  readonly roles: Role[];
}

export interface StoredMarche {
  readonly marche: Marche;
  readonly version: number;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
}
