import {
  ACTION_TYPES,
  type Action,
  type ActionType,
  type Actor,
  type ActorOrSystem,
  ALL_CADRES,
  type BuyerParams,
  DEFAULT_BUYER_PARAMS,
  type Dossier,
  type TransitionResult,
  transition,
} from '../../../../shared/domain/circuits';
import { DomainError } from '../../../../shared/domain/errors';
import type { Marche } from '../../../../shared/domain/marche';
import { ROLES } from '../../../../shared/domain/roles';
import { marcheDelegue, marcheGroupement, marcheReceptionMoa, marcheSansMoe, marcheSolo, SIRET } from './fixtures';

/**
 * Walks every state the circuits can reach: from every first deposit any structure may make, it tries every
 * action of every actor (and the system's timeouts at their deadline) and follows each one accepted. States are
 * told apart by what decides who may do what (state, status, suspension used, late, pending A17, DGP started…).
 */
export interface World {
  readonly name: string;
  readonly marche: Marche;
  /** The buyer's directory parameters (organisation.ts): which circuit a new dossier runs. */
  readonly buyer: BuyerParams;
  /** The structures of the marché, each with the roles the fiche gives it, then outsiders claiming each role. */
  readonly actors: readonly Actor[];
}

function structuresOf(marche: Marche): Actor[] {
  const sirets = [...new Set(marche.acteurs.map((a) => a.siret))];
  return sirets.map((siret) => ({
    siret,
    roles: ROLES.filter((r) => marche.acteurs.some((a) => a.siret === siret && a.role === r)),
  }));
}

const outsiders: Actor[] = ROLES.map((r) => ({ siret: SIRET.outsider, roles: [r] }));

// Outsiders hold no role on any marché: trying them on one marché is enough
/** The delegated world's buyer: « MOA présente : non », and the mise en paiement is not reported. */
export const BUYER_DELEGUE: BuyerParams = { moaPresente: false, statutMiseEnPaiementRemonte: false };

export const WORLDS: readonly World[] = [
  marcheSolo,
  marcheReceptionMoa,
  marcheGroupement,
  marcheSansMoe,
  marcheDelegue,
].map((marche) => ({
  name: marche.id,
  marche,
  buyer: marche === marcheDelegue ? BUYER_DELEGUE : DEFAULT_BUYER_PARAMS,
  actors: [...structuresOf(marche), ...(marche === marcheGroupement ? outsiders : [])],
}));

let counter = 0;
function fresh() {
  counter += 1;
  return { id: `X${counter}`, numero: `X-${counter}` };
}
const m = { htCents: 100_000, tvaCents: 20_000, ttcCents: 120_000 };

/** A well-formed action of each type, so that a refusal can only come from the state, the actor or the rule. */
export function sample(type: ActionType, cadre = 'A4'): Action {
  switch (type) {
    case 'DEPOSER':
      return { type, dossierId: `D${++counter}`, piece: { ...fresh(), cadre, montants: m } };
    case 'REFUSER':
    case 'REFUSER_DG':
      return { type, motifs: 'Motifs exposés' };
    case 'REFUSER_MOE':
      return { type, motif: 'MAUVAIS_MARCHE' };
    case 'REFUSER_MOA':
      return { type, motif: 'DONNEES_OBLIGATOIRES_MANQUANTES' };
    case 'DEPOSER_ETAT_ACOMPTE':
    case 'VALIDER_ETAT_ACOMPTE':
    case 'DEPOSER_ETAT_ACOMPTE_VALIDE':
      return { type, piece: { ...fresh(), montants: m } };
    case 'DEPOSER_PROJET_DECOMPTE_GENERAL':
    case 'NOTIFIER_DECOMPTE_GENERAL':
    case 'SIGNER_DG':
    case 'DEPOSER_PROJET_DG_TACITE':
    case 'DEPOSER_DGD_TACITE':
      return { type, piece: fresh() };
    case 'SIGNER_DG_AVEC_RESERVES':
      return { type, piece: fresh(), memoireReclamation: 'MR-1', sommesAdmisesCents: 50_000 };
    case 'SUSPENDRE':
      return { type, documentsManquants: ['Attestation'] };
    case 'COMPLETER':
      return { type, documents: ['attestation.pdf'] };
    case 'METTRE_A_RECYCLER':
    case 'REJETER':
      return { type, motif: 'Motif' };
    case 'RECYCLER':
      return { type, codeService: 'SF-2' };
    case 'DELAI_EXPIRE':
      return { type };
    default:
      return { type } as Action;
  }
}

export type Attempt =
  | { readonly ok: true; readonly result: TransitionResult }
  | { readonly ok: false; readonly error: unknown };

export function attempt(
  world: World,
  dossier: Dossier | undefined,
  who: ActorOrSystem,
  action: Action,
  when: Date,
): Attempt {
  try {
    return { ok: true, result: transition(world.marche, dossier, who, action, when, undefined, world.buyer) };
  } catch (error) {
    return { ok: false, error };
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

/** One hour after the dossier's last change: before any deadline of the wait it has just entered. */
export function soonAfter(d: Dossier): Date {
  return new Date(Date.parse(d.updatedAt) + 3_600_000);
}

export function signature(world: World, d: Dossier): string {
  // Closed dossiers refuse everything alike
  if (d.closed) return JSON.stringify([world.name, d.state, d.status, d.outcome]);
  const current = d.pieces.find((p) => p.id === d.currentPieceId);
  return JSON.stringify([
    world.name,
    d.origin,
    d.pieces[0]?.depositorSiret,
    d.state,
    d.status,
    d.outcome,
    d.suspensionUsed,
    d.suspension?.resumeState,
    d.wait.lateSince !== null,
    d.pieces.some((p) => p.cadre === 'A17' && p.status === 'MISE_A_DISPOSITION_MOA'),
    d.dgp !== null,
    current?.cadre,
    current?.depositorRole,
  ]);
}

export interface Node {
  readonly world: World;
  readonly dossier: Dossier;
  /** The pending wait returned by the transition that produced this dossier. */
  readonly pending: TransitionResult['pending'];
}

/** One try of the walk: an actor's action on a reachable dossier, one hour after its last change. */
export interface Tried {
  readonly node: Node;
  readonly actor: Actor;
  readonly type: ActionType;
  readonly attempt: Attempt;
}

/**
 * Every distinct reachable dossier, breadth first from every accepted first deposit. `onTry` sees every actor ×
 * action tried on each of them (the matrix checks them all).
 */
export function explore(onTry: (t: Tried) => void = () => {}): Node[] {
  const nodes: Node[] = [];
  const seen = new Set<string>();
  const queue: Node[] = [];
  const visit = (world: World, r: TransitionResult) => {
    const sig = signature(world, r.dossier);
    if (seen.has(sig)) return;
    seen.add(sig);
    const node = { world, dossier: r.dossier, pending: r.pending };
    nodes.push(node);
    queue.push(node);
  };
  const start = new Date('2025-04-11T08:00:00Z');
  for (const world of WORLDS) {
    for (const who of world.actors) {
      for (const cadre of ALL_CADRES) {
        const a = attempt(world, undefined, who, sample('DEPOSER', cadre), start);
        if (a.ok) visit(world, a.result);
      }
    }
  }
  for (let node = queue.shift(); node; node = queue.shift()) {
    const { world, dossier } = node;
    for (const who of world.actors) {
      for (const type of ACTION_TYPES) {
        const a = attempt(world, dossier, who, sample(type), soonAfter(dossier));
        onTry({ node, actor: who, type, attempt: a });
        if (a.ok) visit(world, a.result);
      }
    }
    if (node.pending?.deadlineAt) {
      const a = attempt(world, dossier, 'SYSTEM', sample('DELAI_EXPIRE'), new Date(node.pending.deadlineAt));
      if (a.ok) visit(world, a.result);
    }
  }
  return nodes;
}
