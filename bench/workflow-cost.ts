/**
 * What a dossier costs on AWS, per path of docs/rules/circuits.md: Step Functions state transitions (counted from the local
 * runner's history of the real definition), Lambda task invocations, and DynamoDB capacity units (as DynamoDB Local
 * reports them with ReturnConsumedCapacity=INDEXES: 1 unit per KB written, index writes included; reads: strongly
 * consistent 4 KB units), except transactions: DynamoDB Local reports one of their items only, so their units are
 * estimated from the items' sizes before and after (transaction-capacity.ts: 2 units per KB, each item and index entry). Split between the API side (DossierService.decide, what the
 * people's calls write) and the workflow side (the state machine's tasks).
 *
 *   npx tsx bench/workflow-cost.ts
 *   WORKFLOW_COST_DETAIL=1,5 npx tsx bench/workflow-cost.ts   (paths 1 and 5 detailed: write units by item kind, by step)
 *
 * Prices assumed (AWS public list prices, us-east-1, on-demand, no free tier; check your region before using them):
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { WORKFLOW_LAMBDAS } from '../functions/workflow/lambdas';
import * as workflowTasks from '../functions/workflow/tasks';
import { type Platform, startPlatform } from '../infra/local/platform';
import type { LocalLambdaHandler } from '../infra/local/types';
import { executionArn } from '../shared/adapters/workflow';
import type { Action } from '../shared/domain/circuits';
import { DEMO, type DemoUserKey, seedDemo } from '../shared/seed/demo';
import { contextOverrides, overrideContext, serviceContext } from '../shared/services/context';
import type { DossierService } from '../shared/services/dossier-service';
import { type Consumption, meteredDocumentClient } from './metered-dynamo';
import { type WriteFloor, WriteLedger } from './write-breakdown';

const PRICES = {
  /** Step Functions Standard: $0.025 per 1,000 state transitions. */
  sfnPerTransition: 0.025 / 1000,
  /** DynamoDB on-demand: $0.625 per million write request units, $0.125 per million read request units. */
  ddbPerWru: 0.625 / 1e6,
  ddbPerRru: 0.125 / 1e6,
  /** Lambda: $0.20 per million requests + arm64 $0.0000133334 per GB-second. */
  lambdaPerRequest: 0.2 / 1e6,
  lambdaPerGbSecond: 0.0000133334,
} as const;
/** Targets of the issue « Performance », for the monthly happy path (the first path). */
const TARGET = { transitions: 18, wcu: 120 } as const;
/** Assumed per task invocation (the local runner's timings say nothing of AWS): 512 MB for 100 ms. */
const LAMBDA_GB_SECONDS_PER_INVOCATION = 0.5 * 0.1;

type Source = 'api' | 'workflow';
/** Who is writing: an actor's decision (api) or a task of the state machine (workflow, with its function's key). */
const source = new AsyncLocalStorage<{ readonly source: Source; readonly task?: string }>();

interface Units {
  wcu: number;
  wcuIndexes: number;
  rcu: number;
  writes: number;
}
const zero = (): Units => ({ wcu: 0, wcuIndexes: 0, rcu: 0, writes: 0 });
let meter: Record<Source, Units> = { api: zero(), workflow: zero() };
/** The step of the path being run (its action), for the detail by step. */
let currentStep = '';
const ledger = new WriteLedger();

function record(c: Consumption): void {
  const who = source.getStore() ?? { source: 'api' };
  const m = meter[who.source];
  if (c.kind === 'read') {
    m.rcu += c.units;
    return;
  }
  m.writes += 1;
  for (const i of c.items) {
    m.wcu += i.table + i.indexes;
    m.wcuIndexes += i.indexes;
  }
  ledger.add(`${currentStep} → ${who.task ?? 'décision'}`, c.items);
}

// --- the paths -----------------------------------------------------------------------------------------------------

type Step = { day: number; who?: DemoUserKey; action?: (id: string) => Action };
interface Path {
  readonly name: string;
  readonly steps: Step[];
}

const m = (ht: number) => ({ htCents: ht, tvaCents: ht / 5, ttcCents: ht + ht / 5 });
const p = (id: string, s: string, ht?: number) => ({
  id: `${id}-${s}`,
  numero: `${id}-${s}`,
  ...(ht ? { montants: m(ht) } : {}),
});
const open = (cadre: string) => (id: string) =>
  ({ type: 'DEPOSER', dossierId: id, piece: { ...p(id, cadre, 10_000_000), cadre } }) as Action;
/** The réception date is added when the step runs (10 days before the deposit). */
const openSolde = (id: string) =>
  ({ type: 'DEPOSER', dossierId: id, piece: { ...p(id, 'A7', 50_000_000), cadre: 'A7' } }) as Action;
const a15 =
  (ht = 10_000_000) =>
  (id: string) =>
    ({ type: 'DEPOSER_ETAT_ACOMPTE', piece: p(id, 'A15', ht) }) as Action;
const a19 = (id: string) => ({ type: 'VALIDER_ETAT_ACOMPTE', piece: p(id, 'A19', 10_000_000) }) as Action;
const act =
  (type: string, extra: Record<string, unknown> = {}) =>
  () =>
    ({ type, ...extra }) as Action;
const sf = (day: number): Step => ({ day, who: 'serviceFinancier', action: act('METTRE_EN_PAIEMENT') });

const PATHS: Path[] = [
  {
    name: 'acompte : acceptation, service fait → mandatée → payée',
    steps: [
      { day: 0, who: 'mandataire', action: open('A4') },
      { day: 3, who: 'moe', action: a15() },
      { day: 8, who: 'moa', action: a19 },
      { day: 10, who: 'serviceFinancier', action: act('SERVICE_FAIT') },
      { day: 14, who: 'serviceFinancier', action: act('MANDATER') },
      sf(17),
    ],
  },
  {
    name: 'acompte : correction par le MOE → payée',
    steps: [
      { day: 0, who: 'mandataire', action: open('A4') },
      { day: 4, who: 'moe', action: a15(9_000_000) },
      { day: 8, who: 'moa', action: a19 },
      sf(11),
    ],
  },
  {
    name: 'acompte : refus du MOE',
    steps: [
      { day: 0, who: 'mandataire', action: open('A4') },
      { day: 1, who: 'moe', action: act('REFUSER_MOE', { motif: 'MAUVAIS_DESTINATAIRE' }) },
    ],
  },
  {
    name: 'acompte : silence du MOE → saisine du MOA → payée',
    steps: [
      { day: 0, who: 'mandataire', action: open('A4') },
      { day: 8 },
      { day: 9, who: 'mandataire', action: act('SAISIR_MOA_DIRECTEMENT') },
      { day: 11, who: 'moa', action: a19 },
      sf(14),
    ],
  },
  {
    name: 'acompte : suspension → complément → payée',
    steps: [
      { day: 0, who: 'mandataire', action: open('A4') },
      { day: 2, who: 'moe', action: a15() },
      { day: 4, who: 'moa', action: a19 },
      { day: 7, who: 'serviceFinancier', action: act('SUSPENDRE', { documentsManquants: ['Attestation URSSAF'] }) },
      { day: 17, who: 'mandataire', action: act('COMPLETER', { documents: ['Attestation URSSAF'] }) },
      { day: 18, who: 'serviceFinancier', action: act('SERVICE_FAIT') },
      { day: 21, who: 'serviceFinancier', action: act('MANDATER') },
      sf(24),
    ],
  },
  {
    name: 'acompte : recyclage → payée',
    steps: [
      { day: 0, who: 'mandataire', action: open('A4') },
      { day: 1, who: 'moe', action: a15() },
      { day: 2, who: 'moa', action: a19 },
      { day: 3, who: 'serviceFinancier', action: act('METTRE_A_RECYCLER', { motif: 'Engagement erroné' }) },
      { day: 4, who: 'moa', action: act('RECYCLER', { engagementJuridique: 'EJ-BENCH-1' }) },
      sf(7),
    ],
  },
  {
    name: 'acompte : rejet',
    steps: [
      { day: 0, who: 'mandataire', action: open('A4') },
      { day: 1, who: 'moe', action: a15() },
      { day: 2, who: 'moa', action: a19 },
      { day: 3, who: 'serviceFinancier', action: act('REJETER', { motif: 'Pièce en double' }) },
    ],
  },
  {
    name: 'sous-traitant : validé → payée',
    steps: [
      { day: 0, who: 'sousTraitant', action: open('A10') },
      { day: 2, who: 'mandataire', action: act('VALIDER') },
      { day: 4, who: 'moe', action: a15() },
      { day: 7, who: 'moa', action: a19 },
      sf(10),
    ],
  },
  {
    name: 'sous-traitant : refusé',
    steps: [
      { day: 0, who: 'sousTraitant', action: open('A10') },
      { day: 1, who: 'mandataire', action: act('REFUSER', { motifs: 'Travaux non réalisés' }) },
    ],
  },
  {
    name: 'sous-traitant : accepté par 15 jours de silence → payée',
    steps: [
      { day: 0, who: 'sousTraitant', action: open('A10') },
      { day: 16 },
      { day: 17, who: 'moe', action: a15() },
      { day: 21, who: 'moa', action: a19 },
      sf(24),
    ],
  },
  {
    name: 'cotraitant : via le mandataire → payée',
    steps: [
      { day: 0, who: 'cotraitant', action: open('A13') },
      { day: 2, who: 'mandataire', action: act('VALIDER') },
      { day: 4, who: 'moe', action: a15() },
      { day: 8, who: 'moa', action: a19 },
      sf(11),
    ],
  },
  ...(['signé', 'signé avec réserves'] as const).map(
    (how): Path => ({
      name: `solde : DG ${how} → payé`,
      steps: [
        { day: 0, who: 'mandataire', action: openSolde },
        { day: 7, who: 'moe', action: (id) => ({ type: 'DEPOSER_PROJET_DECOMPTE_GENERAL', piece: p(id, 'A17') }) },
        { day: 21, who: 'moa', action: (id) => ({ type: 'NOTIFIER_DECOMPTE_GENERAL', piece: p(id, 'A20') }) },
        {
          day: 28,
          who: 'mandataire',
          action: (id) =>
            how === 'signé'
              ? { type: 'SIGNER_DG', piece: p(id, 'A8') }
              : {
                  type: 'SIGNER_DG_AVEC_RESERVES',
                  piece: p(id, 'A8'),
                  memoireReclamation: 'Mémoire en réclamation',
                  sommesAdmisesCents: 45_000_000,
                },
        },
        sf(42),
      ],
    }),
  ),
  {
    name: 'solde : accepté par 30 jours de silence → payé',
    steps: [
      { day: 0, who: 'mandataire', action: openSolde },
      { day: 4, who: 'moe', action: (id) => ({ type: 'DEPOSER_PROJET_DECOMPTE_GENERAL', piece: p(id, 'A17') }) },
      { day: 7, who: 'moa', action: (id) => ({ type: 'NOTIFIER_DECOMPTE_GENERAL', piece: p(id, 'A20') }) },
      { day: 40 },
      sf(45),
    ],
  },
  {
    name: 'solde : voie tacite (A22 → DGD tacite → A23) → payé',
    steps: [
      { day: 0, who: 'mandataire', action: openSolde },
      { day: 4, who: 'moe', action: (id) => ({ type: 'DEPOSER_PROJET_DECOMPTE_GENERAL', piece: p(id, 'A17') }) },
      { day: 33 },
      { day: 35, who: 'mandataire', action: (id) => ({ type: 'DEPOSER_PROJET_DG_TACITE', piece: p(id, 'A22') }) },
      { day: 49 },
      { day: 50, who: 'mandataire', action: (id) => ({ type: 'DEPOSER_DGD_TACITE', piece: p(id, 'A23') }) },
      sf(60),
    ],
  },
];

// --- run -----------------------------------------------------------------------------------------------------------

interface Figures {
  readonly name: string;
  readonly outcome: string;
  readonly transitions: number;
  readonly lambdas: number;
  readonly api: Units;
  readonly workflow: Units;
}

async function runPath(platform: Platform, service: DossierService, path: Path, index: number, base: Date) {
  const id = `BENCH-${String(index + 1).padStart(2, '0')}`;
  meter = { api: zero(), workflow: zero() };
  ledger.reset();
  for (const step of path.steps) {
    currentStep = `j+${step.day} ${step.action ? step.action(id).type : 'délai'}`;
    const at = new Date(base.getTime() + step.day * 86_400_000);
    if (at > platform.clock.now()) await platform.advanceClock({ to: at });
    if (!step.who || !step.action) {
      await platform.settle();
      continue;
    }
    let action = step.action(id);
    if (action.type === 'DEPOSER' && action.piece.cadre === 'A7') {
      // A7: the réception was notified 10 days before the deposit
      const reception = new Date(at.getTime() - 10 * 86_400_000).toISOString().slice(0, 10);
      action = { ...action, receptionNotifieeLe: reception };
    }
    const record = await service.find(id);
    await source.run({ source: 'api' }, () =>
      service.decide({
        dossierId: record ? id : undefined,
        marcheId: DEMO.marcheId,
        userId: DEMO.users[step.who as DemoUserKey].id,
        action,
        expectedVersion: record?.version,
      }),
    );
    await platform.settle();
  }
  await platform.settle();
  const record = await service.load(id);
  const history = platform.stepFunctions.getExecutionHistory(executionArn(id));
  const figures: Figures = {
    name: path.name,
    outcome: record.open ? `OUVERT (${record.status})` : (record.state.outcome ?? record.status),
    transitions: history.filter((e) => e.type.endsWith('StateEntered')).length,
    lambdas: history.filter((e) => e.type === 'LambdaFunctionScheduled' || e.type === 'TaskScheduled').length,
    api: meter.api,
    workflow: meter.workflow,
  };
  return figures;
}

function costOf(f: Figures) {
  const wru = f.api.wcu + f.workflow.wcu;
  const rru = f.api.rcu + f.workflow.rcu;
  const sfn = f.transitions * PRICES.sfnPerTransition;
  const ddb = wru * PRICES.ddbPerWru + rru * PRICES.ddbPerRru;
  const lambda = f.lambdas * (PRICES.lambdaPerRequest + LAMBDA_GB_SECONDS_PER_INVOCATION * PRICES.lambdaPerGbSecond);
  return { sfn, ddb, lambda, total: sfn + ddb + lambda };
}

/** WORKFLOW_COST_DETAIL=1,5: the paths (numbered from 1) whose writes are detailed by item kind and step. */
const detail = (process.env.WORKFLOW_COST_DETAIL ?? '').split(',').filter(Boolean).map(Number);

async function main() {
  const platform = await startPlatform({
    port: 0,
    inMemory: true,
    extend: (stack) => {
      // The workflow's tasks run as themselves, inside a "workflow" meter
      const handlers: Record<string, LocalLambdaHandler> = {};
      for (const [key, def] of Object.entries(WORKFLOW_LAMBDAS)) {
        const real = (workflowTasks as Record<string, unknown>)[def.exportName] as LocalLambdaHandler;
        const logicalId = stack.getLogicalId(stack.functions.get(key).node.defaultChild as never);
        handlers[logicalId] = (event, context) =>
          source.run({ source: 'workflow', task: key }, () => real(event, context));
      }
      return { lambdaHandlers: handlers };
    },
  });
  try {
    overrideContext({
      ...contextOverrides(),
      dynamo: meteredDocumentClient(platform.endpoints.dynamodb, platform.region, record),
    });
    await platform.advanceClock({ to: '2030-01-07T08:00:00Z' });
    const ctx = serviceContext();
    await seedDemo({ identity: ctx.stores.identity, marches: ctx.stores.marches }, platform.clock.now());
    const service = ctx.dossiers;

    const rows: Figures[] = [];
    let floor: WriteFloor | undefined;
    for (const [i, path] of PATHS.entries()) {
      // One path every 13 weeks, each starting on a Monday at 09:00 Paris
      const base = new Date(Date.parse('2030-01-14T08:00:00Z') + i * 91 * 86_400_000);
      rows.push(await runPath(platform, service, path, i, base));
      if (i === 0) floor = ledger.floor();
      if (detail.includes(i + 1)) console.log(ledger.report(`${i + 1}. ${path.name}`).join('\n'));
    }

    const n = (v: number, w: number) => String(v).padStart(w);
    const usd = (v: number) => `$${v.toFixed(6)}`.padStart(10);
    console.log('\nCoût d’un dossier sur AWS, par chemin (docs/rules/circuits.md)\n');
    console.log(
      `${'chemin'.padEnd(58)} ${'issue'.padEnd(16)} ${'transitions'.padStart(11)} ${'lambdas'.padStart(7)} ` +
        `${'WCU api'.padStart(7)} ${'WCU wf'.padStart(6)} ${'dont GSI'.padStart(8)} ${'RCU'.padStart(5)} ` +
        `${'SFN'.padStart(10)} ${'DynamoDB'.padStart(10)} ${'Lambda'.padStart(10)} ${'total'.padStart(10)}`,
    );
    const totals = { transitions: 0, cost: 0 };
    for (const f of rows) {
      const c = costOf(f);
      totals.transitions += f.transitions;
      totals.cost += c.total;
      console.log(
        `${f.name.padEnd(58)} ${f.outcome.padEnd(16)} ${n(f.transitions, 11)} ${n(f.lambdas, 7)} ` +
          `${n(f.api.wcu, 7)} ${n(f.workflow.wcu, 6)} ${n(f.api.wcuIndexes + f.workflow.wcuIndexes, 8)} ` +
          `${n(f.api.rcu + f.workflow.rcu, 5)} ${usd(c.sfn)} ${usd(c.ddb)} ${usd(c.lambda)} ${usd(c.total)}`,
      );
    }
    console.log(
      `\nMoyenne : ${(totals.transitions / rows.length).toFixed(1)} transitions, ${usd(totals.cost / rows.length).trim()} par dossier ` +
        `(${((totals.cost / rows.length) * 1000).toFixed(2)} $ pour 1 000 dossiers).`,
    );
    console.log(
      'WCU : unités d’écriture consommées (table + index, transactions comptées double) ; « api » = décisions des acteurs, ' +
        '« wf » = tâches de la machine à états. RCU : lectures fortement cohérentes. Prix : voir PRICES en tête du fichier ' +
        `(Lambda : ${LAMBDA_GB_SECONDS_PER_INVOCATION} Go·s supposés par invocation).`,
    );
    const monthly = rows[0] as Figures;
    const wcu = monthly.api.wcu + monthly.workflow.wcu;
    console.log(
      `\nCible (chemin mensuel, ${monthly.name}) : ≤ ${TARGET.transitions} transitions et ≤ ${TARGET.wcu} WCU — ` +
        `mesuré ${monthly.transitions} transitions (${monthly.transitions <= TARGET.transitions ? 'atteinte' : 'non atteinte'}), ` +
        `${wcu} WCU (${wcu <= TARGET.wcu ? 'atteinte' : 'non atteinte'}).`,
    );
    if (floor) {
      console.log(
        `Plancher de ce chemin sous les garanties actuelles (docs/DESIGN.md#the-write-floor) : ${floor.statusChanges} changements de statut × ` +
          `${floor.structures} structures : compteurs ${floor.counters} + entrées par statut ${floor.entries} = ${floor.counters + floor.entries} WCU, ` +
          `+ META et journal d’audit ${floor.core} = ${floor.total} WCU ; la cible de ${TARGET.wcu} est ${floor.total > TARGET.wcu ? 'sous' : 'au-dessus de'} ce plancher.`,
      );
    }
  } finally {
    await platform.stop();
  }
}

await main();
