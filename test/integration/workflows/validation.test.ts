import { describe, expect, it } from 'vitest';
import { WORKFLOW_EVENT_TYPES } from '../../../shared/domain/workflow';
import { DEMO } from '../../../shared/seed/demo';
import { DOSSIER_WAIT_STATES as W } from '../../../workflows/dossier';
import { at, days, dossierService, driver, execution, expectWaiting, montants, useWorkflowPlatform } from './helpers';

/**
 * docs/rules/circuits.md#validation: the validation stages in front of the titulaire's
 * path. In the demo marché the sous-traitant (paiement direct) and the cotraitant are both validated by the
 * mandataire. The DGP of a sous-traitant starts at the titulaire's acceptance or at the end of its 15 days (§6).
 */
const platform = useWorkflowPlatform();
const { sirets } = DEMO;

const piece = (id: string, suffix: string, ht = 2_000_000) => ({
  id: `${id}-${suffix}`,
  numero: `${id}-${suffix}`,
  montants: montants(ht),
});
const deposit = (id: string, cadre: 'A10' | 'A13') => ({
  type: 'DEPOSER' as const,
  dossierId: id,
  piece: { ...piece(id, cadre), cadre },
});

/** MOE → MOA → service financier, straight to the payment (intermediate statuses are optional). */
async function toPayment(d: ReturnType<typeof driver>, dates: [string, string, string]) {
  const p = platform();
  await p.advanceClock(at(dates[0]));
  await d.decide('moe', { type: 'DEPOSER_ETAT_ACOMPTE', piece: piece(d.id, 'A15') });
  await p.advanceClock(at(dates[1]));
  await d.decide('moa', { type: 'VALIDER_ETAT_ACOMPTE', piece: piece(d.id, 'A19') });
  await p.advanceClock(at(dates[2]));
  return d.decide('serviceFinancier', { type: 'METTRE_EN_PAIEMENT' });
}

describe('validation by the titulaire (mandataire) before the MOE', () => {
  it('subcontractor validated: its DGP starts on the acceptance, then the titulaire’s path', async () => {
    const p = platform();
    const service = dossierService();
    const d = driver(platform, 'ST-1', service);
    await p.advanceClock(at('2030-01-07T08:00:00Z'));
    let r = await d.open('sousTraitant', deposit('ST-1', 'A10'));
    expect(r.state).toMatchObject({ state: 'VALIDATION_1', status: 'A_VALIDER_1', origin: 'SOUS_TRAITANT' });
    // CCP R2193-12, R2193-16: 15 days from the deposit, not moved to a working day: Tuesday 22 January
    expect(r.pending).toMatchObject({
      actorSiret: sirets.mandataire,
      allowedActions: ['VALIDER', 'REFUSER'],
      deadlineAt: '2030-01-22T23:00:00.000Z',
      onTimeout: { effect: 'ACCEPTATION_TACITE' },
    });
    await expectWaiting(platform, d, W.VALIDATION_1);
    expect(service.clockView(r)).toMatchObject({ status: 'NON_DEMARRE' });

    await p.advanceClock(at('2030-01-09T09:00:00Z'));
    r = await d.decide('mandataire', { type: 'VALIDER' });
    expect(r.state).toMatchObject({ state: 'EXAMEN_MOE', status: 'MISE_A_DISPOSITION_MOE' });
    expect(r.state.pieces[0]?.status).toBe('VALIDEE_1');
    await expectWaiting(platform, d, W.EXAMEN_MOE);

    r = await toPayment(d, ['2030-01-11T09:00:00Z', '2030-01-14T09:00:00Z', '2030-01-18T09:00:00Z']);
    expect(r).toMatchObject({ open: false, status: 'MISE_EN_PAIEMENT' });
    expect(execution(platform, 'ST-1').status).toBe('SUCCEEDED');
    expect(service.clockView(r)).toMatchObject({
      start: '2030-01-09',
      echeance: '2030-02-08',
      daysUsedBy: days(2, 3, 4),
      daysLate: 0,
    });
    await d.expectSound();
  });

  it('subcontractor refused: the dossier closes with the reasons, no DGP ever ran', async () => {
    const p = platform();
    const service = dossierService();
    const d = driver(platform, 'ST-2', service);
    await p.advanceClock(at('2030-02-04T08:00:00Z'));
    await d.open('sousTraitant', deposit('ST-2', 'A10'));
    await p.advanceClock(at('2030-02-05T09:00:00Z'));
    const r = await d.decide('mandataire', { type: 'REFUSER', motifs: 'Travaux non réalisés à ce jour' });
    expect(r).toMatchObject({ open: false, status: 'REFUSEE_1' });
    expect(r.state).toMatchObject({
      outcome: 'REFUSE_VALIDEUR',
      validations: [
        { niveau: 1, siret: sirets.mandataire, outcome: 'REFUSEE', motifs: 'Travaux non réalisés à ce jour' },
      ],
    });
    expect(execution(platform, 'ST-2').status).toBe('SUCCEEDED');
    expect(service.clockView(r)).toMatchObject({ status: 'NON_DEMARRE', daysElapsed: 0 });
    expect(await d.trail()).toEqual([
      'PIECE_DEPOSEE',
      'MISE_A_DISPOSITION',
      'PIECE_REFUSEE',
      'DOSSIER_CLOS',
      WORKFLOW_EVENT_TYPES.closed,
    ]);
    await d.expectSound();
  });

  it('subcontractor accepted by 15 days of silence: the DGP starts on the last day of the 15', async () => {
    const p = platform();
    const service = dossierService();
    const d = driver(platform, 'ST-3', service);
    await p.advanceClock(at('2030-03-04T08:00:00Z'));
    await d.open('sousTraitant', deposit('ST-3', 'A10'));

    // Nothing until Wednesday 20 March: at midnight ending Tuesday 19 March, silence is acceptance
    const moved = await p.advanceClock(at('2030-03-20T08:00:00Z'));
    expect(moved.fired.filter((t) => t.kind === 'TaskTimeout').map((t) => t.stateName)).toEqual([W.VALIDATION_1]);
    let r = await d.record();
    expect(r.state).toMatchObject({ state: 'EXAMEN_MOE', status: 'MISE_A_DISPOSITION_MOE' });
    expect(r.state.pieces[0]?.status).toBe('ABSENCE_VALIDATION_1_HORS_DELAI');
    expect(r.state.validations).toEqual([{ niveau: 1, siret: sirets.mandataire, outcome: 'TACITE', on: '2030-03-19' }]);
    const [tacit] = await d.events('VALIDATION_TACITE');
    expect(tacit).toMatchObject({ actorRole: 'SYSTEM', details: { le: '2030-03-19' } });
    // The MOE's 7 days run from the piece reaching it (19 March): Tuesday 26 March
    expect(r.pending).toMatchObject({ actorSiret: sirets.moe, deadlineAt: '2030-03-26T23:00:00.000Z' });
    await expectWaiting(platform, d, W.EXAMEN_MOE);
    // A late validation is refused: the silence has already decided
    await expect(d.decide('mandataire', { type: 'VALIDER' })).rejects.toMatchObject({
      code: 'ACTION_NON_AUTORISEE_DANS_CET_ETAT',
    });

    r = await toPayment(d, ['2030-03-21T09:00:00Z', '2030-03-25T09:00:00Z', '2030-03-28T09:00:00Z']);
    expect(execution(platform, 'ST-3').status).toBe('SUCCEEDED');
    expect(service.clockView(r)).toMatchObject({
      status: 'PAYE',
      start: '2030-03-19',
      echeance: '2030-04-18',
      daysUsedBy: days(2, 4, 3),
    });
    await d.expectSound();
  });

  it('cotraitant: its piece goes through the mandataire, then the titulaire’s path', async () => {
    const p = platform();
    const service = dossierService();
    const d = driver(platform, 'CO-1', service);
    await p.advanceClock(at('2030-04-01T07:00:00Z'));
    let r = await d.open('cotraitant', deposit('CO-1', 'A13'));
    expect(r.state).toMatchObject({ state: 'VALIDATION_1', origin: 'COTRAITANT' });
    expect(r.pending).toMatchObject({ actorSiret: sirets.mandataire, deadlineAt: '2030-04-16T22:00:00.000Z' });
    await expectWaiting(platform, d, W.VALIDATION_1);
    // Validation happens in « Factures à valider », which the cotraitant does not have: it cannot pass its piece on
    await expect(d.decide('cotraitant', { type: 'VALIDER' })).rejects.toMatchObject({ code: 'ESPACE_NON_SOUSCRIT' });

    await p.advanceClock(at('2030-04-03T07:00:00Z'));
    r = await d.decide('mandataire', { type: 'VALIDER' });
    expect(r.state).toMatchObject({ state: 'EXAMEN_MOE' });
    r = await toPayment(d, ['2030-04-05T07:00:00Z', '2030-04-09T07:00:00Z', '2030-04-12T07:00:00Z']);
    expect(r.state.outcome).toBe('PAYE');
    expect(execution(platform, 'CO-1').status).toBe('SUCCEEDED');
    // DGP from the day the PDM reached the MOE (after the mandataire's validation)
    expect(service.clockView(r)).toMatchObject({
      start: '2030-04-03',
      echeance: '2030-05-03',
      daysUsedBy: days(2, 4, 3),
    });
    await d.expectSound();
  });
});
