import type { CallerAccess, CallerOnMarche } from '../adapters/dynamo/access-reads';
import type { IdentityStore } from '../adapters/dynamo/identity-store';
import { DomainError, isDomainError } from '../domain/errors';
import { type Marche, rolesOf } from '../domain/marche';
import type { Role, Space, SpaceMode } from '../domain/roles';
import { type Membership, type Structure, technicalAccountRefusal, type User } from '../domain/structures';

/**
 * Who may read or act on a marché (docs/rules/actors.md, docs/rules/structures.md#managers): a user acts for a structure it is attached to (approved),
 * in the roles that structure holds on the marché, in a space the structure enabled and the user subscribed —
 * CONSULTATION reads, MODIFICATION acts. Every API handler calls `resolveActor`; the decision itself is the pure
 * `decideAccess`.
 *
 * Decision on a structure deactivated by a SIRET change (docs/rules/structures.md#siret-change: "pieces of the old structure stay readable
 * and can still be processed"): its members may still READ and ACT on the marchés where it holds roles (the fiche
 * names it until amended, so validations and answers addressed to it must stay possible). The actor says so
 * (`structureActive: false`, `successorSiret`), and opening a NEW dossier is refused by `assertMayOpenDossier`.
 */

export type Need = 'read' | 'act';

/** The structure a user acts for on a marché, and how. */
export interface Actor {
  readonly userId: string;
  readonly siret: string;
  /** Roles the structure holds on the marché (`rolesOf`), never empty. */
  readonly roles: Role[];
  readonly space: Space;
  /** The user's subscription mode in that space. */
  readonly mode: SpaceMode;
  /** False for a structure deactivated by a SIRET change (see above). */
  readonly structureActive: boolean;
  readonly successorSiret?: string;
}

/** What `decideAccess` needs, loaded by `resolveActor` (or built by a test). */
export interface AccessFacts {
  readonly userId: string;
  /** Undefined when no account exists for the token's subject. */
  readonly user: User | undefined;
  /** The user's attachments, any status (others' are ignored). */
  readonly memberships: readonly Membership[];
  /** At least the structures of the memberships that hold roles on the marché. */
  readonly structures: readonly Structure[];
  readonly marche: Marche;
  readonly space: Space;
  readonly need: Need;
  /** The structure the caller says it acts for (required when it could act for several). */
  readonly actingSiret?: string;
  /** The request's instant: a technical account past its 424 days is refused from then on. */
  readonly now?: Date;
}

export type AccessDecision =
  | { readonly allowed: true; readonly actor: Actor }
  | { readonly allowed: false; readonly error: DomainError };

const SPACE_LABELS: Record<Space, string> = {
  FACTURES_TRAVAUX: '« Factures de travaux »',
  FACTURES_A_VALIDER: '« Factures à valider »',
};

const deny = (code: string, message: string): AccessDecision => ({
  allowed: false,
  error: new DomainError(code, message, 'FORBIDDEN'),
});

/** The pure decision (no I/O): who acts, or why not. */
export function decideAccess(f: AccessFacts): AccessDecision {
  const { user, marche, space } = f;
  const numero = marche.numeroMarche;
  if (!user) {
    return deny(
      'UTILISATEUR_NON_RATTACHE',
      "Votre compte n'est pas enregistré : créez-le, puis demandez votre rattachement à une structure du marché.",
    );
  }
  // Chorus Pro: un compte désactivé ne peut plus agir
  if (!user.active) {
    return deny('UTILISATEUR_DESACTIVE', `Le compte ${user.loginAddress} est désactivé.`);
  }
  // docs/rules/structures.md#technical-account: the password must be changed every 424 days
  const expired = f.now ? technicalAccountRefusal(user, f.now) : undefined;
  if (expired) return { allowed: false, error: expired };
  const mine = f.memberships.filter((m) => m.userId === user.id && m.status !== 'REFUSED');

  let chosen: Membership;
  if (f.actingSiret !== undefined) {
    // docs/rules/actors.md: a user acts only for a structure holding a role on the marché
    if (rolesOf(marche, f.actingSiret).length === 0) {
      return deny('STRUCTURE_HORS_MARCHE', `La structure ${f.actingSiret} n'est pas un acteur du marché ${numero}.`);
    }
    const m = mine.find((x) => x.siret === f.actingSiret);
    if (!m) {
      return deny(
        'UTILISATEUR_NON_RATTACHE',
        `Vous n'êtes pas rattaché à la structure ${f.actingSiret} : demandez votre rattachement à son gestionnaire.`,
      );
    }
    if (m.status !== 'APPROVED') return pending(m);
    chosen = m;
  } else {
    const onMarche = mine.filter((m) => rolesOf(marche, m.siret).length > 0);
    const approved = onMarche.filter((m) => m.status === 'APPROVED');
    if (approved.length === 0) {
      const waiting = onMarche.find((m) => m.status === 'PENDING');
      if (waiting) return pending(waiting);
      if (mine.some((m) => m.status === 'APPROVED')) {
        return deny(
          'STRUCTURE_HORS_MARCHE',
          `Aucune des structures auxquelles vous êtes rattaché n'est un acteur du marché ${numero}.`,
        );
      }
      return deny(
        'UTILISATEUR_NON_RATTACHE',
        "Vous n'êtes rattaché à aucune structure : demandez votre rattachement au gestionnaire de la vôtre.",
      );
    }
    if (approved.length > 1) {
      const sirets = approved.map((m) => m.siret).join(', ');
      const message = `Vous êtes rattaché à plusieurs structures de ce marché (${sirets}) : précisez celle pour laquelle vous agissez.`;
      return {
        allowed: false,
        error: new DomainError('STRUCTURE_A_PRECISER', message, 'INVALID', [{ path: 'actingSiret', message }]),
      };
    }
    chosen = approved[0]!;
  }

  const structure = f.structures.find((s) => s.siret === chosen.siret);
  if (!structure) {
    return deny('STRUCTURE_INCONNUE', `La structure ${chosen.siret} est introuvable.`);
  }
  // Chorus Pro: espaces activés par structure, puis abonnement par utilisateur (docs/rules/structures.md#spaces)
  if (!structure.spaces.includes(space)) {
    return deny(
      'ESPACE_NON_SOUSCRIT',
      `L'espace ${SPACE_LABELS[space]} n'est pas activé pour la structure ${structure.siret} : un gestionnaire doit l'activer et vous y abonner.`,
    );
  }
  const subscription = chosen.spaces.find((s) => s.space === space);
  if (!subscription) {
    return deny(
      'ESPACE_NON_SOUSCRIT',
      `Vous n'êtes pas abonné à l'espace ${SPACE_LABELS[space]} de la structure ${structure.siret} : demandez-le à un gestionnaire.`,
    );
  }
  // docs/rules/structures.md#spaces: CONSULTATION reads, MODIFICATION acts
  if (f.need === 'act' && subscription.mode !== 'MODIFICATION') {
    return deny(
      'MODE_CONSULTATION_SEULEMENT',
      `Votre abonnement à l'espace ${SPACE_LABELS[space]} de la structure ${structure.siret} est en consultation : vous pouvez lire, pas agir. Demandez le mode modification à un gestionnaire.`,
    );
  }
  return {
    allowed: true,
    actor: {
      userId: user.id,
      siret: structure.siret,
      roles: rolesOf(marche, structure.siret),
      space,
      mode: subscription.mode,
      structureActive: structure.active,
      ...(structure.successorSiret ? { successorSiret: structure.successorSiret } : {}),
    },
  };
}

function pending(m: Membership): AccessDecision {
  return deny(
    'RATTACHEMENT_EN_ATTENTE',
    `Votre demande de rattachement à la structure ${m.siret} attend la décision d'un gestionnaire.`,
  );
}

export interface ActorRequest {
  readonly userId: string;
  readonly marche: Marche;
  readonly space: Space;
  readonly need: Need;
  readonly actingSiret?: string;
  readonly now?: Date;
}

/** What is read to decide a user's access on a marché, whatever the space and need. */
export type AccessRequest = Omit<ActorRequest, 'space' | 'need'>;
export type LoadedAccess = Omit<AccessFacts, 'space' | 'need'>;

/** The identity reads `loadAccess` makes; `callerOnMarche`, when given, folds a header-less caller's into one. */
export type AccessStore = Pick<IdentityStore, 'getUser' | 'membershipsOfUser' | 'getStructure'> & {
  /** The user, its attachments to these structures and their cards, in one read (AccessReads.callerOnMarche). */
  readonly callerOnMarche?: (userId: string, sirets: readonly string[]) => Promise<CallerOnMarche>;
};

/**
 * Loads what `decideAccess` needs: the user (Get) and its attachments (one GSI2 Query), side by side, then the
 * candidate structures (one Query each, usually one). Read once per request, decided for as many spaces as needed.
 * A caller naming its structure with `preloaded` items, or naming none with `s.callerOnMarche`, costs no other read.
 */
export async function loadAccess(req: AccessRequest, s: AccessStore, preloaded?: CallerAccess): Promise<LoadedAccess> {
  if (req.actingSiret !== undefined && preloaded) {
    // For a named structure, decideAccess looks at that attachment and that structure only: no other read
    const { user, membership, structure } = preloaded;
    return {
      ...req,
      user,
      memberships: membership && membership.siret === req.actingSiret ? [membership] : [],
      structures: structure && structure.siret === req.actingSiret ? [structure] : [],
    };
  }
  if (req.actingSiret === undefined && s.callerOnMarche) {
    const read = await s.callerOnMarche(
      req.userId,
      req.marche.acteurs.map((a) => a.siret),
    );
    // Without a name, decideAccess chooses among the attachments to the marché's structures, approved or pending;
    // only when there is none does the refusal depend on the user's other attachments: then the full read below
    if (!read.user || read.memberships.some((m) => m.status !== 'REFUSED')) return { ...req, ...read };
  }
  const [user, memberships] = await Promise.all([s.getUser(req.userId), s.membershipsOfUser(req.userId)]);
  const sirets =
    req.actingSiret !== undefined
      ? [req.actingSiret]
      : memberships.filter((m) => rolesOf(req.marche, m.siret).length > 0).map((m) => m.siret);
  const structures = (await Promise.all([...new Set(sirets)].map((siret) => s.getStructure(siret)))).filter(
    (x): x is NonNullable<typeof x> => x !== undefined,
  );
  return { ...req, user, memberships, structures };
}

/** `decideAccess`, throwing the refusal (DomainError FORBIDDEN, or INVALID STRUCTURE_A_PRECISER). */
export function actorFrom(facts: AccessFacts): Actor {
  const decision = decideAccess(facts);
  if (!decision.allowed) throw decision.error;
  return decision.actor;
}

/** THE check of every API handler: `loadAccess`, then `decideAccess` for the space and need. */
export async function resolveActor(req: ActorRequest, s: AccessStore, preloaded?: CallerAccess): Promise<Actor> {
  return actorFrom({ ...(await loadAccess(req, s, preloaded)), space: req.space, need: req.need });
}

/**
 * A structure deactivated by a SIRET change keeps processing its pieces but opens no new dossier: its successor
 * does, once the fiche du marché names it. docs/rules/structures.md#siret-change (changement de SIRET)
 */
export function assertMayOpenDossier(actor: Actor): void {
  if (!actor.structureActive) {
    throw new DomainError(
      'STRUCTURE_INACTIVE',
      `La structure ${actor.siret} est désactivée${actor.successorSiret ? ` (remplacée par ${actor.successorSiret})` : ''} : elle peut traiter ses pièces en cours, mais pas ouvrir un nouveau dossier.`,
      'CONFLICT',
    );
  }
}

/** The authenticated caller, from the JWT claims. */
export interface Identity {
  readonly userId: string;
  /** The `email` claim, lowercased; null when the token carries none. */
  readonly loginAddress: string | null;
}

/** Maps JWT claims (`sub` = user id, `email`) to an identity; null without a usable `sub`. */
export function identityOf(claims: Readonly<Record<string, unknown>> | null | undefined): Identity | null {
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.trim().length === 0) return null;
  const email = claims?.email;
  return {
    userId: sub.trim(),
    loginAddress: typeof email === 'string' && email.trim().length > 0 ? email.trim().toLowerCase() : null,
  };
}

/** The refusals that mean "none of the caller's structures is an actor of this marché". */
const OUTSIDER_REFUSALS: ReadonlySet<string> = new Set(['STRUCTURE_HORS_MARCHE', 'UTILISATEUR_NON_RATTACHE']);

/**
 * For a dossier (or one of its pieces) named in the request: a dossier exists only for the actors of its marché, so
 * to anyone else the refusal is the very 404 a dossier that does not exist gets (`hidden`), never a 403 naming the
 * marché — an id then tells an outsider nothing about another structure's dossiers. Rethrows any other error.
 */
export function hideOutsider(e: unknown, hidden: (refusal: DomainError) => DomainError): never {
  if (isDomainError(e) && OUTSIDER_REFUSALS.has(e.code)) throw hidden(e);
  throw e;
}

/** `resolveActor`, an outsider to the marché answered `hidden` (`hideOutsider`). */
export async function resolveActorOf(
  req: ActorRequest,
  s: AccessStore,
  hidden: (refusal: DomainError) => DomainError,
  preloaded?: CallerAccess,
): Promise<Actor> {
  try {
    return await resolveActor(req, s, preloaded);
  } catch (e) {
    hideOutsider(e, hidden);
  }
}
