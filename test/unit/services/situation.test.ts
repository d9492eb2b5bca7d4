import { describe, expect, it } from 'vitest';
import { toStoredPending } from '../../../shared/adapters/dynamo/pending';
import type { DgpClock, DgpClockView } from '../../../shared/domain/dgp';
import { clockRecordDue, dossierHead, sameClock, situationOf } from '../../../shared/services/situation';
import { A, marcheSolo, montants, paris, Scenario } from '../domain/circuits/fixtures';

/**
 * The situation a decision hands back to the dossier's execution with the wait's token (workflows/dossier.ts), the
 * clock record it writes in its own transaction, and the clock it need not write again.
 */
function deposited() {
  const s = new Scenario(marcheSolo);
  // Friday 11 April 2025, 10:00 Paris: the titulaire deposits its PDM; it is made available to the MOE
  const r = s.act(
    A.titulaire,
    {
      type: 'DEPOSER',
      dossierId: 'D1',
      piece: { id: 'pdm', numero: 'PDM-04', cadre: 'A4', montants: montants(10_000_000) },
    },
    paris('2025-04-11'),
  );
  return { s, r };
}

describe('the situation handed back with the token', () => {
  it('names the next wait and its seconds left, from the pending action written with the change', () => {
    const { r } = deposited();
    expect(r.pending?.step).toBe('EXAMEN_MOE');
    const pending = toStoredPending(r.pending!);
    const deadline = Date.parse(pending.deadlineAt);
    // One hour after the deposit: the seconds left are the deadline minus that instant
    const now = new Date(paris('2025-04-11', '11:00').getTime());
    const situation = situationOf({ ...dossierHead(r.dossier, 1), pending, workflow: {} }, now);
    expect(situation).toMatchObject({
      dossierId: 'D1',
      version: 1,
      closed: false,
      step: 'EXAMEN_MOE',
      actorSiret: pending.actorSiret,
      deadlineAt: pending.deadlineAt,
      timeoutSeconds: Math.ceil((deadline - now.getTime()) / 1000),
      delaiExpire: false,
      aTransmettre: false,
    });
  });

  it('says the deadline passed, and refuses a pending action of another version (a broken record)', () => {
    const { r } = deposited();
    const pending = toStoredPending(r.pending!);
    const late = new Date(Date.parse(pending.deadlineAt) + 1000);
    expect(situationOf({ ...dossierHead(r.dossier, 1), pending, workflow: {} }, late)).toMatchObject({
      delaiExpire: true,
      // never less than one second: Step Functions needs a positive timeout
      timeoutSeconds: 1,
    });
    expect(() => situationOf({ ...dossierHead(r.dossier, 2), pending, workflow: {} }, late)).toThrow(
      expect.objectContaining({ code: 'ATTENTE_INCOHERENTE' }),
    );
  });
});

describe('the clock record of a change', () => {
  const view = (holder: string, status = 'EN_COURS') =>
    ({
      status,
      asOf: '2025-04-11',
      start: '2025-04-11',
      echeance: '2025-05-11',
      holder,
      daysUsedBy: {},
      daysElapsed: 0,
      daysSuspended: 0,
      daysLeft: 30,
      daysLate: 0,
      indemnityCents: 0,
      lateInterest: null,
    }) as unknown as DgpClockView;
  const now = new Date('2025-04-11T08:00:00Z');

  it('is due when the status, échéance or holder moved since the last record, and carries the new version', () => {
    const first = clockRecordDue(view('MOE'), 1, undefined, now);
    expect(first?.event).toMatchObject({ type: 'DELAI_DE_PAIEMENT', actorRole: 'SYSTEM', at: now.toISOString() });
    expect(first?.event.details).toMatchObject({ statut: 'EN_COURS', detenteur: 'MOE', echeance: '2025-05-11' });
    expect(first?.snapshot).toMatchObject({ forVersion: 1, detenteur: 'MOE' });
    // Same status, échéance and holder at version 2: nothing new to record
    expect(clockRecordDue(view('MOE'), 2, first?.snapshot, now)).toBeUndefined();
    expect(clockRecordDue(view('MOA'), 2, first?.snapshot, now)?.snapshot).toMatchObject({ forVersion: 2 });
    expect(clockRecordDue(null, 2, first?.snapshot, now)).toBeUndefined();
  });

  it('need not be written again when the clock and its interest base are the ones read', () => {
    const { r } = deposited();
    const clock = { kind: 'ACOMPTE', start: '2025-04-11', segments: [] } as unknown as DgpClock;
    expect(sameClock({ clock, state: r.dossier }, structuredClone(clock), r.dossier)).toBe(true);
    expect(sameClock({ clock, state: r.dossier }, { ...clock, start: '2025-04-12' } as DgpClock, r.dossier)).toBe(
      false,
    );
    // A new dossier has no clock read
    expect(sameClock(undefined, clock, r.dossier)).toBe(false);
  });
});
