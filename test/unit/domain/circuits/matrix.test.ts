import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACTION_TYPES,
  type ActionType,
  type Actor,
  ALL_CADRES,
  DOSSIER_STATES,
  type Dossier,
  type DossierState,
  pendingActionOf,
  REFUSAL_CODES,
} from '../../../../shared/domain/circuits';
import type { Marche } from '../../../../shared/domain/marche';
import {
  attempt,
  explore,
  isDomainError,
  type Node,
  sample,
  soonAfter,
  type Tried,
  WORLDS,
  type World,
} from './explore';
import { SIRET } from './fixtures';

/**
 * The forbidden-transition matrix, generated: for every reachable state × every actor (each structure of the
 * marché, outsiders claiming each role, the system) × every action, the action succeeds exactly when the
 * allow-list below says so, and is otherwise refused with a documented DomainError code.
 * The allow-list is written from docs/rules/actors.md, docs/rules/cadres.md, docs/rules/circuits.md (who decides what, at which step), not from the code.
 */

type Who = 'VALIDEUR_1' | 'VALIDEUR_2' | 'FOURNISSEUR' | 'TITULAIRE' | 'MOE' | 'MOA' | 'SF' | 'DEPOSANT';

/** docs/rules/actors.md: the titulaire, or the mandataire of a groupement. */
const TITULAIRE_OF: Record<string, string> = {
  'M-SOLO': SIRET.titulaire,
  'M-MOA': SIRET.titulaire,
  'M-GRP': SIRET.mandataire,
  'M-SANS-MOE': SIRET.titulaire,
  'M-DELEGUE': SIRET.titulaire,
};
/** « MOA présente : non »: the MOE holds the MOA's steps, and the mise en paiement is not reported. */
const DELEGUE = 'M-DELEGUE';
const SANS_MOE = 'M-SANS-MOE';
/** The fiche d'identité: who validates whose pieces (docs/rules/circuits.md), by depositor. */
const VALIDEURS_OF: Record<string, readonly string[]> = {
  [SIRET.stTitulaire]: [SIRET.titulaire],
  [SIRET.stMandataire]: [SIRET.mandataire],
  [SIRET.stCotraitant]: [SIRET.cotraitant, SIRET.mandataire],
  [SIRET.cotraitant]: [SIRET.mandataire],
  [SIRET.cotraitant2]: [SIRET.mandataire],
};

function siretOf(who: Who, world: World, d: Dossier): string {
  const opener = d.pieces[0]!.depositorSiret;
  switch (who) {
    case 'VALIDEUR_1':
      return VALIDEURS_OF[opener]![0]!;
    case 'VALIDEUR_2':
      return VALIDEURS_OF[opener]![1]!;
    case 'FOURNISSEUR':
      return opener;
    case 'TITULAIRE':
      return TITULAIRE_OF[world.marche.id]!;
    case 'MOE':
      return SIRET.moe;
    case 'MOA':
      return SIRET.moa;
    case 'SF':
      return SIRET.sf;
    // Chorus Pro « recycler »: whoever deposited the piece sent back
    case 'DEPOSANT':
      return d.pieces.find((p) => p.status === 'A_RECYCLER')!.depositorSiret;
  }
}

/**
 * Who holds the MOA's step: the MOE when the MOA delegated validation, except on a PDM the titulaire brought to
 * the MOA itself after the MOE's silence.
 */
function moaStep(world: World, d: Dossier): Who {
  if (world.name !== DELEGUE) return 'MOA';
  const current = d.pieces.find((p) => p.id === d.currentPieceId)!;
  return d.state === 'VALIDATION_MOA' && current.cadre !== 'A15' ? 'MOA' : 'MOE';
}

/** Who may do what in each state (docs/rules/circuits.md). */
function allowList(world: World, d: Dossier): Array<[Who, ActionType]> {
  const has = (cadre: string) => d.pieces.some((p) => p.cadre === cadre);
  const current = d.pieces.find((p) => p.id === d.currentPieceId)!;
  const holder = moaStep(world, d);
  const suspend: Array<[Who, ActionType]> = d.suspensionUsed ? [] : [[holder, 'SUSPENDRE']];
  switch (d.state) {
    case 'VALIDATION_1':
      return [
        ['VALIDEUR_1', 'VALIDER'],
        ['VALIDEUR_1', 'REFUSER'],
      ];
    case 'VALIDATION_2':
      return [
        ['VALIDEUR_2', 'VALIDER'],
        ['VALIDEUR_2', 'REFUSER'],
      ];
    // The MOE accepts or corrects (A15), or refuses for non-amount reasons
    case 'EXAMEN_MOE':
      return [
        ['MOE', 'DEPOSER_ETAT_ACOMPTE'],
        ['MOE', 'REFUSER_MOE'],
      ];
    // MOE silent: the fournisseur may address the MOA; nothing stops the late MOE
    case 'MOE_HORS_DELAI':
      return [
        ['FOURNISSEUR', 'SAISIR_MOA_DIRECTEMENT'],
        ['MOE', 'DEPOSER_ETAT_ACOMPTE'],
        ['MOE', 'REFUSER_MOE'],
      ];
    // The MOA validates (A19), or the MOE it delegated to (A16); without a MOE it validates the titulaire's A5. The
    // holder of this step may suspend the DGP, once per dossier (CCP R2192-27)
    case 'VALIDATION_MOA':
      if (current.cadre === 'A5') {
        return [['MOA', 'VALIDER_ETAT_ACOMPTE_FOURNISSEUR'], ['MOA', 'REFUSER_MOA'], ...suspend];
      }
      if (holder === 'MOE') return [['MOE', 'VALIDER_ETAT_ACOMPTE'], ...suspend];
      return [['MOA', 'VALIDER_ETAT_ACOMPTE'], ['MOA', 'REFUSER_MOA'], ...suspend];
    // Without a MOE: the titulaire deposits the état d'acompte validé (A6)
    case 'DEPOT_ETAT_ACOMPTE_VALIDE':
      return [['FOURNISSEUR', 'DEPOSER_ETAT_ACOMPTE_VALIDE']];
    // Service fait, mandatement, mise en paiement (intermediate optional); suspend once before the payment order;
    // recyclage and rejet before the payment order
    case 'TRAITEMENT_SERVICE_FINANCIER': {
      // A buyer that does not report the mise en paiement ends the circuit at the mandatement
      const reported = world.name !== DELEGUE;
      if (d.status === 'MANDATEE') return [['SF', 'METTRE_EN_PAIEMENT']];
      const list: ActionType[] = ['MANDATER', 'METTRE_A_RECYCLER', 'REJETER'];
      if (reported) list.push('METTRE_EN_PAIEMENT');
      if (d.status === 'MISE_A_DISPOSITION' || d.status === 'COMPLETEE') list.push('SERVICE_FAIT');
      if (!d.suspensionUsed) list.push('SUSPENDRE');
      return list.map((a) => ['SF', a]);
    }
    case 'COMPLEMENT_FOURNISSEUR':
      if (d.suspension?.resumeState === 'VALIDATION_MOA') {
        const by = moaStep(world, { ...d, state: 'VALIDATION_MOA' });
        return by === 'MOA'
          ? [
              ['FOURNISSEUR', 'COMPLETER'],
              ['MOA', 'REFUSER_MOA'],
            ]
          : [['FOURNISSEUR', 'COMPLETER']];
      }
      return [
        ['FOURNISSEUR', 'COMPLETER'],
        ['SF', 'REJETER'],
      ];
    case 'RECYCLAGE':
      return [['DEPOSANT', 'RECYCLER']];
    case 'ETABLISSEMENT_PROJET_DG_MOE':
      return [
        ['MOE', 'DEPOSER_PROJET_DECOMPTE_GENERAL'],
        ['MOE', 'REFUSER_MOE'],
      ];
    case 'NOTIFICATION_DG_MOA':
      return [[holder, 'NOTIFIER_DECOMPTE_GENERAL']];
    // The MOA is late: the titulaire may start the tacit procedure; until then the MOE / MOA may still act
    case 'DG_NON_NOTIFIE':
      return [
        ['TITULAIRE', 'DEPOSER_PROJET_DG_TACITE'],
        has('A17') || world.name === SANS_MOE
          ? [holder, 'NOTIFIER_DECOMPTE_GENERAL']
          : ['MOE', 'DEPOSER_PROJET_DECOMPTE_GENERAL'],
      ];
    case 'REPONSE_MOA_PROJET_DG_TACITE':
      return [[holder, 'NOTIFIER_DECOMPTE_GENERAL']];
    case 'SIGNATURE_DG_TITULAIRE':
      return [
        ['TITULAIRE', 'SIGNER_DG'],
        ['TITULAIRE', 'SIGNER_DG_AVEC_RESERVES'],
        ['TITULAIRE', 'REFUSER_DG'],
      ];
    // Tacit DGD deposited by the titulaire (A23), the MOE (A24) or the MOA (A25)
    case 'DEPOT_DGD_TACITE':
      return world.name === SANS_MOE
        ? [
            ['TITULAIRE', 'DEPOSER_DGD_TACITE'],
            ['MOA', 'DEPOSER_DGD_TACITE'],
          ]
        : [
            ['TITULAIRE', 'DEPOSER_DGD_TACITE'],
            ['MOE', 'DEPOSER_DGD_TACITE'],
            ['MOA', 'DEPOSER_DGD_TACITE'],
          ];
    case 'CLOS':
      return [];
  }
}

/** The structure of the marché with that SIRET (outsiders share one SIRET that is on no marché). */
function isStructure(world: World, actor: Actor): boolean {
  return world.marche.acteurs.some((a) => a.siret === actor.siret);
}

function allowed(world: World, d: Dossier, actor: Actor, type: ActionType): boolean {
  return (
    isStructure(world, actor) &&
    allowList(world, d).some(([who, a]) => a === type && siretOf(who, world, d) === actor.siret)
  );
}

/** docs/rules/cadres.md, docs/rules/circuits.md: who may open a dossier with which cadre. */
function mayOpen(marche: Marche, actor: Actor, cadre: string): boolean {
  const acteurs = marche.acteurs.filter((a) => a.siret === actor.siret);
  const holds = (role: string) => acteurs.some((a) => a.role === role);
  const titulaire = holds('TITULAIRE') || holds('MANDATAIRE');
  const moe = marche.acteurs.some((a) => a.role === 'MOE');
  // A4 when the marché has a MOE, A5 (the titulaire's état d'acompte) when it has none
  if (cadre === 'A4') return titulaire && moe;
  if (cadre === 'A5') return titulaire && !moe;
  if (cadre === 'A7') return titulaire;
  if (cadre === 'A9' || cadre === 'A10') {
    return acteurs.some((a) => a.role === 'SOUS_TRAITANT' && a.paiementDirect === true);
  }
  if (cadre === 'A12' || cadre === 'A13' || cadre === 'A14') {
    return (
      holds('COTRAITANT') &&
      marche.groupement.mode !== 'NONE' &&
      marche.groupement.cotraitantBilling === 'OWN_PIECES_WITH_MANDATAIRE_VALIDATION'
    );
  }
  return false;
}

/** What the system does when the wait's deadline passes (docs/rules/circuits.md#waits, docs/rules/deadlines.md#deadlines): the state it leads to. */
function timeoutLeadsTo(d: Dossier): readonly DossierState[] | null {
  const flag = d.wait.lateSince === null ? [d.state] : null; // no tacit effect: flagged late once
  switch (d.state) {
    case 'VALIDATION_1':
      // silence is acceptance; without a MOE the piece goes to the MOA
      return ['VALIDATION_2', 'EXAMEN_MOE', 'ETABLISSEMENT_PROJET_DG_MOE', 'VALIDATION_MOA', 'NOTIFICATION_DG_MOA'];
    case 'VALIDATION_2':
      return ['EXAMEN_MOE'];
    case 'EXAMEN_MOE':
      return ['MOE_HORS_DELAI'];
    case 'ETABLISSEMENT_PROJET_DG_MOE':
    case 'NOTIFICATION_DG_MOA':
      return ['DG_NON_NOTIFIE'];
    case 'SIGNATURE_DG_TITULAIRE':
      return ['TRAITEMENT_SERVICE_FINANCIER']; // silence: the DG is the DGD
    case 'REPONSE_MOA_PROJET_DG_TACITE':
      return ['DEPOT_DGD_TACITE'];
    case 'MOE_HORS_DELAI':
      return d.dgp ? flag : null; // the DGP échéance, once the DGP runs
    case 'VALIDATION_MOA':
    case 'DEPOT_ETAT_ACOMPTE_VALIDE':
    case 'TRAITEMENT_SERVICE_FINANCIER':
    case 'RECYCLAGE':
    case 'DEPOT_DGD_TACITE':
    case 'COMPLEMENT_FOURNISSEUR':
      return flag;
    case 'DG_NON_NOTIFIE':
    case 'CLOS':
      return null;
  }
}

/** Acts foreclosed once the deadline has passed, because silence already decided (CCP R2193-13; 13.4.4, 13.4.5). */
const FORECLOSED: readonly DossierState[] = [
  'VALIDATION_1',
  'VALIDATION_2',
  'SIGNATURE_DG_TITULAIRE',
  'REPONSE_MOA_PROJET_DG_TACITE',
];

function describeRefusal(error: unknown): string | null {
  if (!isDomainError(error)) return `threw a non-DomainError: ${String(error)}`;
  if (!(error.code in REFUSAL_CODES)) return `undocumented code ${error.code}`;
  if (REFUSAL_CODES[error.code as keyof typeof REFUSAL_CODES] !== error.kind)
    return `kind ${error.kind} for ${error.code}`;
  if (error.message.length < 20) return `message too short for ${error.code}`;
  return null;
}

function label(world: World, d: Dossier | undefined, actor: Actor | 'SYSTEM', type: string): string {
  const who = actor === 'SYSTEM' ? 'SYSTEM' : `${actor.siret}[${actor.roles.join('+')}]`;
  return `${world.name} ${d ? `${d.state}/${d.status}` : '(no dossier)'} ${who} ${type}`;
}

describe('forbidden-transition matrix, generated over every reachable state (docs/rules/actors.md, docs/rules/circuits.md)', () => {
  let nodes: Node[] = [];
  const tried: Array<
    Omit<Tried, 'attempt'> & { readonly ok: boolean; readonly version?: number; readonly error?: unknown }
  > = [];
  beforeAll(() => {
    nodes = explore(({ attempt: a, ...t }) =>
      tried.push(a.ok ? { ...t, ok: true, version: a.result.dossier.version } : { ...t, ok: false, error: a.error }),
    );
    // ~1,400 states × every actor × every action: about a minute on a loaded 2-core machine
  }, 300_000);

  it('reaches every state of the machine and every outcome', () => {
    const states = new Set(nodes.map((n) => n.dossier.state));
    expect([...states].sort()).toEqual([...DOSSIER_STATES].sort());
    const outcomes = new Set(nodes.map((n) => n.dossier.outcome).filter((o) => o !== null));
    expect([...outcomes].sort()).toEqual([
      'DG_REFUSE',
      'MANDATE',
      'PAYE',
      'REFUSE_MOA',
      'REFUSE_MOE',
      'REFUSE_VALIDEUR',
      'REJETE',
    ]);
    expect(nodes.length).toBeGreaterThan(100);
  });

  it('opens a dossier exactly for the depositors and cadres of docs/rules/cadres.md, and refuses the rest with a documented code', () => {
    const failures: string[] = [];
    for (const world of WORLDS) {
      for (const actor of world.actors) {
        for (const type of ACTION_TYPES) {
          for (const cadre of type === 'DEPOSER' ? ALL_CADRES : ['A4']) {
            const a = attempt(world, undefined, actor, sample(type, cadre), new Date('2025-04-11T08:00:00Z'));
            const expected = type === 'DEPOSER' && mayOpen(world.marche, actor, cadre);
            const what = `${label(world, undefined, actor, type)} ${cadre}`;
            if (a.ok !== expected) failures.push(`${what}: expected ${expected ? 'success' : 'refusal'}`);
            if (!a.ok) {
              const fault = describeRefusal(a.error);
              if (fault) failures.push(`${what}: ${fault}`);
            }
          }
        }
        const system = attempt(world, undefined, 'SYSTEM', sample('DEPOSER'), new Date('2025-04-11T08:00:00Z'));
        if (system.ok || describeRefusal(system.error))
          failures.push(`${world.name} SYSTEM DEPOSER: not refused properly`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('allows exactly the allow-list in every reachable state and refuses everything else with a documented code', () => {
    const failures: string[] = [];
    for (const { node, actor, type, ...a } of tried) {
      const { world, dossier } = node;
      const expected = allowed(world, dossier, actor, type);
      const what = label(world, dossier, actor, type);
      if (a.ok !== expected) {
        const why = a.ok ? '' : ` (${isDomainError(a.error) ? a.error.code : String(a.error)})`;
        failures.push(`${what}: expected ${expected ? 'success' : 'refusal'}${why}`);
      }
      if (!a.ok) {
        const fault = describeRefusal(a.error);
        if (fault) failures.push(`${what}: ${fault}`);
      } else if (a.version !== dossier.version + 1) {
        failures.push(`${what}: version not incremented`);
      }
    }
    expect(failures).toEqual([]);
    // every reachable dossier × every actor × every action
    expect(tried.length).toBe(nodes.reduce((n, { world }) => n + world.actors.length * ACTION_TYPES.length, 0));
  });

  it('applies the system timeout only when the current wait’s deadline has passed, with the docs/rules/circuits.md#waits effect', () => {
    const failures: string[] = [];
    for (const { world, dossier, pending } of nodes) {
      const what = label(world, dossier, 'SYSTEM', 'DELAI_EXPIRE');
      const early = attempt(world, dossier, 'SYSTEM', sample('DELAI_EXPIRE'), soonAfter(dossier));
      if (early.ok) failures.push(`${what}: applied before the deadline`);
      else if (describeRefusal(early.error)) failures.push(`${what}: ${describeRefusal(early.error)}`);

      const leadsTo = timeoutLeadsTo(dossier);
      if (!pending?.deadlineAt) {
        if (leadsTo) failures.push(`${what}: a deadline was expected`);
        continue;
      }
      if (!leadsTo) {
        failures.push(`${what}: no deadline expected, got ${pending.deadlineAt}`);
        continue;
      }
      const due = attempt(world, dossier, 'SYSTEM', sample('DELAI_EXPIRE'), new Date(pending.deadlineAt));
      if (!due.ok) failures.push(`${what}: refused at the deadline (${String((due.error as Error).message)})`);
      else if (!leadsTo.includes(due.result.dossier.state)) {
        failures.push(`${what}: led to ${due.result.dossier.state}, expected ${leadsTo.join(' or ')}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses, at the deadline, the acts that silence has already decided (DELAI_DEPASSE)', () => {
    const failures: string[] = [];
    let checked = 0;
    for (const { world, dossier, pending } of nodes) {
      if (!FORECLOSED.includes(dossier.state) || !pending?.deadlineAt) continue;
      for (const actor of world.actors) {
        for (const type of ACTION_TYPES) {
          if (!allowed(world, dossier, actor, type)) continue;
          checked += 1;
          const a = attempt(world, dossier, actor, sample(type), new Date(pending.deadlineAt));
          if (a.ok || !isDomainError(a.error) || a.error.code !== 'DELAI_DEPASSE') {
            failures.push(`${label(world, dossier, actor, type)}: expected DELAI_DEPASSE`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });

  it('publishes in the pending wait exactly the allow-list of the state (docs/rules/circuits.md)', () => {
    const failures: string[] = [];
    for (const { world, dossier, pending } of nodes) {
      const published = pending
        ? [pending, ...pending.otherActors].flatMap((p) => p.allowedActions.map((a) => `${p.actorSiret} ${a}`))
        : [];
      const expected = allowList(world, dossier).map(([who, a]) => `${siretOf(who, world, dossier)} ${a}`);
      if (JSON.stringify(published.sort()) !== JSON.stringify(expected.sort())) {
        failures.push(`${label(world, dossier, 'SYSTEM', '-')}: published ${published.join(', ')}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('rebuilds from the stored dossier the same pending wait the transition returned (resume from the database)', () => {
    for (const { world, dossier, pending } of nodes) {
      const stored = JSON.parse(JSON.stringify(dossier)) as Dossier;
      expect(pendingActionOf(world.marche, stored)).toEqual(pending);
    }
  });
});
