import type { CallerAccess } from '../../shared/adapters/dynamo/access-reads';
import { interpretCancellation, TransactionRace } from '../../shared/adapters/dynamo/transactions';
import { DomainError, isDomainError } from '../../shared/domain/errors';
import type { Marche } from '../../shared/domain/marche';
import { unknownPiece } from '../../shared/domain/pieces';
import { SPACES, type Space } from '../../shared/domain/roles';
import type { Membership } from '../../shared/domain/structures';
import {
  type AccessStore,
  type Actor,
  actorFrom,
  hideOutsider,
  loadAccess,
  resolveActor,
  resolveActorOf,
} from '../../shared/services/authorization';
import { readOnce, unknownDossier } from '../../shared/services/decisions';
import type { DossierReads } from '../../shared/services/dossier-reads';
import type { DossierService } from '../../shared/services/dossier-service';
import type { PieceReads, PieceService } from '../../shared/services/pieces';
import { pieceReadsOf, piecesOf } from '../../shared/services/pieces/context';
import {
  accessReads,
  dossierReads,
  dossierService,
  identityStore,
  infrastructure,
  marcheStore,
} from '../../shared/services/wiring';

/**
 * What every dossier and piece handler shares: the services of the process (shared/services/context.ts), the
 * marché read at most once per request, the authorization calls, and the translation of a lost transaction race
 * into a refusal. No rule of the rule book lives here.
 */
export interface ReadServices<D = DossierReads, P = PieceReads> {
  readonly dossiers: D;
  readonly pieces: P;
  /** The marché, read at most once per request (the handler authorizes with it, the service applies the rules). */
  marche(marcheId: string): Promise<Marche>;
  /**
   * The marché and whether `who` reads it, as `marche` then `readerOf`; when `who` names its structure (the portal
   * always does), the marché and the caller's access are one read (shared/adapters/dynamo/access-reads.ts).
   */
  marcheAndReader(marcheId: string, who: Who): Promise<{ marche: Marche } & Reader>;
}

/** The services of the functions that decide and write: the rule book, drafting and sending. */
export type RequestServices = ReadServices<DossierService, PieceService>;

type Reader = { actor: Actor; membership: Membership | undefined };

const unknownMarche = (marcheId: string) =>
  new DomainError('MARCHE_INCONNU', `Le marché ${marcheId} n'existe pas.`, 'NOT_FOUND');

/** For the handlers that only read: the dossiers and pieces without the rule book (a smaller bundle, issue 16). */
export function readServices(): ReadServices {
  return servicesOf(dossierReads, pieceReadsOf);
}

export function requestServices(): RequestServices {
  return servicesOf(dossierService, piecesOf);
}

function servicesOf<D, P>(dossiers: () => D, pieces: () => P): ReadServices<D, P> {
  const cache = new Map<string, Promise<Marche | undefined>>();
  const marche = async (marcheId: string) => {
    let m = cache.get(marcheId);
    if (!m) {
      m = marcheStore()
        .get(marcheId)
        .then((s) => s?.marche);
      cache.set(marcheId, m);
    }
    const found = await m;
    if (!found) throw unknownMarche(marcheId);
    return found;
  };
  return {
    get dossiers() {
      return dossiers();
    },
    get pieces() {
      return pieces();
    },
    marche,
    marcheAndReader: async (marcheId, who) => {
      if (!who.actingSiret || cache.has(marcheId)) {
        const known = await marche(marcheId);
        return { marche: known, ...(await readerOf(who, known)) };
      }
      const read = accessReads().marcheWithAccess(marcheId, who.userId, who.actingSiret);
      cache.set(
        marcheId,
        read.then((r) => r.marche?.marche),
      );
      const { marche: stored, access } = await read;
      if (!stored) throw unknownMarche(marcheId);
      return { marche: stored.marche, ...(await readerOf(who, stored.marche, access)) };
    },
  };
}

export interface Who {
  readonly userId: string;
  readonly actingSiret?: string;
  /**
   * The dossier or piece the request names: to a user none of whose structures is an actor of its marché, the
   * answer is this 404 (the one a missing dossier gets), not a 403 naming the marché (`hideOutsider`).
   */
  readonly hidden?: () => DomainError;
}

/** The 404 of a dossier, for `Who.hidden`. */
export const asUnknownDossier = (dossierId: string) => () => unknownDossier(dossierId);
/** The 404 of a piece, for `Who.hidden`. */
export const asUnknownPiece = (pieceId: string) => () => unknownPiece(pieceId);

/** The identity reads of a request's authorization, a caller naming no structure read in one (loadAccess). */
function accessStore(): AccessStore {
  return readOnce(identityStore(), undefined, (userId, sirets) => accessReads().callerOnMarche(userId, sirets));
}

export async function actorToAct(who: Who, marche: Marche, space: Space = 'FACTURES_TRAVAUX'): Promise<Actor> {
  const req = { userId: who.userId, marche, space, need: 'act' as const, now: infrastructure().clock.now() };
  const store = accessStore();
  return who.hidden
    ? resolveActorOf({ ...req, ...siretOf(who) }, store, who.hidden)
    : resolveActor({ ...req, ...siretOf(who) }, store);
}

/** Readers come through either space: the first that lets them read wins; otherwise the first refusal. */
export async function actorToRead(who: Who, marche: Marche): Promise<Actor> {
  return (await readerOf(who, marche)).actor;
}

/**
 * The reader and the attachment it reads through (its subscriptions tell which actions it may take): the access
 * facts are read once, then decided for each space in turn.
 */
export async function readerOf(who: Who, marche: Marche, preloaded?: CallerAccess): Promise<Reader> {
  try {
    return await readerIn(who, marche, preloaded);
  } catch (e) {
    if (!who.hidden) throw e;
    return hideOutsider(e, who.hidden);
  }
}

async function readerIn(who: Who, marche: Marche, preloaded: CallerAccess | undefined): Promise<Reader> {
  const facts = await loadAccess(
    { userId: who.userId, marche, now: infrastructure().clock.now(), ...siretOf(who) },
    accessStore(),
    preloaded,
  );
  let first: unknown;
  for (const space of SPACES) {
    try {
      const actor = actorFrom({ ...facts, space, need: 'read' });
      const membership = facts.memberships.find((m) => m.siret === actor.siret && m.userId === who.userId);
      return { actor, membership };
    } catch (e) {
      if (!isDomainError(e) || e.code !== 'ESPACE_NON_SOUSCRIT') throw e;
      first ??= e;
    }
  }
  throw first;
}

function siretOf(who: Who): { actingSiret?: string } {
  return who.actingSiret ? { actingSiret: who.actingSiret } : {};
}

/** The circuit actor of an authorized user: its structure in the roles it holds on the marché. */
export function circuitActor(actor: Actor): { siret: string; roles: Actor['roles'] } {
  return { siret: actor.siret, roles: actor.roles };
}

/**
 * DynamoDB cancels a transaction that races another one on the same items (TransactionConflict) before any
 * condition is evaluated: for the caller it is a lost optimistic lock like any other, answered 409.
 */
export async function raceAsConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (interpretCancellation(e) instanceof TransactionRace) {
      throw new DomainError(
        'MODIFICATION_CONCURRENTE',
        'Le dossier est modifié au même moment par une autre action : rechargez-le et refaites la vôtre si elle est toujours possible.',
        'CONFLICT',
      );
    }
    throw e;
  }
}
