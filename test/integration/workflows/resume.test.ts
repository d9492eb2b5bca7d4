import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../../../infra/local/platform';
import { stepFunctionsWorkflow } from '../../../shared/adapters/workflow';
import { seedDemo } from '../../../shared/seed/demo';
import { serviceContext } from '../../../shared/services/context';
import { resumeOpenDossiers } from '../../../shared/services/resume';
import { DOSSIER_WAIT_STATES as W } from '../../../workflows/dossier';
import { FIXED_START } from '../../setup/platform';
import {
  at,
  days,
  dossierService,
  driver,
  execution,
  expectWaiting,
  montants,
  resumeOptions,
  waitsOf,
} from './helpers';

/**
 * docs/DESIGN.md#how-a-dossier-flows: DynamoDB is the source of truth, an execution can be lost. The local runner is stopped in the
 * middle of two dossiers (its executions live in memory), started again on the same data, and `resumeOpenDossiers`
 * (what `npm start` runs at boot) gives each open dossier a new execution that re-enters its wait with the deadline
 * that remains — or applies the tacit outcome at once when the deadline passed while nothing ran.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'workflow-resume-'));
let current: Platform | undefined;
const platform = () => {
  if (!current) throw new Error('no platform running');
  return current;
};
async function restart(): Promise<Platform> {
  // Absolute dates (2030): the first start sets the clock at a fixed instant; the restarts read it from the folder
  const first = current === undefined;
  await current?.stop();
  current = await startPlatform({ port: 0, inMemory: false, dataDir, ...(first ? { startAt: FIXED_START } : {}) });
  return current;
}
afterAll(async () => {
  await current?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const pdm = {
  type: 'DEPOSER' as const,
  dossierId: 'REP-1',
  piece: { id: 'REP-1-pdm', numero: 'REP-1-PDM', cadre: 'A4', montants: montants(10_000_000) },
};
const a10 = {
  type: 'DEPOSER' as const,
  dossierId: 'REP-2',
  piece: { id: 'REP-2-a10', numero: 'REP-2-A10', cadre: 'A10', montants: montants(2_000_000) },
};

describe('resume after the local runner stops', () => {
  it('resumes open dossiers with their pending action and remaining deadline, and completes them', async () => {
    // First run: two dossiers open, each waiting for a person
    let p = await restart();
    await p.advanceClock(at('2030-01-07T08:00:00Z'));
    await seedDemo(
      { identity: serviceContext().stores.identity, marches: serviceContext().stores.marches },
      p.clock.now(),
    );
    let rep1 = driver(platform, 'REP-1', dossierService());
    let rep2 = driver(platform, 'REP-2', dossierService());
    await rep1.open('mandataire', pdm);
    await rep2.open('sousTraitant', a10);
    await p.advanceClock(at('2030-01-10T11:00:00Z'));
    await expectWaiting(platform, rep1, W.EXAMEN_MOE);
    const oldToken = (await rep1.record()).pending?.taskToken;

    // The runner stops in the middle; it starts again on the same data, its clock where it was
    p = await restart();
    expect(p.clock.now().getTime()).toBeGreaterThanOrEqual(Date.parse('2030-01-10T11:00:00Z'));
    rep1 = driver(platform, 'REP-1', dossierService());
    rep2 = driver(platform, 'REP-2', dossierService());
    expect(await stepFunctionsWorkflow.describe?.('REP-1')).toBe('MISSING');
    expect(waitsOf(platform, 'REP-1')).toEqual([]);
    const before = await rep1.record();
    expect(before.pending).toMatchObject({ step: 'EXAMEN_MOE', deadlineAt: '2030-01-14T23:00:00.000Z' });

    const report = await resumeOpenDossiers(resumeOptions());
    await p.settle();
    expect(report.resumed.sort((a, b) => a.dossierId.localeCompare(b.dossierId))).toEqual([
      { dossierId: 'REP-1', execution: 'REP-1--r1' },
      { dossierId: 'REP-2', execution: 'REP-2--r1' },
    ]);
    expect(report.failed).toEqual([]);
    // Same pending action, same deadline, same version: only the token is the new execution's
    const resumed = await rep1.record();
    expect(resumed.version).toBe(before.version);
    expect(resumed.pending).toMatchObject({ step: 'EXAMEN_MOE', deadlineAt: '2030-01-14T23:00:00.000Z' });
    expect(resumed.pending?.taskToken).not.toBe(oldToken);
    expect(resumed.workflow.generation).toBe(1);
    await expectWaiting(platform, rep1, W.EXAMEN_MOE);
    await expectWaiting(platform, rep2, W.VALIDATION_1);
    expect(execution(platform, 'REP-1--r1').status).toBe('RUNNING');

    // A second resume finds the executions running and changes nothing
    const again = await resumeOpenDossiers(resumeOptions());
    expect(again.resumed).toEqual([]);
    expect(again.running.sort()).toEqual(['REP-1', 'REP-2']);

    // The remaining deadline holds: the MOE's silence is applied at midnight ending Monday 14 January
    const moved = await p.advanceClock(at('2030-01-15T07:00:00Z'));
    const timeout = moved.fired.find((t) => t.kind === 'TaskTimeout' && t.stateName === W.EXAMEN_MOE);
    const overshoot = (timeout?.dueAt.getTime() ?? 0) - Date.parse('2030-01-14T23:00:00Z');
    expect(overshoot).toBeGreaterThanOrEqual(0);
    expect(overshoot).toBeLessThan(1000);
    expect((await rep1.record()).state.state).toBe('MOE_HORS_DELAI');

    await rep1.decide('mandataire', { type: 'SAISIR_MOA_DIRECTEMENT' });
    await p.advanceClock(at('2030-01-16T09:00:00Z'));
    await rep1.decide('moa', {
      type: 'VALIDER_ETAT_ACOMPTE',
      piece: { id: 'REP-1-a19', numero: 'REP-1-A19', montants: montants(10_000_000) },
    });
    await p.advanceClock(at('2030-01-17T09:00:00Z'));
    const paid = await rep1.decide('serviceFinancier', { type: 'METTRE_EN_PAIEMENT' });
    expect(paid.state.outcome).toBe('PAYE');
    expect(execution(platform, 'REP-1--r1').status).toBe('SUCCEEDED');
    expect(dossierService().clockView(paid)).toMatchObject({
      start: '2030-01-07',
      echeance: '2030-02-06',
      daysUsedBy: days(8, 1, 1),
    });
    await rep1.expectSound();

    // Stopped again; this time it restarts after the sous-traitant's 15 days (Tuesday 22 January) have passed
    p = await restart();
    await p.advanceClock(at('2030-01-24T08:00:00Z'));
    rep2 = driver(platform, 'REP-2', dossierService());
    const late = await resumeOpenDossiers(resumeOptions());
    await p.settle();
    expect(late.resumed).toEqual([{ dossierId: 'REP-2', execution: 'REP-2--r2' }]);
    // The tacit acceptance is applied at once, dated by the rule (the last day), not by the restart
    const r2 = await rep2.record();
    expect(r2.state).toMatchObject({ state: 'EXAMEN_MOE' });
    expect(r2.state.validations).toMatchObject([{ outcome: 'TACITE', on: '2030-01-22' }]);
    expect(r2.pending).toMatchObject({ step: 'EXAMEN_MOE', deadlineAt: '2030-01-29T23:00:00.000Z' });
    expect(dossierService().clockView(r2)).toMatchObject({ start: '2030-01-22', holder: 'MOE' });
    await expectWaiting(platform, rep2, W.EXAMEN_MOE);
    await rep2.expectSound();
  }, 120_000); // three platform starts in one test: 30 s is too short on a loaded 2-core machine
});
