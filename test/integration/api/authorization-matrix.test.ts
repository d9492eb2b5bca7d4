import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../shared/adapters/ids';
import type { WorkflowPort } from '../../../shared/adapters/workflow';
import { ACTION_TYPES, type Action, type ActionType } from '../../../shared/domain/circuits/actions';
import type { Space, SpaceMode } from '../../../shared/domain/roles';
import { DEMO, demoMarche } from '../../../shared/seed/demo';
import { contextWith } from '../../../shared/services/context';
import type { DossierService } from '../../../shared/services/dossier-service';
import { usePlatform } from '../../setup/platform';
import { draftWithMainFile, Session, sha256Hex, textPdf } from './dossiers/client';
import { call, freshSiret, login, newUser, type Reply, seed } from './identity/http';

/**
 * AUTHORIZATION MATRIX, generated: every persona (role on the marché × space subscription and mode, plus a user of a
 * structure outside the marché and a user whose attachment is pending) × every action endpoint (the dossier
 * actions of POST /v1/dossiers/{dossierId}/actions on dossiers in several states of their circuit, the first
 * piece's draft, and the identity / marché / dashboard endpoints) is sent over HTTP on the embedded platform.
 *
 * The oracle below is written from the rule book alone (docs/rules/actors.md who acts, docs/rules/structures.md attachments, spaces and modes, docs/rules/circuits.md circuits),
 * not from the code: a request that the oracle does not authorize MUST NOT succeed (no 2xx), whatever it is; and a
 * request it authorizes must not be refused for authorization (401/403), and succeeds when nothing else stands in
 * the way (every authorized request is replayed on a fresh resource, so that one success does not hide another).
 */

const platform = usePlatform();
const S = DEMO.sirets;
const noWorkflow: WorkflowPort = { start: async () => 'started', release: async () => true };

// ------------------------------------------------------------------------------------------------ personas

type Subscriptions = Partial<Record<Space, SpaceMode>>;
interface Attachment {
  readonly siret: string;
  readonly status: 'APPROVED' | 'PENDING';
  readonly manager: 'GP' | 'GS' | null;
  readonly spaces: Subscriptions;
}
interface Persona {
  readonly key: string;
  login: string;
  attachments: readonly Attachment[];
  token: string;
  userId: string;
}

const BOTH_MOD: Subscriptions = { FACTURES_TRAVAUX: 'MODIFICATION', FACTURES_A_VALIDER: 'MODIFICATION' };
const TRAVAUX_MOD: Subscriptions = { FACTURES_TRAVAUX: 'MODIFICATION' };
const gp = (siret: string, spaces: Subscriptions = TRAVAUX_MOD): Attachment => ({
  siret,
  status: 'APPROVED',
  manager: 'GP',
  spaces,
});
const member = (siret: string, spaces: Subscriptions): Attachment => ({
  siret,
  status: 'APPROVED',
  manager: null,
  spaces,
});

let outsiderSiret = '';

/** The seeded users (shared/seed/demo.ts) and four made here; their attachments as docs/rules/structures.md#managers says they are. */
function personas(): Persona[] {
  const u = DEMO.users;
  const p = (key: string, login: string, attachments: Attachment[]): Persona => ({
    key,
    login,
    attachments,
    token: '',
    userId: '',
  });
  return [
    p('moa', u.moa.login, [gp(S.moa)]),
    p('consultationMoa', u.consultation.login, [member(S.moa, { FACTURES_TRAVAUX: 'CONSULTATION' })]),
    p('moe', u.moe.login, [gp(S.moe)]),
    p('consultationMoe', 'lecteur.moe@matrice.test', [member(S.moe, { FACTURES_TRAVAUX: 'CONSULTATION' })]),
    p('titulaire', u.mandataire.login, [gp(S.mandataire, BOTH_MOD)]),
    p('titulaireTravauxSeul', 'travaux.seul@matrice.test', [member(S.mandataire, TRAVAUX_MOD)]),
    p('titulaireConsultation', 'lecteur.titulaire@matrice.test', [
      member(S.mandataire, { FACTURES_TRAVAUX: 'CONSULTATION', FACTURES_A_VALIDER: 'CONSULTATION' }),
    ]),
    p('attente', u.pending.login, [{ siret: S.mandataire, status: 'PENDING', manager: null, spaces: TRAVAUX_MOD }]),
    p('cotraitant', u.cotraitant.login, [gp(S.cotraitant)]),
    p('sousTraitant', u.sousTraitant.login, [gp(S.sousTraitant)]),
    p('financier', u.serviceFinancier.login, [gp(S.serviceFinancier)]),
    p('horsMarche', 'hors.marche@matrice.test', []), // attachment added once its structure exists
  ];
}

const PEOPLE = personas();
const person = (key: string): Persona => PEOPLE.find((x) => x.key === key)!;

// ------------------------------------------------------------------------------------------------ the oracle

const approved = (p: Persona, siret: string) => p.attachments.find((a) => a.siret === siret && a.status === 'APPROVED');
/** docs/rules/structures.md#spaces: MODIFICATION acts. */
const canAct = (p: Persona, siret: string, space: Space) => approved(p, siret)?.spaces[space] === 'MODIFICATION';
/** docs/rules/structures.md#spaces: CONSULTATION (or MODIFICATION) reads. */
const canReadIn = (p: Persona, siret: string) => Object.keys(approved(p, siret)?.spaces ?? {}).length > 0;
/**
 * Structures whose own endpoints are tried: the public MOA (GP and a CONSULTATION member), the mandataire (GP, three
 * members, a pending request), the MOE (GP and a CONSULTATION member) and one outside the marché; the cotraitant,
 * the sous-traitant and the service financier have the MOE's shape (a GP only) and add nothing but time.
 */
const viewStructures = () => [S.moa, S.mandataire, S.moe, outsiderSiret];
const isManager = (p: Persona, siret: string) => approved(p, siret)?.manager != null;
const isGp = (p: Persona, siret: string) => approved(p, siret)?.manager === 'GP';
const MARCHE_SIRETS = Object.values(S) as string[];
/** docs/rules/actors.md: every actor of the marché reads the dossier (the marché without a MOE has three of them). */
const marcheSirets = (state?: State) =>
  state && SANS_MOE_STATES.includes(state) ? [S.moa, S.mandataire, S.serviceFinancier] : MARCHE_SIRETS;
const readsMarche = (p: Persona, state?: State) => marcheSirets(state).some((s) => canReadIn(p, s));
/** None of the persona's structures (approved or not) is an actor of the dossier's marché. */
const isOutsider = (p: Persona, state?: State) => !p.attachments.some((a) => marcheSirets(state).includes(a.siret));

/** docs/rules/structures.md: the titulaire validates subcontractor / cotraitant pieces in « Factures à valider ». */
const spaceOf = (t: ActionType): Space =>
  t === 'VALIDER' || t === 'REFUSER' ? 'FACTURES_A_VALIDER' : 'FACTURES_TRAVAUX';

type PartyKey = 'fournisseur' | 'valideur1' | 'moe' | 'moa' | 'sf';
type State =
  | 'VALIDATION_1'
  | 'EXAMEN_MOE'
  | 'MOE_HORS_DELAI'
  | 'VALIDATION_MOA'
  | 'VALIDATION_MOA_A5'
  | 'DEPOT_ETAT_ACOMPTE_VALIDE'
  | 'TRAITEMENT_SERVICE_FINANCIER'
  | 'COMPLEMENT_FOURNISSEUR'
  | 'CLOS';

/** docs/rules/circuits.md, who may do what at each step (the MOE late: the fournisseur addresses the MOA, the MOE may still act). */
const WHO_ACTS: Record<State, readonly { party: PartyKey; actions: readonly ActionType[] }[]> = {
  VALIDATION_1: [{ party: 'valideur1', actions: ['VALIDER', 'REFUSER'] }],
  EXAMEN_MOE: [{ party: 'moe', actions: ['DEPOSER_ETAT_ACOMPTE', 'REFUSER_MOE'] }],
  MOE_HORS_DELAI: [
    { party: 'fournisseur', actions: ['SAISIR_MOA_DIRECTEMENT'] },
    { party: 'moe', actions: ['DEPOSER_ETAT_ACOMPTE', 'REFUSER_MOE'] },
  ],
  // The MOA validates, refuses (not for amounts), or suspends the DGP once per dossier (CCP R2192-27)
  VALIDATION_MOA: [{ party: 'moa', actions: ['VALIDER_ETAT_ACOMPTE', 'REFUSER_MOA', 'SUSPENDRE'] }],
  // Marché without a MOE: the MOA validates the titulaire's état d'acompte (A5), then the titulaire deposits the A6
  VALIDATION_MOA_A5: [{ party: 'moa', actions: ['VALIDER_ETAT_ACOMPTE_FOURNISSEUR', 'REFUSER_MOA', 'SUSPENDRE'] }],
  DEPOT_ETAT_ACOMPTE_VALIDE: [{ party: 'fournisseur', actions: ['DEPOSER_ETAT_ACOMPTE_VALIDE'] }],
  TRAITEMENT_SERVICE_FINANCIER: [
    {
      party: 'sf',
      actions: ['SERVICE_FAIT', 'MANDATER', 'METTRE_EN_PAIEMENT', 'SUSPENDRE', 'METTRE_A_RECYCLER', 'REJETER'],
    },
  ],
  COMPLEMENT_FOURNISSEUR: [
    { party: 'fournisseur', actions: ['COMPLETER'] },
    { party: 'sf', actions: ['REJETER'] },
  ],
  CLOS: [],
};

interface Fixture {
  readonly id: string;
  readonly state: State;
  readonly parties: Readonly<Record<PartyKey, string>>;
  version: number;
}

const PARTIES_TITULAIRE = { fournisseur: S.mandataire, valideur1: '', moe: S.moe, moa: S.moa, sf: S.serviceFinancier };
const PARTIES_SOUS_TRAITANT = { ...PARTIES_TITULAIRE, fournisseur: S.sousTraitant, valideur1: S.mandataire };
const PARTIES_SANS_MOE = { ...PARTIES_TITULAIRE, moe: '' };
/** A marché of the demo structures that names no maître d'œuvre (circuit SANS_MOE: A5 → A6). */
const MARCHE_SANS_MOE = '01JZ0MATR1CESANSM0E0000001';
const SANS_MOE_STATES: readonly State[] = ['VALIDATION_MOA_A5', 'DEPOT_ETAT_ACOMPTE_VALIDE'];

function actionAuthorized(p: Persona, d: Fixture, t: ActionType): boolean {
  if (t === 'DELAI_EXPIRE') return false; // the system's, never a user's
  return WHO_ACTS[d.state].some(
    (w) => w.actions.includes(t) && d.parties[w.party] !== '' && canAct(p, d.parties[w.party], spaceOf(t)),
  );
}

// --------------------------------------------------------------------------------------- action bodies

const FAKE_PIECE = () => `PCE-${newId(platform().clock.now())}`;
const PIECE_ACTIONS = new Set<ActionType>([
  'DEPOSER_ETAT_ACOMPTE',
  'DEPOSER_PROJET_DECOMPTE_GENERAL',
  'VALIDER_ETAT_ACOMPTE',
  'DEPOSER_ETAT_ACOMPTE_VALIDE',
  'NOTIFIER_DECOMPTE_GENERAL',
  'SIGNER_DG',
  'SIGNER_DG_AVEC_RESERVES',
  'DEPOSER_PROJET_DG_TACITE',
  'DEPOSER_DGD_TACITE',
]);

/** A well-formed body for every action of the API: a refusal can then only be about who, when or what state. */
function bodyOf(t: ActionType): Record<string, unknown> {
  const piece = PIECE_ACTIONS.has(t) ? { pieceId: FAKE_PIECE() } : {};
  const extra: Partial<Record<ActionType, Record<string, unknown>>> = {
    REFUSER: { motifs: 'Pièce incomplète : attachement manquant.' },
    REFUSER_MOE: { motif: 'MAUVAIS_DESTINATAIRE' },
    REFUSER_MOA: { motif: 'MAUVAIS_DESTINATAIRE' },
    SIGNER_DG_AVEC_RESERVES: { memoireReclamation: 'Travaux supplémentaires non réglés.', sommesAdmises: '100.00' },
    REFUSER_DG: { motifs: 'Désaccord sur le solde.' },
    SUSPENDRE: { documentsManquants: ['Attestation d’assurance'] },
    METTRE_A_RECYCLER: { motif: 'Mauvais destinataire' },
    REJETER: { motif: 'Pièce en double' },
    COMPLETER: { documents: ['Attestation d’assurance'] },
    RECYCLER: { codeService: DEMO.codeService },
  };
  return { type: t, ...piece, ...extra[t] };
}

const API_ACTIONS = ACTION_TYPES.filter((t) => t !== 'DEPOSER'); // the first deposit goes through the pieces

/**
 * The action types sent in a state, by every persona: those someone may take there (so that the one who may is
 * told apart from the others), DELAI_EXPIRE (the system's), and the types nobody may take there spread over the
 * states, so that every type is sent by every persona in at least one state where it is out of place. (Every type in
 * every state would be ~2 000 requests, a few minutes on two cores, for refusals the state alone already decides.)
 */
function actionsTriedIn(state: State): ActionType[] {
  const own = new Set(WHO_ACTS[state].flatMap((w) => w.actions));
  const foreign = API_ACTIONS.filter((t, i) => !own.has(t) && i % STATES.length === STATES.indexOf(state));
  return [...new Set<ActionType>([...own, 'DELAI_EXPIRE', ...foreign])];
}

// ------------------------------------------------------------------------------------------- fixtures

let service: DossierService;
const montants = { htCents: 10_000_000, tvaCents: 2_000_000, ttcCents: 12_000_000 };
let seq = 0;
const num = (prefix: string) => `${prefix}-${Date.now() % 100_000}-${++seq}`;

async function act(d: Fixture, actor: { siret: string; roles: string[] } | 'SYSTEM', action: Action): Promise<void> {
  const r = await service.act({
    dossierId: d.id,
    actor: actor as never,
    action,
    ...(actor === 'SYSTEM' ? {} : { expectedVersion: d.version }),
  });
  d.version = r.version;
}

/** A dossier brought to `state` through the rule book (DossierService), as the circuit would. */
async function dossierIn(state: State): Promise<Fixture> {
  const now = () => platform().clock.now();
  const sousTraitant = state === 'VALIDATION_1';
  if (SANS_MOE_STATES.includes(state)) return sansMoeIn(state);
  const d: Fixture = {
    id: `DOS-${newId(now())}`,
    state,
    parties: sousTraitant ? PARTIES_SOUS_TRAITANT : PARTIES_TITULAIRE,
    version: 0,
  };
  const piece = (cadre: string) => ({ id: `PCE-${newId(now())}`, numero: num(cadre), cadre, montants });
  const r = await service.act({
    marcheId: DEMO.marcheId,
    actor: sousTraitant
      ? { siret: S.sousTraitant, roles: ['SOUS_TRAITANT'] }
      : { siret: S.mandataire, roles: ['MANDATAIRE'] },
    action: { type: 'DEPOSER', dossierId: d.id, piece: piece(sousTraitant ? 'A9' : 'A4') },
  });
  d.version = r.version;
  if (state === 'VALIDATION_1' || state === 'EXAMEN_MOE' || state === 'MOE_HORS_DELAI') return d;
  if (state === 'CLOS') {
    await act(d, { siret: S.moe, roles: ['MOE'] }, { type: 'REFUSER_MOE', motif: 'MAUVAIS_MARCHE' });
    return d;
  }
  await act(d, { siret: S.moe, roles: ['MOE'] }, { type: 'DEPOSER_ETAT_ACOMPTE', piece: piece('A15') });
  if (state === 'VALIDATION_MOA') return d;
  await act(d, { siret: S.moa, roles: ['MOA'] }, { type: 'VALIDER_ETAT_ACOMPTE', piece: piece('A19') });
  if (state === 'TRAITEMENT_SERVICE_FINANCIER') return d;
  await act(
    d,
    { siret: S.serviceFinancier, roles: ['SERVICE_FINANCIER'] },
    {
      type: 'SUSPENDRE',
      documentsManquants: ['Attestation d’assurance'],
    },
  );
  return d;
}

/** A dossier of the marché without a MOE: the titulaire's A5 with the MOA, or validated and awaiting the A6. */
async function sansMoeIn(state: State): Promise<Fixture> {
  const d: Fixture = { id: `DOS-${newId(platform().clock.now())}`, state, parties: PARTIES_SANS_MOE, version: 0 };
  const r = await service.act({
    marcheId: MARCHE_SANS_MOE,
    actor: { siret: S.mandataire, roles: ['TITULAIRE'] },
    action: {
      type: 'DEPOSER',
      dossierId: d.id,
      piece: { id: `PCE-${newId(platform().clock.now())}`, numero: num('A5'), cadre: 'A5', montants },
    },
  });
  d.version = r.version;
  if (state === 'DEPOT_ETAT_ACOMPTE_VALIDE') {
    await act(d, { siret: S.moa, roles: ['MOA'] }, { type: 'VALIDER_ETAT_ACOMPTE_FOURNISSEUR' });
  }
  return d;
}

const STATES: readonly State[] = [
  'VALIDATION_1',
  'EXAMEN_MOE',
  'MOE_HORS_DELAI',
  'VALIDATION_MOA',
  'VALIDATION_MOA_A5',
  'DEPOT_ETAT_ACOMPTE_VALIDE',
  'TRAITEMENT_SERVICE_FINANCIER',
  'COMPLEMENT_FOURNISSEUR',
  'CLOS',
];
const shared = new Map<State, Fixture>();
/** Fresh dossiers for the authorized requests that change them, by `persona state action`. */
const fresh = new Map<string, Fixture>();

// ---------------------------------------------------------------------------------------------- helpers

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        await work(item);
      }
    }),
  );
}

async function signInAll(): Promise<void> {
  for (const p of PEOPLE) p.token = await login(platform(), p.login);
}

/** Registers a persona made for the matrix and attaches it as the oracle says (request, GP decides, subscribes). */
async function attach(p: Persona, gpLogin: string): Promise<void> {
  const pl = platform();
  const a = p.attachments[0]!;
  const gpToken = await login(pl, gpLogin);
  const espaces = Object.entries(a.spaces).map(([espace, mode]) => ({ espace, mode }));
  const asked = await call(pl, 'POST', '/v1/structures/{siret}/rattachements', {
    token: p.token,
    params: { siret: a.siret },
    body: { espaces },
  });
  expect(asked.status).toBe(201);
  const decided = await call(pl, 'POST', '/v1/structures/{siret}/rattachements/{userId}/decision', {
    token: gpToken,
    params: { siret: a.siret, userId: p.userId },
    body: { decision: 'ACCEPTER' },
  });
  expect(decided.status).toBe(200);
}

interface Outcome {
  readonly what: string;
  readonly status: number;
  readonly code?: string;
}
const ok2xx = (r: Reply) => r.status >= 200 && r.status < 300;

// ------------------------------------------------------------------------------------------------ setup

/** Pending requests, one per structure, for the decision endpoint. */
const candidates = new Map<string, { userId: string }>();

beforeAll(async () => {
  const p = platform();
  await seed(p);
  const ctx = contextWith({
    dynamo: p.clients.document,
    tableName: p.tableName,
    clock: p.clock,
    workflow: noWorkflow,
  });
  await ctx.marches.createMarche(
    {
      userId: DEMO.users.moa.id,
      marche: {
        ...demoMarche(),
        id: MARCHE_SANS_MOE,
        numeroMarche: '2025-DEMO-SANS-MOE',
        acteurs: (demoMarche().acteurs as { role: string }[])
          .filter((a) => ['MOA', 'MANDATAIRE', 'SERVICE_FINANCIER'].includes(a.role))
          .map((a) => (a.role === 'MANDATAIRE' ? { ...a, role: 'TITULAIRE' } : a)),
        groupement: { mode: 'NONE' },
        receptionDemandesPaiement: 'MOA',
      },
    },
    p.clock.now(),
  );
  service = ctx.dossiers;

  // The MOE-late dossiers first: the clock moves past the MOE's delay (7 days, at most 15), then the system acts
  const lateNeeded = PEOPLE.flatMap((x) =>
    API_ACTIONS.filter((t) => !PIECE_ACTIONS.has(t))
      .filter((t) =>
        actionAuthorized(x, { id: '', state: 'MOE_HORS_DELAI', parties: PARTIES_TITULAIRE, version: 0 }, t),
      )
      .map((t) => `${x.key} MOE_HORS_DELAI ${t}`),
  );
  const late = [
    await dossierIn('MOE_HORS_DELAI'),
    ...(await Promise.all(lateNeeded.map(() => dossierIn('MOE_HORS_DELAI')))),
  ];
  await p.advanceClock({ days: 16 });
  for (const d of late) await act(d, 'SYSTEM', { type: 'DELAI_EXPIRE', step: 'EXAMEN_MOE' });
  shared.set('MOE_HORS_DELAI', late[0]!);
  for (const [i, k] of lateNeeded.entries()) fresh.set(k, late[i + 1]!);
  for (const state of STATES) if (!shared.has(state)) shared.set(state, await dossierIn(state));

  // Personas made here: registered, then attached as the oracle says
  for (const x of PEOPLE.filter((x) => !Object.values(DEMO.users).some((u) => u.login === x.login))) {
    const made = await newUser(p, x.key);
    x.userId = made.userId;
    x.token = made.token;
    x.login = made.login;
  }
  await attach(person('consultationMoe'), DEMO.users.moe.login);
  await attach(person('titulaireTravauxSeul'), DEMO.users.mandataire.login);
  await attach(person('titulaireConsultation'), DEMO.users.mandataire.login);
  outsiderSiret = freshSiret();
  const outsider = person('horsMarche');
  const createdOutsider = await call(p, 'POST', '/v1/structures', {
    token: outsider.token,
    body: {
      siret: outsiderSiret,
      raisonSociale: 'Entreprise hors marché',
      type: 'PRIVE',
      espaces: ['FACTURES_TRAVAUX', 'FACTURES_A_VALIDER'],
    },
  });
  expect(createdOutsider.status).toBe(201);
  outsider.attachments = [gp(outsiderSiret, BOTH_MOD)];
  for (const x of PEOPLE) {
    if (Object.values(DEMO.users).some((u) => u.login === x.login)) {
      x.userId = Object.values(DEMO.users).find((u) => u.login === x.login)!.id;
    }
  }
  for (const siret of viewStructures()) {
    const c = await newUser(p, 'candidat');
    const asked = await call(p, 'POST', '/v1/structures/{siret}/rattachements', { token: c.token, params: { siret } });
    expect(asked.status).toBe(201);
    candidates.set(siret, { userId: c.userId });
  }
  await signInAll();
}, 180_000);

// ------------------------------------------------------------------------------------------------- tests

/** A dossier suspended by the service financier over HTTP, its pieces with their files (A4 → A15 → A19). */
async function suspendedOverHttp(): Promise<string> {
  const p = platform();
  const as = (key: string) => new Session(p.url, person(key).login, person(key).token);
  const settle = () => p.settle();
  const montantsTexte = { ht: '100000.00', tva: '20000.00', ttc: '120000.00' };
  const opened = await draftWithMainFile(
    as('titulaire'),
    `/v1/marches/${DEMO.marcheId}/pieces`,
    { cadre: 'A4', numero: num('MAT-SUSP'), montants: montantsTexte },
    settle,
  );
  const path = (x: string) => `/v1/dossiers/${opened.dossierId}${x}`;
  let r = await as('titulaire').post(path(`/pieces/${opened.pieceId}/envoyer`), {});
  for (const [key, cadre, type] of [
    ['moe', 'A15', 'DEPOSER_ETAT_ACOMPTE'],
    ['moa', 'A19', 'VALIDER_ETAT_ACOMPTE'],
  ] as const) {
    await settle();
    const next = await draftWithMainFile(
      as(key),
      path('/pieces'),
      { cadre, numero: num(`MAT-${cadre}`), montants: montantsTexte },
      settle,
    );
    r = await as(key).post(path(`/pieces/${next.pieceId}/envoyer`), { type }, { ifMatch: r.version });
  }
  await settle();
  r = await as('financier').post(
    path('/actions'),
    { type: 'SUSPENDRE', documentsManquants: ['Attestation'] },
    {
      ifMatch: r.version,
    },
  );
  if (r.status !== 200) throw new Error(`suspension : ${r.status} ${JSON.stringify(r.body)}`);
  await settle();
  return opened.dossierId;
}

describe('authorization matrix (docs/rules/actors.md, docs/rules/structures.md, docs/rules/circuits.md)', () => {
  it('refuses every dossier action the rules do not allow, in every state, to every persona', {
    // ~2 400 requests; two more states (the marché without a MOE) made it brush 120 s on a loaded machine
    timeout: 300_000,
  }, async () => {
    const p = platform();
    const unauthorizedSuccesses: Outcome[] = [];
    const authorized: { persona: Persona; state: State; type: ActionType }[] = [];
    const cases = STATES.flatMap((state) =>
      PEOPLE.flatMap((persona) => actionsTriedIn(state).map((type) => ({ persona, state, type }))),
    );
    await pool(cases, 4, async ({ persona, state, type }) => {
      const d = shared.get(state)!;
      if (actionAuthorized(persona, d, type)) {
        authorized.push({ persona, state, type });
        return;
      }
      const r = await call(p, 'POST', '/v1/dossiers/{dossierId}/actions', {
        token: persona.token,
        params: { dossierId: d.id },
        ifMatch: d.version,
        body: bodyOf(type),
      });
      if (ok2xx(r)) unauthorizedSuccesses.push({ what: `${persona.key} ${state} ${type}`, status: r.status });
    });
    expect(unauthorizedSuccesses).toEqual([]);
    // The matrix has teeth: the oracle authorizes someone in every open state
    expect(new Set(authorized.map((a) => a.state))).toEqual(new Set(STATES.filter((s) => s !== 'CLOS')));

    // Each authorized request, on its own dossier: never refused for authorization; succeeds unless it needs a draft
    const wrong: Outcome[] = [];
    for (const { persona, state, type } of authorized) {
      const key = `${persona.key} ${state} ${type}`;
      const d = PIECE_ACTIONS.has(type) ? shared.get(state)! : (fresh.get(key) ?? (await dossierIn(state)));
      const r = await call(p, 'POST', '/v1/dossiers/{dossierId}/actions', {
        token: persona.token,
        params: { dossierId: d.id },
        ifMatch: d.version,
        body: bodyOf(type),
      });
      const expected = PIECE_ACTIONS.has(type) ? r.status !== 401 && r.status !== 403 && !ok2xx(r) : r.status === 200;
      if (!expected) wrong.push({ what: key, status: r.status, code: r.body?.code });
    }
    expect(wrong).toEqual([]);
  });

  it('lets every actor of the marché read its dossiers, and nobody else; offers each only the actions it may take', async () => {
    const p = platform();
    const wrong: Outcome[] = [];
    await pool(
      STATES.flatMap((state) => PEOPLE.map((persona) => ({ persona, state }))),
      6,
      async ({ persona, state }) => {
        const r = await call(p, 'GET', '/v1/dossiers/{dossierId}', {
          token: persona.token,
          params: { dossierId: shared.get(state)!.id },
        });
        const allowed = readsMarche(persona, state);
        // an outsider to the marché gets the 404 of a missing dossier (no existence leak); an insider the 403
        const refusal = isOutsider(persona, state) ? 404 : 403;
        if (allowed ? r.status !== 200 : ok2xx(r) || r.status !== refusal) {
          wrong.push({ what: `${persona.key} lit ${state}`, status: r.status, code: r.body?.code });
        }
        // The actions offered to a reader are actions it may take (a CONSULTATION member is offered none)
        for (const a of r.status === 200 ? (r.body.mesActions as { type: ActionType }[]) : []) {
          if (!actionAuthorized(persona, shared.get(state)!, a.type)) {
            wrong.push({ what: `${persona.key} se voit proposer ${a.type} en ${state}`, status: r.status });
          }
        }
      },
    );
    expect(wrong).toEqual([]);
  });

  it('answers an outsider about an existing dossier exactly as about a missing one (no existence leak)', async () => {
    const p = platform();
    const outsider = person('horsMarche');
    const existing = shared.get('EXAMEN_MOE')!;
    const missing = `DOS-${newId(p.clock.now())}`;
    const probes: { method: 'GET' | 'POST'; path: string; body?: unknown }[] = [
      { method: 'GET', path: '/v1/dossiers/{dossierId}' },
      { method: 'GET', path: '/v1/dossiers/{dossierId}/delai' },
      { method: 'GET', path: '/v1/dossiers/{dossierId}/historique' },
      { method: 'GET', path: '/v1/dossiers/{dossierId}/dossier-de-preuve' },
      { method: 'POST', path: '/v1/dossiers/{dossierId}/actions', body: bodyOf('REFUSER_MOE') },
      { method: 'POST', path: '/v1/dossiers/{dossierId}/pieces', body: { cadre: 'A15', numero: 'FUITE-1' } },
    ];
    const shape = (r: Reply, id: string) => ({
      status: r.status,
      code: r.body?.code,
      detail: String(r.body?.detail).replaceAll(id, '<id>'),
    });
    for (const probe of probes) {
      const ask = (id: string) =>
        call(p, probe.method, probe.path, {
          token: outsider.token,
          params: { dossierId: id },
          ifMatch: existing.version,
          ...(probe.body ? { body: probe.body, idempotencyKey: randomUUID() } : {}),
        });
      const [a, b] = [shape(await ask(existing.id), existing.id), shape(await ask(missing), missing)];
      expect(a, `${probe.method} ${probe.path}`).toEqual(b);
      expect(a.status, `${probe.method} ${probe.path}`).toBe(404);
      expect(a.detail).not.toContain(DEMO.numeroMarche);
    }
  });

  it('lets only the depositor roles in MODIFICATION open a dossier (first piece’s draft)', async () => {
    const p = platform();
    const wrong: Outcome[] = [];
    // docs/rules/cadres.md: A4 titulaire / mandataire, A9 sous-traitant, A12 cotraitant
    const depositor: Record<string, string> = { A4: S.mandataire, A9: S.sousTraitant, A12: S.cotraitant };
    for (const [cadre, siret] of Object.entries(depositor)) {
      for (const persona of PEOPLE) {
        const r = await call(p, 'POST', '/v1/marches/{marcheId}/pieces', {
          token: persona.token,
          params: { marcheId: DEMO.marcheId },
          body: { cadre, numero: num(`${cadre}-${persona.key}`) },
        });
        const allowed = canAct(persona, siret, 'FACTURES_TRAVAUX');
        if (allowed ? r.status !== 201 : ok2xx(r)) {
          wrong.push({ what: `${persona.key} brouillon ${cadre}`, status: r.status, code: r.body?.code });
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps each structure’s views, management and technical account to its members, managers and GP', {
    timeout: 60_000,
  }, async () => {
    const p = platform();
    const wrong: Outcome[] = [];
    const structures = viewStructures();
    type Case = { what: string; allowed: (x: Persona) => boolean; run: (x: Persona) => Promise<Reply>; expect: number };
    const cases: Case[] = structures.flatMap((siret) => [
      ...(['synthese', 'tableau-de-bord', 'delais', 'marches'] as const).map((view) => ({
        what: `${view} ${siret}`,
        allowed: (x: Persona) => approved(x, siret) !== undefined,
        run: (x: Persona) => call(p, 'GET', `/v1/structures/{siret}/${view}`, { token: x.token, params: { siret } }),
        expect: 200,
      })),
      {
        what: `membres ${siret}`,
        allowed: (x: Persona) => isManager(x, siret),
        run: (x: Persona) => call(p, 'GET', '/v1/structures/{siret}/membres', { token: x.token, params: { siret } }),
        expect: 200,
      },
      {
        what: `service ${siret}`,
        allowed: (x: Persona) => isManager(x, siret),
        run: (x: Persona) =>
          call(p, 'POST', '/v1/structures/{siret}/services', {
            token: x.token,
            params: { siret },
            body: { code: num('SRV'), libelle: 'Service ajouté par la matrice' },
          }),
        expect: 201,
      },
      {
        what: `espace ${siret}`,
        allowed: (x: Persona) => isManager(x, siret),
        run: (x: Persona) =>
          call(p, 'POST', '/v1/structures/{siret}/espaces', {
            token: x.token,
            params: { siret },
            body: { espace: 'FACTURES_TRAVAUX' },
          }),
        expect: 200,
      },
      {
        what: `mot de passe technique ${siret}`,
        allowed: (x: Persona) => isGp(x, siret),
        run: (x: Persona) =>
          call(p, 'POST', '/v1/structures/{siret}/compte-technique/mot-de-passe', {
            token: x.token,
            params: { siret },
            body: { motDePasse: 'Matrice-Autorisations-1' },
          }),
        expect: 200,
      },
      {
        what: `client technique ${siret}`,
        allowed: (x: Persona) => isGp(x, siret),
        run: (x: Persona) =>
          call(p, 'POST', '/v1/structures/{siret}/compte-technique/client', { token: x.token, params: { siret } }),
        expect: 200,
      },
    ]);
    // docs/rules/structures.md#managers: an account is deactivated by the person itself or by the platform's
    // operators (the administration); no persona is an operator, and no manager deactivates its members' accounts
    const victim = await newUser(p, 'a-desactiver');
    cases.push({
      what: 'désactive un autre compte',
      allowed: () => false,
      run: (x: Persona) =>
        call(p, 'POST', '/v1/utilisateurs/{userId}/desactivation', {
          token: x.token,
          params: { userId: victim.userId },
        }),
      expect: 200,
    });
    await pool(
      cases.flatMap((c) => PEOPLE.map((x) => ({ c, x }))),
      4,
      async ({ c, x }) => {
        const r = await c.run(x);
        if (c.allowed(x) ? r.status !== c.expect : ok2xx(r)) {
          wrong.push({ what: `${x.key} ${c.what}`, status: r.status, code: r.body?.code });
        }
      },
    );
    expect(wrong).toEqual([]);
  });

  it('keeps drafts to their structure (list: members; edit, remove a file, delete: depositors in MODIFICATION); certificates to readers', {
    timeout: 120_000,
  }, async () => {
    const p = platform();
    const wrong: Outcome[] = [];
    // docs/rules/documents.md#drafts-and-sending: a draft is its depositor structure's until sent
    await pool(
      viewStructures().flatMap((siret) => PEOPLE.map((x) => ({ siret, x }))),
      4,
      async ({ siret, x }) => {
        const r = await call(p, 'GET', '/v1/structures/{siret}/brouillons', { token: x.token, params: { siret } });
        if (approved(x, siret) !== undefined ? r.status !== 200 : ok2xx(r)) {
          wrong.push({ what: `${x.key} brouillons ${siret}`, status: r.status, code: r.body?.code });
        }
      },
    );
    const st = person('sousTraitant');
    const session = new Session(p.url, st.login, st.token);
    const draft = await draftWithMainFile(
      session,
      `/v1/marches/${DEMO.marcheId}/pieces`,
      { cadre: 'A9', numero: num('MAT-BR') },
      () => p.settle(),
    );
    const params = { dossierId: draft.dossierId, pieceId: draft.pieceId };
    let version = 1;
    const mayEdit = (x: Persona) => canAct(x, S.sousTraitant, 'FACTURES_TRAVAUX');
    for (const pass of ['refused', 'allowed'] as const) {
      for (const x of PEOPLE.filter((y) => (pass === 'allowed') === mayEdit(y))) {
        const r = await call(p, 'PATCH', '/v1/dossiers/{dossierId}/pieces/{pieceId}', {
          token: x.token,
          params,
          ifMatch: version,
          idempotencyKey: randomUUID(),
          body: { datePiece: '2025-04-14' },
        });
        if (mayEdit(x) ? r.status !== 200 : ok2xx(r)) wrong.push({ what: `${x.key} modifie`, status: r.status });
        if (ok2xx(r)) version++;
      }
    }
    // Removing one of its files: the same depositors (a removal leaves the draft's version as it is)
    for (const pass of ['refused', 'allowed'] as const) {
      for (const x of PEOPLE.filter((y) => (pass === 'allowed') === mayEdit(y))) {
        const r = await call(p, 'DELETE', '/v1/dossiers/{dossierId}/pieces/{pieceId}/fichiers/{fichierId}', {
          token: x.token,
          params: { ...params, fichierId: draft.draft.fichiers[0].id },
          ifMatch: version,
          idempotencyKey: randomUUID(),
        });
        if (mayEdit(x) ? r.status !== 204 : ok2xx(r)) wrong.push({ what: `${x.key} retire`, status: r.status });
        if (ok2xx(r)) break;
      }
    }
    for (const pass of ['refused', 'allowed'] as const) {
      for (const x of PEOPLE.filter((y) => (pass === 'allowed') === mayEdit(y))) {
        const r = await call(p, 'DELETE', '/v1/dossiers/{dossierId}/pieces/{pieceId}', {
          token: x.token,
          params,
          ifMatch: version,
          idempotencyKey: randomUUID(),
        });
        if (mayEdit(x) ? r.status !== 204 : ok2xx(r)) wrong.push({ what: `${x.key} supprime`, status: r.status });
        if (ok2xx(r)) break;
      }
    }
    // The deposit certificate of a sent piece: every reader of the marché, nobody else
    const sent = await draftWithMainFile(
      session,
      `/v1/marches/${DEMO.marcheId}/pieces`,
      { cadre: 'A9', numero: num('MAT-CERT') },
      () => p.settle(),
    );
    expect((await session.post(`/v1/dossiers/${sent.dossierId}/pieces/${sent.pieceId}/envoyer`, {})).status).toBe(201);
    await pool(PEOPLE, 4, async (x) => {
      const r = await call(p, 'GET', '/v1/dossiers/{dossierId}/pieces/{pieceId}/certificat', {
        token: x.token,
        params: { dossierId: sent.dossierId, pieceId: sent.pieceId },
      });
      if (readsMarche(x) ? r.status !== 200 : ok2xx(r)) wrong.push({ what: `${x.key} certificat`, status: r.status });
    });
    expect(wrong).toEqual([]);
  });

  it('takes documents on a suspended piece from its fournisseur in MODIFICATION only; a refusal reserves nothing', {
    timeout: 120_000,
  }, async () => {
    const p = platform();
    // docs/rules/documents.md: while the dossier waits for them, the fournisseur (here the mandataire) adds them
    const d = await suspendedOverHttp();
    const titulaire = person('titulaire');
    const readPiece = async () => {
      const dossier = await call(p, 'GET', '/v1/dossiers/{dossierId}', {
        token: titulaire.token,
        params: { dossierId: d },
      });
      const pieceId = dossier.body.pieces.at(-1).id as string;
      const piece = await call(p, 'GET', '/v1/dossiers/{dossierId}/pieces/{pieceId}', {
        token: titulaire.token,
        params: { dossierId: d, pieceId },
      });
      return { pieceId, fichiers: piece.body.fichiers.length as number, reserves: piece.body.octetsReserves as number };
    };
    const before = await readPiece();
    const pdf = await textPdf(['Attestation d’assurance']);
    const form = {
      nom: 'assurance.pdf',
      taille: pdf.length,
      type: 'application/pdf',
      role: 'ANNEXE',
      sha256: sha256Hex(pdf),
    };
    const mayAdd = (x: Persona) => canAct(x, S.mandataire, 'FACTURES_TRAVAUX');
    const wrong: Outcome[] = [];
    const send = async (x: Persona) => {
      const r = await call(p, 'POST', '/v1/dossiers/{dossierId}/pieces/{pieceId}/fichiers', {
        token: x.token,
        params: { dossierId: d, pieceId: before.pieceId },
        // One name per persona: a second form for the same name and bytes would be a retry, replacing the first
        body: { ...form, nom: `assurance-${x.key}.pdf` },
      });
      if (mayAdd(x) ? r.status !== 201 : ok2xx(r)) wrong.push({ what: `${x.key} complément`, status: r.status });
    };
    for (const x of PEOPLE.filter((y) => !mayAdd(y))) await send(x);
    // Nothing written by the refusals: no file, no room taken
    expect(await readPiece()).toEqual(before);
    const allowed = PEOPLE.filter(mayAdd);
    expect(allowed.map((x) => x.key)).toEqual(['titulaire', 'titulaireTravauxSeul']);
    for (const x of allowed) await send(x);
    expect(wrong).toEqual([]);
    // Two forms taken: two more files, each holding its declared size
    const after = await readPiece();
    expect(after.fichiers).toBe(before.fichiers + 2);
    expect(after.reserves).toBe(before.reserves + 2 * pdf.length);
  });

  it('lets only a gestionnaire of the structure decide on a pending attachment', async () => {
    const p = platform();
    const wrong: Outcome[] = [];
    const structures = viewStructures();
    // Refusals first (they change nothing), then the one authorized decision per structure
    for (const pass of ['refused', 'allowed'] as const) {
      for (const siret of structures) {
        for (const x of PEOPLE) {
          const allowed = isManager(x, siret);
          if ((pass === 'allowed') !== allowed) continue;
          const r = await call(p, 'POST', '/v1/structures/{siret}/rattachements/{userId}/decision', {
            token: x.token,
            params: { siret, userId: candidates.get(siret)!.userId },
            body: { decision: 'ACCEPTER' },
          });
          if (allowed ? r.status !== 200 : ok2xx(r)) wrong.push({ what: `${x.key} décide ${siret}`, status: r.status });
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lets only a gestionnaire of the structure change its card and services', async () => {
    const p = platform();
    const wrong: Outcome[] = [];
    // One at a time: each write moves the structure's version, which the next request reads again (If-Match)
    for (const siret of viewStructures()) {
      for (const x of PEOPLE) {
        const allowed = isManager(x, siret);
        const current = await call(p, 'GET', '/v1/structures/{siret}', {
          token: person('moa').token,
          params: { siret },
        });
        const card = await call(p, 'PATCH', '/v1/structures/{siret}', {
          token: x.token,
          params: { siret },
          ifMatch: current.body.version,
          body: { raisonSociale: current.body.raisonSociale },
        });
        if (allowed ? card.status !== 200 : ok2xx(card))
          wrong.push({ what: `${x.key} fiche ${siret}`, status: card.status });
        const code = current.body.services[0]?.code;
        if (code === undefined) continue;
        const svc = await call(p, 'PATCH', '/v1/structures/{siret}/services/{code}', {
          token: x.token,
          params: { siret, code },
          body: { active: true },
        });
        if (allowed ? svc.status !== 200 : ok2xx(svc))
          wrong.push({ what: `${x.key} service ${siret}`, status: svc.status });
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lets only the MOA in MODIFICATION amend the marché; every actor read it', async () => {
    const p = platform();
    const wrong: Outcome[] = [];
    const current = await call(p, 'GET', '/v1/marches/{marcheId}', {
      token: person('moa').token,
      params: { marcheId: DEMO.marcheId },
    });
    const { id: _id, version, creeLe: _c, creePar: _b, modifieLe: _m, ...fiche } = current.body;
    for (const pass of ['refused', 'allowed'] as const) {
      for (const x of PEOPLE) {
        const allowed = canAct(x, S.moa, 'FACTURES_TRAVAUX');
        if ((pass === 'allowed') !== allowed) continue;
        const r = await call(p, 'PUT', '/v1/marches/{marcheId}', {
          token: x.token,
          params: { marcheId: DEMO.marcheId },
          ifMatch: version,
          body: fiche,
        });
        if (allowed ? r.status !== 200 : ok2xx(r)) wrong.push({ what: `${x.key} avenant`, status: r.status });
        const read = await call(p, 'GET', '/v1/marches/{marcheId}', {
          token: x.token,
          params: { marcheId: DEMO.marcheId },
        });
        if (readsMarche(x) ? read.status !== 200 : ok2xx(read))
          wrong.push({ what: `${x.key} lit le marché`, status: read.status });
      }
    }
    expect(wrong).toEqual([]);
  });
});
