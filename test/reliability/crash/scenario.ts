import type { Platform } from '../../../infra/local/platform';
import { verifyTrail } from '../../../shared/adapters/audit';
import { executionName, WORKFLOW_EVENT_TYPES } from '../../../shared/domain/workflow';
import { DEMO, seedDemo } from '../../../shared/seed/demo';
import { contextWith } from '../../../shared/services/context';
import { resumeOpenDossiers } from '../../../shared/services/resume';

/**
 * The crash scenario (test/reliability/crash.test.ts, `npm run crash`): dossiers deposited on two days and clock
 * advances that make their deadlines fall due, run one operation after the other by a platform that is killed
 * (SIGKILL) at random points and started again on the same data. Every operation can be sent again after a crash
 * (a deposit already recorded is acknowledged as it stands; an advance to an instant already passed does nothing).
 */
export const CRASH_START = '2030-01-07T09:00:00+01:00';

export type CrashOp =
  | { readonly kind: 'open'; readonly dossierId: string; readonly cadre: 'A4' | 'A10' }
  | { readonly kind: 'advance'; readonly to: string };

/** What the rules make of a dossier by the end of the scenario (dates worked out by hand below). */
export interface Expected {
  readonly dossierId: string;
  /** The one event the deadline produces, with its date. */
  readonly eventType: 'VALIDATION_TACITE' | 'DELAI_MOE_DEPASSE';
  readonly day: string;
  readonly state: 'EXAMEN_MOE' | 'MOE_HORS_DELAI';
}

/**
 * `perDay` dossiers deposited on Monday 7 January 2030 and on Thursday 10 January, half of them A4 (the mandataire's
 * projet de décompte mensuel: the MOE has 7 days, CCAG-T 2014 art. 13.2.1, then the dossier is « hors délai »),
 * half A10 (a sous-traitant's demande de paiement: 15 days for the titulaire's acceptance, silence is acceptance,
 * CCP art. R2193-13). The clock is then moved in three steps to Saturday 26 January.
 */
export function crashScenario(tag: string, perDay = 4): { ops: CrashOp[]; expected: Expected[] } {
  const ops: CrashOp[] = [];
  const expected: Expected[] = [];
  const day = (n: number, a4Last: string, a10Tacit: string) => {
    for (let i = 0; i < perDay; i++) {
      const cadre = i % 2 === 0 ? 'A4' : 'A10';
      const dossierId = `CRASH-${tag}-${n}-${i}`;
      ops.push({ kind: 'open', dossierId, cadre });
      expected.push(
        cadre === 'A4'
          ? { dossierId, eventType: 'DELAI_MOE_DEPASSE', day: a4Last, state: 'MOE_HORS_DELAI' }
          : { dossierId, eventType: 'VALIDATION_TACITE', day: a10Tacit, state: 'EXAMEN_MOE' },
      );
    }
  };
  // Deposited 7 January: A4's last day 7 + 7 = 14 January; A10's tacit acceptance on 7 + 15 = 22 January
  day(1, '2030-01-14', '2030-01-22');
  ops.push({ kind: 'advance', to: '2030-01-10T09:00:00+01:00' });
  // Deposited 10 January: A4's last day 10 + 7 = 17 January; A10's tacit acceptance on 10 + 15 = 25 January
  day(2, '2030-01-17', '2030-01-25');
  // 16 January: the first A4 fall due; 23 January: the second A4 and the first A10; 26 January: the second A10.
  // The A10's next wait (the MOE's 7 days from the acceptance: 29 January and 1 February) is still running then.
  ops.push({ kind: 'advance', to: '2030-01-16T09:00:00+01:00' });
  ops.push({ kind: 'advance', to: '2030-01-23T09:00:00+01:00' });
  ops.push({ kind: 'advance', to: '2030-01-26T09:00:00+01:00' });
  return { ops, expected };
}

const montants = (htCents: number) => ({ htCents, tvaCents: htCents / 5, ttcCents: htCents + htCents / 5 });

/** Runs one operation on a platform; safe to run again after a crash. */
export async function runCrashOp(platform: Platform, op: CrashOp): Promise<void> {
  if (op.kind === 'advance') {
    if (platform.clock.now().getTime() < Date.parse(op.to)) await platform.advanceClock({ to: op.to });
    return;
  }
  const service = contextWith({}).dossiers;
  if (await service.find(op.dossierId)) return;
  const who = op.cadre === 'A4' ? DEMO.users.mandataire : DEMO.users.sousTraitant;
  await service.decide({
    marcheId: DEMO.marcheId,
    userId: who.id,
    action: {
      type: 'DEPOSER',
      dossierId: op.dossierId,
      piece: { id: `${op.dossierId}-p`, numero: `${op.dossierId}-P`, cadre: op.cadre, montants: montants(1_000_000) },
    },
  });
  await platform.settle();
}

/**
 * What went wrong with the dossiers once the scenario is over (empty: all is well): a dossier missing, a deadline's
 * outcome applied twice or not at all or on another day, a failure recorded, a broken audit chain, not exactly one
 * running execution waiting on the dossier's current token.
 */
export async function crashProblems(platform: Platform, expected: readonly Expected[]): Promise<string[]> {
  await platform.settle();
  const problems: string[] = [];
  const service = contextWith({}).dossiers;
  const arn = platform.stateMachineArns.Dossier as string;
  const running = platform.stepFunctions.listExecutions(arn, 'RUNNING').map((e) => e.name);
  const waits = platform.stepFunctions.pendingTasks();
  for (const e of expected) {
    const r = await service.find(e.dossierId);
    if (!r) {
      problems.push(`${e.dossierId} : absent`);
      continue;
    }
    const outcomes = r.events.filter((ev) => ev.type === e.eventType);
    const days = outcomes.map((ev) => String(ev.details?.le ?? ev.details?.dernierJour));
    if (outcomes.length !== 1 || days[0] !== e.day) {
      problems.push(
        `${e.dossierId} : ${e.eventType} ${outcomes.length} fois (${days.join(', ')}), attendu 1 fois le ${e.day}`,
      );
    }
    const state = (r.state as { state?: string }).state;
    if (state !== e.state) problems.push(`${e.dossierId} : étape ${state}, attendu ${e.state}`);
    if (r.events.some((ev) => ev.type === WORKFLOW_EVENT_TYPES.failed))
      problems.push(`${e.dossierId} : circuit en échec`);
    const trail = verifyTrail(r.events, { seq: r.lastEventSeq, hash: r.lastEventHash });
    if (!trail.ok) problems.push(`${e.dossierId} : chaîne rompue au ${trail.brokenAtSeq} (${trail.reason})`);
    const mine = running.filter((name) => name === e.dossierId || name.startsWith(`${e.dossierId}--r`));
    const current = executionName(e.dossierId, r.workflow.generation);
    if (mine.length !== 1 || mine[0] !== current) {
      problems.push(`${e.dossierId} : exécutions en cours [${mine.join(', ')}], attendu [${current}]`);
    }
    const waiting = waits.filter(
      (t) => (t.payload as { Payload?: { dossierId?: string } }).Payload?.dossierId === e.dossierId,
    );
    if (waiting.length !== 1 || waiting[0]?.token !== r.pending?.taskToken) {
      problems.push(
        `${e.dossierId} : ${waiting.length} attente(s), jeton du dossier ${r.pending?.taskToken ? 'différent' : 'absent'}`,
      );
    }
  }
  return problems;
}

/** What `npm start` does before it opens (infra/local/main.ts): the demo data (idempotent), then the resume. */
export async function bootLikeNpmStart(platform: Platform): Promise<void> {
  const { stores, infra } = contextWith({});
  await seedDemo({ identity: stores.identity, marches: stores.marches }, platform.clock.now());
  await resumeOpenDossiers({ store: stores.dossiers, open: stores.openDossiers, workflow: infra.workflow });
  await platform.settle();
}
