import { describe, expect, it } from 'vitest';
import {
  type DossierParams,
  deadlineInstant,
  delaiDepotProjetDecompteFinal,
  delaiExamenMoe,
  delaiNotificationDecompteGeneral,
  delaiReponseProjetDgTacite,
  delaiSignatureDecompteGeneral,
  delaiValidation,
  dgpResumed,
  dgpStarted,
  dgpSuspended,
  reminderInstant,
} from '../../../../shared/domain/circuits';
import { d } from './fixtures';

const params = (delaiMoeJours: number, ccagVersion: '2009' | '2021' = '2009'): DossierParams => ({
  ccagVersion,
  delaiMoeJours,
  dgpJours: 30,
  receptionDemandesPaiement: 'MOE',
});

describe('circuit deadlines (docs/rules/deadlines.md#deadlines)', () => {
  it('counts the titulaire’s 15 days from the deposit without moving a Sunday last day (CCP R2193-12, R2193-16)', () => {
    expect(delaiValidation(d('2025-04-05'))).toEqual({
      trigger: '2025-04-05',
      days: 15,
      extendedToWorkingDay: false,
      lastDay: '2025-04-20',
      source: 'CCP R2193-12, R2193-13, R2193-16',
    });
  });

  it('gives the MOE its delay, moved to the next working day (CCAG-T 2014 art. 13.2.2, 3.2.4)', () => {
    expect(delaiExamenMoe(params(7), d('2025-04-11')).lastDay).toBe('2025-04-18'); // Good Friday is worked
    expect(delaiExamenMoe(params(7), d('2025-04-14')).lastDay).toBe('2025-04-22'); // Easter Monday 21 April
    expect(delaiExamenMoe(params(7, '2021'), d('2025-04-14')).source).toBe(
      'CCAG-T 2021 art. 12.2.2 ; décret 2013-269 art. 5',
    );
  });

  it('caps the MOE delay at 15 days (décret 2013-269 art. 5)', () => {
    // 11 April + 15 = Saturday 26 April → Monday 28 April
    expect(delaiExamenMoe(params(20), d('2025-04-11'))).toMatchObject({ days: 15, lastDay: '2025-04-28' });
  });

  it('counts the DG notification from the later receipt of the PDF (CCAG-T 2014 art. 13.4.2)', () => {
    expect(delaiNotificationDecompteGeneral('2009', d('2025-03-20'), d('2025-03-25'))).toMatchObject({
      trigger: '2025-03-25',
      lastDay: '2025-04-24',
      source: 'CCAG-T 2009 mod. 2014 art. 13.4.2',
    });
    expect(delaiNotificationDecompteGeneral('2021', d('2025-03-25'), d('2025-03-20')).trigger).toBe('2025-03-25');
  });

  it('gives the titulaire 30 days to answer the DG (CCAG-T 2021 art. 12.4.3, 12.4.5)', () => {
    expect(delaiSignatureDecompteGeneral('2021', d('2025-04-10'))).toMatchObject({
      lastDay: '2025-05-12',
      source: 'CCAG-T 2021 art. 12.4.3 ; CCAG-T 2021 art. 12.4.5',
    });
  });

  it('gives the MOA 10 days after the A22, past the 8 May holiday (CCAG-T 2014 art. 13.4.4)', () => {
    expect(delaiReponseProjetDgTacite('2009', d('2025-04-28')).lastDay).toBe('2025-05-09');
  });

  it('gives 30 days from the réception for the PDF, past the 15 August holiday (CCAG-T 2014 art. 13.3.2)', () => {
    expect(delaiDepotProjetDecompteFinal('2021', d('2025-07-16'))).toMatchObject({
      lastDay: '2025-08-18',
      source: 'CCAG-T 2021 art. 12.3.2',
    });
  });

  it('restarts the DGP after a suspension with the days left when more than 30 (CCP R2192-29)', () => {
    const started = dgpStarted(d('2025-01-10'), 60);
    expect(started.echeance).toBe('2025-03-11');
    const suspended = dgpSuspended(started, d('2025-01-15'));
    expect(suspended).toMatchObject({ echeance: null, remainingDaysAtSuspension: 55 });
    expect(dgpResumed(suspended, d('2025-02-01'))).toMatchObject({
      runsFrom: '2025-02-01',
      days: 55,
      echeance: '2025-03-28',
    });
    const short = dgpSuspended(dgpStarted(d('2025-01-10'), 30), d('2025-02-01'));
    expect(dgpResumed(short, d('2025-02-10'))).toMatchObject({ days: 30, echeance: '2025-03-12' });
  });

  it('passes a delay at midnight ending its last day, Paris time (CCAG-T 2014 art. 3.2.2)', () => {
    expect(deadlineInstant(d('2025-01-31')).toISOString()).toBe('2025-01-31T23:00:00.000Z');
    expect(deadlineInstant(d('2025-04-18')).toISOString()).toBe('2025-04-18T22:00:00.000Z');
  });

  it('reminds at 0h Paris some days before the last day, only when that day falls inside the wait', () => {
    expect(reminderInstant(d('2025-04-18'), d('2025-04-11'), 3)?.toISOString()).toBe('2025-04-14T22:00:00.000Z');
    expect(reminderInstant(d('2025-04-18'), d('2025-04-16'), 3)).toBeNull();
  });
});
