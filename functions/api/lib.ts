import * as z from 'zod';
import type { IdentityStore, Stored } from '../../shared/adapters/dynamo/identity-store';
import { DomainError } from '../../shared/domain/errors';
import {
  addService as addServiceRule,
  changeContactAddress,
  type Membership,
  type Structure,
  type StructureService,
  type User,
  updateUser,
} from '../../shared/domain/structures';
import { siret } from '../../shared/schemas/common';
import { dossierStore, identityService, identityStore, marcheService, marcheStore } from '../../shared/services/wiring';

/** What the API handlers of this concern share: the process's services (shared/services/context.ts). */
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
export const actingSiretHeaders = z.object({
  'x-structure-siret': siret
    .optional()
    .meta({ description: 'SIRET de la structure pour laquelle vous agissez, si vous êtes rattaché à plusieurs.' }),
});

/**
 * Readers of a structure's own views (marchés, synthèse, tableau de bord, délais): an active user whose attachment
 * to that structure is APPROVED. docs/rules/actors.md ("a user acts only for structures they are attached to")
 */
export async function assertMemberOf(
  store: IdentityStore,
  userId: string,
  siretValue: string,
): Promise<{ user: Stored<User>; membership: Stored<Membership> }> {
  const [user, membership] = await Promise.all([store.getUser(userId), store.getMembership(siretValue, userId)]);
  if (!user) {
    throw new DomainError('UTILISATEUR_INCONNU', "Votre compte n'est pas enregistré : créez-le d'abord.", 'FORBIDDEN');
  }
  if (!user.active) {
    throw new DomainError('UTILISATEUR_DESACTIVE', `Le compte ${user.loginAddress} est désactivé.`, 'FORBIDDEN');
  }
  if (membership?.status === 'PENDING') {
    throw new DomainError(
      'RATTACHEMENT_EN_ATTENTE',
      `Votre demande de rattachement à la structure ${siretValue} attend la décision d'un gestionnaire.`,
      'FORBIDDEN',
    );
  }
  if (membership?.status !== 'APPROVED') {
    throw new DomainError(
      'UTILISATEUR_NON_RATTACHE',
      `Vous n'êtes pas rattaché à la structure ${siretValue} : ces informations ne vous sont pas visibles.`,
      'FORBIDDEN',
    );
  }
  return { user, membership };
}

/**
 * A member who may open the structure's dossiers: subscribed, in either mode, to a space the structure has enabled
 * (docs/rules/structures.md#spaces) — the check every dossier read makes, so that a list never links to a refusal.
 */
export async function assertReaderOfDossiers(store: IdentityStore, userId: string, siretValue: string): Promise<void> {
  const [{ membership }, structure] = await Promise.all([
    assertMemberOf(store, userId, siretValue),
    store.getStructure(siretValue),
  ]);
  if (!membership.spaces.some((s) => structure?.spaces.includes(s.space))) {
    throw new DomainError(
      'ESPACE_NON_SOUSCRIT',
      `Vous n'êtes abonné à aucun espace de la structure ${siretValue} : ses dossiers ne vous sont pas visibles. Demandez un abonnement (consultation ou modification) à un gestionnaire.`,
      'FORBIDDEN',
    );
  }
}

/**
 * A gestionnaire adds a service (code service) to its structure: the rule book's `addService`, written in one
 * transaction conditioned on the structure's and the gestionnaire's versions.
 * TO MOVE into IdentityService (shared/services/identity-service.ts), which has no such operation yet.
 */
export async function addService(
  store: IdentityStore,
  input: { readonly actorId: string; readonly siret: string; readonly service: StructureService },
): Promise<Stored<Structure>> {
  const [user, structure, actor] = await Promise.all([
    store.getUser(input.actorId),
    store.getStructure(input.siret),
    store.getMembership(input.siret, input.actorId),
  ]);
  if (!user?.active) {
    throw new DomainError('UTILISATEUR_INCONNU', "Votre compte n'est pas enregistré ou est désactivé.", 'FORBIDDEN');
  }
  if (!structure) {
    throw new DomainError(
      'STRUCTURE_INCONNUE',
      `Aucune structure de SIRET ${input.siret} n'est enregistrée.`,
      'NOT_FOUND',
    );
  }
  const a: Stored<Membership> = actor ?? {
    siret: input.siret,
    userId: input.actorId,
    status: 'REFUSED',
    role: 'UTILISATEUR',
    spaces: [],
    requestedAt: new Date(0),
    version: 0,
  };
  const next = addServiceRule(structure, a, input.service);
  await store.commit([
    ...store.structureWrites(next, structure.version, structure),
    store.membershipCheck(a, a.version),
  ]);
  return { ...next, version: structure.version + 1 };
}

/**
 * The user changes its profile: the login address may be sent back unchanged but never changed (rule book's
 * `updateUser`); `adresseContact: null` returns to the login address. Written only at `expectedVersion`.
 * TO MOVE into IdentityService next to `changeContactAddress`, which does not check the login address.
 */
export async function updateMe(
  store: IdentityStore,
  input: {
    readonly userId: string;
    readonly loginAddress?: string;
    readonly contactAddress?: string | null;
    readonly expectedVersion: number;
  },
): Promise<Stored<User>> {
  const user = await store.getUser(input.userId);
  if (!user) {
    throw new DomainError('UTILISATEUR_INCONNU', "Votre compte n'est pas enregistré : créez-le d'abord.", 'NOT_FOUND');
  }
  if (!user.active) {
    throw new DomainError('UTILISATEUR_DESACTIVE', `Le compte ${user.loginAddress} est désactivé.`, 'FORBIDDEN');
  }
  if (user.version !== input.expectedVersion) {
    throw new DomainError(
      'VERSION_PERIMEE',
      `Votre compte a été modifié entre-temps (version ${user.version}, pas ${input.expectedVersion}) : rechargez-le et recommencez.`,
      'STALE',
    );
  }
  let next = updateUser(user, input.loginAddress !== undefined ? { loginAddress: input.loginAddress } : {});
  if (input.contactAddress !== undefined) next = changeContactAddress(next, input.contactAddress ?? undefined);
  await store.commit(store.userWrites(next, user.version));
  return { ...next, version: user.version + 1 };
}
