import { describe, expect, it } from 'vitest';
import * as tasks from '../../../functions/workflow/tasks';
import type { LocalLambdaHandler } from '../../../infra/local/types';
import type { FacturesTravauxStack } from '../../../infra/stack';
import { WORKFLOW_EVENT_TYPES } from '../../../shared/domain/workflow';
import { DEMO } from '../../../shared/seed/demo';
import { resumeOpenDossiers } from '../../../shared/services/resume';
import { DOSSIER_STATE_NAMES as N, DOSSIER_WAIT_STATES as W } from '../../../workflows/dossier';
import {
  at,
  type Driver,
  dossierService,
  driver,
  execution,
  expectWaiting,
  montants,
  resumeOptions,
  useWorkflowPlatform,
  waitsOf,
} from './helpers';

/**
 * What happens when things go wrong: a transient failure is retried, any other ends in a failure recorded on the
 * dossier (never a silent stop), a person acting before the wait's token is recorded does not strand the execution,
 * and every task, run twice, changes nothing the second time.
 */
const ctx = {} as never;
const call = (handler: (event: unknown, context: never) => Promise<unknown>, event: unknown) => handler(event, ctx);

/** Test switches read by the replaced task handlers. */
const faults = {
  transientTransmissions: new Set<string>(),
  brokenTransmissions: new Set<string>(),
  race: new Set<string>(),
};

function logicalId(stack: FacturesTravauxStack, key: string): string {
  return stack.getLogicalId(stack.functions.get(key).node.defaultChild as never);
}

const platform = useWorkflowPlatform({
  extend: (stack) => {
    const transmit: LocalLambdaHandler = async (event) => {
      const { dossierId } = event as { dossierId: string };
      if (faults.transientTransmissions.delete(dossierId)) {
        throw Object.assign(new Error('trop de requêtes'), { name: 'Lambda.TooManyRequestsException' });
      }
      if (faults.brokenTransmissions.has(dossierId)) throw new Error('le service financier est injoignable');
      return call(tasks.transmettreServiceFinancier, event);
    };
    // The MOE decides while the execution is between reading the dossier and recording its wait's token
    const recordWait: LocalLambdaHandler = async (event) => {
      const { dossierId, step } = event as { dossierId: string; step: string };
      if (step === 'EXAMEN_MOE' && faults.race.delete(dossierId)) {
        const moe = { dossierId, userId: DEMO.users.moe.id, action: a15(dossierId), expectedVersion: 1 };
        await dossierService().decide(moe);
      }
      return call(tasks.enregistrerAttente, event);
    };
    return {
      lambdaHandlers: {
        [logicalId(stack, 'dossierTransmettre')]: transmit,
        [logicalId(stack, 'dossierEnregistrerAttente')]: recordWait,
      },
    };
  },
});

const pdm = (id: string) => ({
  type: 'DEPOSER' as const,
  dossierId: id,
  piece: { id: `${id}-pdm`, numero: `${id}-PDM`, cadre: 'A4', montants: montants(10_000_000) },
});
const a15 = (id: string) => ({
  type: 'DEPOSER_ETAT_ACOMPTE' as const,
  piece: { id: `${id}-a15`, numero: `${id}-A15`, montants: montants(10_000_000) },
});
const a19 = (id: string) => ({
  type: 'VALIDER_ETAT_ACOMPTE' as const,
  piece: { id: `${id}-a19`, numero: `${id}-A19`, montants: montants(10_000_000) },
});

/** Entered states of an execution, in order (local runner history). */
function entered(name: string): string[] {
  return platform()
    .stepFunctions.getExecutionHistory(execution(platform, name).executionArn)
    .filter((e) => e.type.endsWith('StateEntered'))
    .map((e) => (e as unknown as { stateEnteredEventDetails: { name: string } }).stateEnteredEventDetails.name);
}
/** Errors of the task attempts that failed, in order (Lambda ARN tasks and lambda:invoke integrations). */
function taskFailures(name: string): string[] {
  type Details = { error: string };
  return platform()
    .stepFunctions.getExecutionHistory(execution(platform, name).executionArn)
    .filter((e) => e.type === 'LambdaFunctionFailed' || e.type === 'TaskFailed')
    .map((e) => ((e.lambdaFunctionFailedEventDetails ?? e.taskFailedEventDetails) as Details).error);
}

/**
 * Retries run on the runner's own timers (interval 0 locally), which `settle` may not see between two attempts:
 * settle again until the condition holds (in-process work only; no clock moves).
 */
async function settledUntil(condition: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await platform().settle();
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('condition never met');
}

async function toServiceFinancier(d: Driver, day: string) {
  const p = platform();
  await p.advanceClock(at(`${day}T08:00:00Z`));
  await d.open('mandataire', pdm(d.id));
  await d.decide('moe', a15(d.id));
  return d.decide('moa', a19(d.id));
}

describe('robustness of the dossier workflow', () => {
  it('retries a transient failure of a task, then goes on', async () => {
    const d = driver(platform, 'ROB-1');
    faults.transientTransmissions.add('ROB-1');
    await toServiceFinancier(d, '2030-01-07');
    await settledUntil(() => waitsOf(platform, 'ROB-1').length === 1);
    expect(faults.transientTransmissions.has('ROB-1')).toBe(false);
    expect(await d.events(WORKFLOW_EVENT_TYPES.transmitted)).toHaveLength(1);
    await expectWaiting(platform, d, W.TRAITEMENT_SERVICE_FINANCIER);
    // « Transmettre au service financier » was entered once; its first attempt failed and was retried
    expect(entered('ROB-1').filter((s) => s === N.transmettre)).toHaveLength(1);
    expect(taskFailures('ROB-1')).toEqual(['Lambda.TooManyRequestsException']);
    expect(execution(platform, 'ROB-1').status).toBe('RUNNING');
    await d.expectSound();
  });

  it('records a failure that is not transient on the dossier, fails the execution, and resume recovers it', async () => {
    const d = driver(platform, 'ROB-2');
    faults.brokenTransmissions.add('ROB-2');
    await toServiceFinancier(d, '2030-01-08');
    await platform().stepFunctions.whenClosed(execution(platform, 'ROB-2').executionArn);
    expect(execution(platform, 'ROB-2')).toMatchObject({ status: 'FAILED', error: 'Dossier.Echec' });
    // Every attempt failed (1 + 4 retries would be for a transient error: this one is not retried)
    expect(taskFailures('ROB-2')).toEqual(['Error']);
    const r = await d.record();
    expect(entered('ROB-2').slice(-3)).toEqual([N.transmettre, N.echec, N.echecFinal]);
    const [failure] = await d.events(WORKFLOW_EVENT_TYPES.failed);
    expect(failure).toMatchObject({
      actorRole: 'SYSTEM',
      details: { execution: 'ROB-2', erreur: 'Error', etape: 'TRAITEMENT_SERVICE_FINANCIER' },
    });
    expect(String(failure?.details?.cause)).toContain('le service financier est injoignable');
    // The dossier itself is untouched and still open
    expect(r).toMatchObject({ open: true, status: 'MISE_A_DISPOSITION' });
    expect(r.workflow.failure).toMatchObject({ execution: 'ROB-2', error: 'Error' });

    faults.brokenTransmissions.delete('ROB-2');
    const report = await resumeOpenDossiers(resumeOptions());
    await platform().settle();
    expect(report.resumed).toContainEqual({ dossierId: 'ROB-2', execution: 'ROB-2--r1' });
    await settledUntil(() => waitsOf(platform, 'ROB-2').length === 1);
    expect(await d.events(WORKFLOW_EVENT_TYPES.transmitted)).toHaveLength(1);
    await expectWaiting(platform, d, W.TRAITEMENT_SERVICE_FINANCIER);
  });

  it('does not strand the execution when a person acts before the wait’s token is recorded', async () => {
    const p = platform();
    const d = driver(platform, 'ROB-3');
    faults.race.add('ROB-3');
    await p.advanceClock(at('2030-01-09T08:00:00Z'));
    const r = await d.open('mandataire', pdm('ROB-3'));
    // The MOE's decision came first: the recording found the wait gone, the execution read the dossier again
    expect(r.state.state).toBe('VALIDATION_MOA');
    await expectWaiting(platform, d, W.VALIDATION_MOA);
    expect(taskFailures('ROB-3')).toEqual(['Dossier.AttentePerimee']);
    expect(entered('ROB-3')).toContain(W.EXAMEN_MOE);
    await d.expectSound();
  });

  it('makes every task idempotent: run again, it changes nothing', async () => {
    const service = dossierService();
    const d = driver(platform, 'ROB-4', service);
    await toServiceFinancier(d, '2030-01-10');
    const r = await d.record();
    const trail = await d.trail();

    // Charger le dossier (its clock record) / Transmettre au service financier: already recorded for this version
    await call(tasks.transmettreServiceFinancier, { dossierId: 'ROB-4' });
    expect(await call(tasks.chargerDossier, { dossierId: 'ROB-4' })).toMatchObject({
      step: 'TRAITEMENT_SERVICE_FINANCIER',
      version: r.version,
      closed: false,
      aTransmettre: false,
      delaiExpire: false,
    });
    expect(await d.trail()).toEqual(trail);

    // Appliquer l'issue tacite: for a wait the dossier has left, or before the deadline, nothing
    expect(
      await call(tasks.appliquerIssueTacite, { dossierId: 'ROB-4', step: 'EXAMEN_MOE', version: 1 }),
    ).toMatchObject({ applied: false, reason: 'DOSSIER_DEJA_AVANCE' });
    expect(
      await call(tasks.appliquerIssueTacite, {
        dossierId: 'ROB-4',
        step: 'TRAITEMENT_SERVICE_FINANCIER',
        version: r.version,
      }),
    ).toMatchObject({ applied: false, reason: 'DELAI_NON_EXPIRE' });

    // Enregistrer l'attente for a wait the dossier has left: fails by name, records nothing
    const token = (await d.record()).pending?.taskToken;
    await expect(
      call(tasks.enregistrerAttente, { dossierId: 'ROB-4', step: 'EXAMEN_MOE', version: 1, taskToken: 'périmé' }),
    ).rejects.toMatchObject({ name: 'Dossier.AttentePerimee' });
    expect((await d.record()).pending?.taskToken).toBe(token);

    // Clore le dossier: refused while open; once closed, recorded once
    await expect(call(tasks.cloreDossier, { dossierId: 'ROB-4', execution: 'ROB-4' })).rejects.toMatchObject({
      code: 'DOSSIER_ENCORE_OUVERT',
    });
    await d.decide('serviceFinancier', { type: 'METTRE_EN_PAIEMENT' });
    expect(await call(tasks.cloreDossier, { dossierId: 'ROB-4', execution: 'ROB-4' })).toEqual({ recorded: false });
    expect(await d.events(WORKFLOW_EVENT_TYPES.closed)).toHaveLength(1);

    // Enregistrer l'échec: once per execution
    const failure = { dossierId: 'ROB-4', execution: 'ROB-4-x', etat: { erreur: { Error: 'Test', Cause: 'essai' } } };
    expect(await call(tasks.enregistrerEchec, failure)).toEqual({ recorded: true });
    expect(await call(tasks.enregistrerEchec, failure)).toEqual({ recorded: false });
    expect(await d.events(WORKFLOW_EVENT_TYPES.failed)).toHaveLength(1);
    // Workflow records never change the dossier's version: only the payment did
    expect((await d.record()).version).toBe(r.version + 1);
    expect(waitsOf(platform, 'ROB-4')).toEqual([]);
  });
});
