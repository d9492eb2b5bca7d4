import { addDays, parisDateOf } from '../calendar';
import type { Marche } from '../marche';
import {
  deposerEtatAcompte,
  deposerEtatAcompteValide,
  refuserMoa,
  refuserMoe,
  saisirMoaDirectement,
  validerEtatAcompte,
  validerEtatAcompteFournisseur,
} from './acompte';
import { type Action, type ActionType, type ParsedAction, parseAction } from './actions';
import { deadlineInstant } from './deadlines';
import {
  completer,
  mandater,
  mettreARecycler,
  mettreEnPaiement,
  recycler,
  rejeter,
  serviceFait,
  suspendre,
} from './financier';
import { ACTION_LABELS, formatDateFr, ROLE_LABELS, STATE_LABELS } from './labels';
import { openDossier } from './open';
import type { Change, Ctx } from './ops';
import { type BuyerParams, DEFAULT_BUYER_PARAMS } from './organisation';
import { currentDeadline, pendingActionOf } from './pending';
import { guard, participants } from './permissions';
import { refusal } from './refusals';
import {
  deposerDgdTacite,
  deposerProjetDecompteGeneral,
  deposerProjetDgTacite,
  notifierDecompteGeneral,
  refuserDg,
  signerDg,
  signerDgAvecReserves,
} from './solde';
import { delaiExpire } from './timeouts';
import {
  type Actor,
  type ActorOrSystem,
  type CircuitOptions,
  circuitOptionsOf,
  type Dossier,
  type DossierEvent,
  type DossierState,
  type Party,
  type TransitionResult,
} from './types';
import { refuser, valider } from './validation';

/**
 * The dossier de facturation as a pure state machine (docs/rules/circuits.md): who may do what, in which state, is decided
 * here and only here. `action` is parsed (a malformed one is refused); every refusal is a DomainError with a
 * code of REFUSAL_CODES. `buyer`, the buyer's directory parameters, chooses the circuit of a new dossier
 * (organisation.ts); an open dossier keeps the one it opened with.
 */
export function transition(
  marche: Marche,
  dossier: Dossier | undefined,
  actor: ActorOrSystem,
  action: Action,
  now: Date,
  options: CircuitOptions = circuitOptionsOf(marche),
  buyer: BuyerParams = DEFAULT_BUYER_PARAMS,
): TransitionResult {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw refusal('HORODATAGE_INVALIDE', 'Horodatage de la demande invalide.');
  }
  const parsed = parseAction(action);
  const acting = actor === 'SYSTEM' ? actor : onMarche(marche, actor);

  if (!dossier) {
    if (parsed.type !== 'DEPOSER') {
      throw refusal(
        'DOSSIER_INTROUVABLE',
        'Ce dossier de facturation n’existe pas : il s’ouvre par le dépôt de sa première pièce.',
      );
    }
    if (acting === 'SYSTEM') throw refusal('ROLE_NON_AUTORISE', 'Le système ne dépose pas de pièce.');
    const { role, ...opened } = openDossier(marche, acting, parsed, now, parisDateOf(now), buyer);
    return finish(marche, opened, { siret: acting.siret, role }, now, options);
  }

  if (dossier.marcheId !== marche.id) {
    throw refusal(
      'MARCHE_INCOHERENT',
      `Le dossier ${dossier.id} appartient au marché ${dossier.marcheId}, pas au marché ${marche.id}.`,
    );
  }
  if (dossier.closed || dossier.state === 'CLOS') {
    throw refusal(
      'DOSSIER_CLOS',
      `Le dossier ${dossier.id} est clos (${dossier.outcome ?? 'clos'}, statut ${dossier.status}) : plus aucune action n'y est possible ; déposez une nouvelle pièce dans un nouveau dossier si nécessaire.`,
    );
  }
  if (now.getTime() < Date.parse(dossier.updatedAt)) {
    throw refusal(
      'HORODATAGE_INVALIDE',
      `La demande est datée d'avant la dernière modification du dossier (${dossier.updatedAt}).`,
    );
  }
  if (parsed.type === 'DEPOSER') {
    throw refusal(
      'DOSSIER_DEJA_OUVERT',
      `Le dossier ${dossier.id} existe déjà : déposez la pièce suivante en association avec la précédente.`,
    );
  }

  let party: Party | null = null;
  if (acting === 'SYSTEM') {
    if (parsed.type !== 'DELAI_EXPIRE') {
      throw refusal(
        'ROLE_NON_AUTORISE',
        `Le système applique seulement les délais expirés ; « ${ACTION_LABELS[parsed.type]} » revient à un acteur du marché.`,
      );
    }
  } else {
    if (parsed.type === 'DELAI_EXPIRE') {
      throw refusal('ROLE_NON_AUTORISE', "Seul le système constate l'expiration d'un délai.");
    }
    party = authorize(dossier, acting.siret, acting.roles, parsed.type);
    const refused = guard(dossier, parsed.type);
    if (refused) throw refused;
    checkNotTooLate(dossier, now, options);
  }

  const ctx: Ctx = { marche, dossier, actor: party, now, today: parisDateOf(now), options };
  return finish(marche, dispatch(ctx, parsed), party, now, options);
}

/** docs/rules/actors.md: a structure acts in the roles the fiche du marché gives it, and in no other. */
function onMarche(marche: Marche, actor: Actor): Actor {
  return {
    siret: actor.siret,
    roles: actor.roles.filter((r) => marche.acteurs.some((a) => a.siret === actor.siret && a.role === r)),
  };
}

function dispatch(ctx: Ctx, action: ParsedAction): Change {
  switch (action.type) {
    case 'VALIDER':
      return valider(ctx, action);
    case 'REFUSER':
      return refuser(ctx, action);
    case 'DEPOSER_ETAT_ACOMPTE':
      return deposerEtatAcompte(ctx, action);
    case 'REFUSER_MOE':
      return refuserMoe(ctx, action);
    case 'SAISIR_MOA_DIRECTEMENT':
      return saisirMoaDirectement(ctx);
    case 'VALIDER_ETAT_ACOMPTE':
      return validerEtatAcompte(ctx, action);
    case 'REFUSER_MOA':
      return refuserMoa(ctx, action);
    case 'VALIDER_ETAT_ACOMPTE_FOURNISSEUR':
      return validerEtatAcompteFournisseur(ctx, action);
    case 'DEPOSER_ETAT_ACOMPTE_VALIDE':
      return deposerEtatAcompteValide(ctx, action);
    case 'DEPOSER_PROJET_DECOMPTE_GENERAL':
      return deposerProjetDecompteGeneral(ctx, action);
    case 'NOTIFIER_DECOMPTE_GENERAL':
      return notifierDecompteGeneral(ctx, action);
    case 'SIGNER_DG':
      return signerDg(ctx, action);
    case 'SIGNER_DG_AVEC_RESERVES':
      return signerDgAvecReserves(ctx, action);
    case 'REFUSER_DG':
      return refuserDg(ctx, action);
    case 'DEPOSER_PROJET_DG_TACITE':
      return deposerProjetDgTacite(ctx, action);
    case 'DEPOSER_DGD_TACITE':
      return deposerDgdTacite(ctx, action);
    case 'SERVICE_FAIT':
      return serviceFait(ctx);
    case 'MANDATER':
      return mandater(ctx);
    case 'METTRE_EN_PAIEMENT':
      return mettreEnPaiement(ctx);
    case 'SUSPENDRE':
      return suspendre(ctx, action);
    case 'COMPLETER':
      return completer(ctx, action);
    case 'METTRE_A_RECYCLER':
      return mettreARecycler(ctx, action);
    case 'RECYCLER':
      return recycler(ctx, action);
    case 'REJETER':
      return rejeter(ctx, action);
    case 'DELAI_EXPIRE':
      return delaiExpire(ctx, action);
    case 'DEPOSER':
      throw refusal('DOSSIER_DEJA_OUVERT', 'Le dossier existe déjà.');
  }
}

/** The structure acting, in the role the dossier expects of it for this action (docs/rules/actors.md). */
function authorize(d: Dossier, siret: string, roles: readonly Party['role'][], type: ActionType): Party {
  const all = participants(d);
  const forAction = all.filter((p) => p.actions.includes(type));
  if (forAction.length === 0) {
    const open = all.flatMap((p) => p.actions.map((a) => `${ACTION_LABELS[a]} (${ROLE_LABELS[p.party.role]})`));
    throw refusal(
      'ACTION_NON_AUTORISEE_DANS_CET_ETAT',
      `Impossible de ${ACTION_LABELS[type]} : le dossier est ${STATE_LABELS[d.state]} (statut ${d.status}). ` +
        (open.length > 0 ? `Actions attendues : ${open.join(' ; ')}.` : 'Aucune action n’est attendue.'),
    );
  }
  const withRole = forAction.filter((p) => roles.includes(p.party.role));
  if (withRole.length === 0) {
    const who = [...new Set(forAction.map((p) => ROLE_LABELS[p.party.role]))].join(' ou ');
    throw refusal(
      'ROLE_NON_AUTORISE',
      `À cette étape, seul ${who} peut ${ACTION_LABELS[type]} ; vos rôles sur ce marché : ${roles.length > 0 ? roles.join(', ') : 'aucun'}.`,
    );
  }
  const match = withRole.find((p) => p.party.siret === siret);
  if (!match) {
    const named = withRole.map((p) => `${p.party.siret} (${ROLE_LABELS[p.party.role]})`).join(', ');
    throw refusal(
      'ACTEUR_NON_DESIGNE',
      `Ce dossier désigne la structure ${named} pour ${ACTION_LABELS[type]} ; votre structure (SIRET ${siret}) ne peut pas le faire.`,
    );
  }
  return match.party;
}

/** Waits whose tacit effect forecloses a late act: past the deadline, the rule applies, not the act. */
const FORECLOSED: readonly DossierState[] = [
  'VALIDATION_1', // CCP R2193-13: accepted by silence
  'VALIDATION_2',
  'SIGNATURE_DG_TITULAIRE', // CCAG-T 2014 art. 13.4.5: the DG is the DGD
  'REPONSE_MOA_PROJET_DG_TACITE', // CCAG-T 2014 art. 13.4.4: the A22 is the DGD
];

function checkNotTooLate(d: Dossier, now: Date, options: CircuitOptions): void {
  if (!FORECLOSED.includes(d.state)) return;
  const { deadline, onTimeout } = currentDeadline(d, options);
  if (deadline && now >= deadlineInstant(deadline.lastDay)) {
    throw refusal(
      'DELAI_DEPASSE',
      `Le délai a expiré le ${formatDateFr(deadline.lastDay)} à minuit (${deadline.source}) : ${onTimeout?.description ?? ''}`.trim(),
    );
  }
}

function finish(
  marche: Marche,
  change: Change,
  party: Party | null,
  now: Date,
  options: CircuitOptions,
): TransitionResult {
  const at = now.toISOString();
  const dossier: Dossier = lateFromTheStart(
    { ...change.dossier, version: change.dossier.version + 1, updatedAt: at },
    now,
    options,
  );
  const events: DossierEvent[] = change.events.map((e) => ({
    type: e.type,
    at,
    actorSiret: party?.siret ?? null,
    role: party?.role ?? 'SYSTEM',
    pieceId: e.pieceId ?? null,
    details: e.details ?? {},
  }));
  return { dossier, events, clockEffects: change.clockEffects, pending: pendingActionOf(marche, dossier, options) };
}

/**
 * A new wait whose only deadline is the DGP échéance, entered after that échéance has passed, is late from its
 * first day: it is flagged at once instead of arming a timer already expired (which would add a RETARD_SIGNALE
 * transition, and move the version under the next actor's feet, after every step of a late dossier).
 */
function lateFromTheStart(d: Dossier, now: Date, options: CircuitOptions): Dossier {
  if (d.closed || d.wait.lateSince !== null) return d;
  const { deadline, onTimeout } = currentDeadline(d, options);
  if (!deadline || onTimeout?.effect !== 'RETARD_SIGNALE') return d;
  if (now < deadlineInstant(deadline.lastDay)) return d;
  return { ...d, wait: { ...d.wait, lateSince: addDays(deadline.lastDay, 1) } };
}
