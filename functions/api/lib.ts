import * as z from 'zod/mini';
import { pure } from '../../shared/domain/pure';
import { siret } from '../../shared/schemas/common';
import { withMeta } from '../../shared/schemas/meta';
import { dossierStore, identityService, identityStore, marcheService, marcheStore } from '../../shared/services/wiring';

/** What the API handlers of this concern share: the process's services (shared/services/wiring.ts), built on first use. */
export function services() {
  return {
    get identityStore() {
      return identityStore();
    },
    get identity() {
      return identityService();
    },
    get marches() {
      return marcheService();
    },
    get marcheStore() {
      return marcheStore();
    },
    get dossiers() {
      return dossierStore();
    },
  };
}

/** A write that lost a race (or an optional If-Match that is no longer current) is refused with 412. */
export const STALE_RESPONSE = {
  412: {
    description:
      'La ressource a changé entre la lecture et l’écriture (VERSION_PERIMEE, MODIFICATION_CONCURRENTE) : relisez et recommencez.',
  },
} as const;

/**
 * `X-Structure-Siret`: the structure the caller acts or reads for, when it is attached to several structures of the
 * marché (otherwise optional). Refused with STRUCTURE_A_PRECISER when ambiguous.
 */
export const actingSiretHeaders = /* @__PURE__ */ pure(() =>
  z.object({
    'x-structure-siret': withMeta(z.optional(siret), {
      description: 'SIRET de la structure pour laquelle vous agissez, si vous êtes rattaché à plusieurs.',
    }),
  }),
);
