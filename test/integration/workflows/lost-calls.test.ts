import { describe, expect, it } from 'vitest';
import { stepFunctionsWorkflow, type WorkflowPort } from '../../../shared/adapters/workflow';
import { DEMO } from '../../../shared/seed/demo';
import { contextWith } from '../../../shared/services/context';
import { resumeOpenDossiers } from '../../../shared/services/resume';
import { DOSSIER_WAIT_STATES as W } from '../../../workflows/dossier';
import { at, driver, execution, expectWaiting, montants, resumeOptions, useWorkflowPlatform, waitsOf } from './helpers';

/**
 * Calls to Step Functions that get lost (the endpoint drops them: a timeout, a throttle past the SDK's retries).
 * DynamoDB holds the dossier's state whatever happens to the call; the resume (at every `npm start`, every night on
 * AWS: shared/services/resume.ts) rebuilds what the lost call should have done, once.
 */
const platform = useWorkflowPlatform();

/** The platform's Step Functions port, with the calls named in `drop` thrown away (as a dropped connection). */
function droppingPort(drop: { start?: boolean; release?: boolean }): WorkflowPort {
  const real = stepFunctionsWorkflow;
  const lost = (what: string) =>
    Object.assign(new Error(`${what} : connexion interrompue`), { name: 'TimeoutError', $retryable: {} });
  return {
    ...real,
    start: async (dossierId, name) => {
      if (drop.start) throw lost('StartExecution');
      return real.start(dossierId, name);
    },
    release: async (token, situation) => {
      if (drop.release) throw lost('SendTaskSuccess');
      return real.release(token, situation);
    },
  };
}

describe('Step Functions calls that are lost', () => {
  it('a deposit whose StartExecution was dropped is recorded, and the resume starts its one execution', async () => {
    const p = platform();
    await p.advanceClock(at('2030-01-07T09:00:00+01:00'));
    const errors: string[] = [];
    const service = contextWith({
      workflow: droppingPort({ start: true }),
      onWorkflowError: (_e: unknown, what: string) => errors.push(what),
    }).dossiers;
    const d = driver(platform, 'LOST-START', service);
    await service.decide({
      marcheId: DEMO.marcheId,
      userId: DEMO.users.sousTraitant.id,
      action: {
        type: 'DEPOSER',
        dossierId: 'LOST-START',
        piece: { id: 'LOST-START-p', numero: 'LOST-START-P', cadre: 'A10', montants: montants(1_000_000) },
      },
    });
    await p.settle();
    // The deposit is there (the answer to the depositor was a success); no execution runs for it
    expect(errors).toEqual(['dossier LOST-START']);
    const recorded = await service.load('LOST-START');
    expect(recorded.open).toBe(true);
    expect(await stepFunctionsWorkflow.describe?.('LOST-START')).toBe('MISSING');
    expect(waitsOf(platform, 'LOST-START')).toEqual([]);

    const report = await resumeOpenDossiers(resumeOptions());
    await p.settle();
    expect(report.resumed.filter((r) => r.dossierId === 'LOST-START')).toEqual([
      { dossierId: 'LOST-START', execution: 'LOST-START--r1' },
    ]);
    await expectWaiting(platform, d, W.VALIDATION_1);
    // A second resume leaves it alone: one execution, one wait
    const again = await resumeOpenDossiers(resumeOptions());
    expect(again.resumed.map((r) => r.dossierId)).not.toContain('LOST-START');
    expect(execution(platform, 'LOST-START--r1').status).toBe('RUNNING');
    expect(waitsOf(platform, 'LOST-START')).toHaveLength(1);
    // Its deadline holds: deposited Monday 7 January, accepted tacitly on 7 + 15 = 22 January
    await p.advanceClock(at('2030-01-23T09:00:00+01:00'));
    const tacit = await d.events('VALIDATION_TACITE');
    expect(tacit.map((e) => e.details?.le)).toEqual(['2030-01-22']);
    await d.expectSound();
  });

  it('an execution left in a past wait by a lost SendTaskSuccess is replaced by the nightly resume, once', async () => {
    const p = platform();
    await p.advanceClock(at('2030-02-04T09:00:00+01:00'));
    const service = contextWith({ workflow: droppingPort({ release: true }) }).dossiers;
    const d = driver(platform, 'LOST-REL');
    await d.open('mandataire', {
      type: 'DEPOSER',
      dossierId: 'LOST-REL',
      piece: { id: 'LOST-REL-p', numero: 'LOST-REL-P', cadre: 'A4', montants: montants(1_000_000) },
    });
    const before = await d.record();
    // The MOE's decision is recorded; the call that should release the execution's wait is lost
    await service.decide({
      dossierId: 'LOST-REL',
      userId: DEMO.users.moe.id,
      action: {
        type: 'DEPOSER_ETAT_ACOMPTE',
        piece: { id: 'LOST-REL-a15', numero: 'LOST-REL-A15', montants: montants(1_000_000) },
      },
      expectedVersion: before.version,
    });
    await p.settle();
    const moved = await service.load('LOST-REL');
    expect(moved.pending).toMatchObject({ step: 'VALIDATION_MOA' });
    expect(moved.pending?.taskToken).toBeUndefined();
    expect(waitsOf(platform, 'LOST-REL').map((t) => t.stateName)).toEqual([W.EXAMEN_MOE]);

    // Within the hour's margin the nightly resume leaves it (a wait's token is recorded within moments)
    const hour = (now: Date) => new Date(now.getTime() - 3_600_000);
    const early = await resumeOpenDossiers({ ...resumeOptions(), rearmWaitsWithoutTokenSince: hour(p.clock.now()) });
    expect(early.rearmed).toEqual([]);
    expect(early.running).toContain('LOST-REL');

    // An hour and a half later it replaces the execution: the new one waits in the dossier's step, with its token
    await p.advanceClock(at('2030-02-04T10:30:00+01:00'));
    const late = await resumeOpenDossiers({ ...resumeOptions(), rearmWaitsWithoutTokenSince: hour(p.clock.now()) });
    await p.settle();
    expect(late.rearmed).toEqual(['LOST-REL']);
    expect(late.resumed.filter((r) => r.dossierId === 'LOST-REL')).toEqual([
      { dossierId: 'LOST-REL', execution: 'LOST-REL--r1' },
    ]);
    expect(execution(platform, 'LOST-REL').status).toBe('ABORTED');
    await expectWaiting(platform, d, W.VALIDATION_MOA);
    expect((await d.record()).version).toBe(moved.version);
    const again = await resumeOpenDossiers({ ...resumeOptions(), rearmWaitsWithoutTokenSince: hour(p.clock.now()) });
    expect(again.rearmed).toEqual([]);

    // The MOA's deadline holds once: deposited Monday 4 February, the 30 days of the DGP end on 4 + 30 = 6 March;
    // the lateness is signalled once, from 7 March
    await p.advanceClock(at('2030-03-08T09:00:00+01:00'));
    expect(await d.events('RETARD_SIGNALE')).toHaveLength(1);
    expect((await d.record()).pending).toMatchObject({ step: 'VALIDATION_MOA', lateSince: '2030-03-07' });
    await d.expectSound();
  });
});
