import { describe, expect, it } from 'vitest';
import { stepFunctionsWorkflow } from '../../../shared/adapters/workflow';
import { DomainError } from '../../../shared/domain/errors';
import { WORKFLOW_EVENT_TYPES } from '../../../shared/domain/workflow';
import { DEMO } from '../../../shared/seed/demo';
import { DOSSIER_STATE_NAMES as N, DOSSIER_WAIT_STATES as W } from '../../../workflows/dossier';
import {
  at,
  days,
  dossierService,
  driver,
  execution,
  expectWaiting,
  montants,
  TEST_ECB_RATES,
  useWorkflowPlatform,
  waitsOf,
} from './helpers';

/**
 * docs/rules/circuits.md#monthly-acompte on the embedded platform: the titulaire (the demo's mandataire) deposits its PDM,
 * the dossier's execution walks MOE → MOA → service financier, each wait timed by the rule book, and the DGP clock
 * (§6) is checked after each path: échéance, days per actor, lateness and interest. Dates are 2030 (Paris time;
 * CET = UTC+1 until 31 March, CEST = UTC+2 after).
 */
const platform = useWorkflowPlatform();
const { sirets } = DEMO;

const pdm = (id: string, ht = 10_000_000) => ({
  type: 'DEPOSER' as const,
  dossierId: id,
  piece: { id: `${id}-pdm`, numero: `${id}-PDM`, cadre: 'A4', montants: montants(ht) },
});
const a15 = (id: string, ht = 10_000_000) => ({
  type: 'DEPOSER_ETAT_ACOMPTE' as const,
  piece: { id: `${id}-a15`, numero: `${id}-A15`, montants: montants(ht) },
});
const a19 = (id: string, ht = 10_000_000) => ({
  type: 'VALIDER_ETAT_ACOMPTE' as const,
  piece: { id: `${id}-a19`, numero: `${id}-A19`, montants: montants(ht) },
});

describe('monthly acompte: the titulaire path', () => {
  it('runs acceptance by the MOE → MOA validation → service fait → mandatée → mise en paiement, on time', async () => {
    const p = platform();
    const service = dossierService();
    const d = driver(platform, 'ACPT-1', service);

    // Monday 7 January 2030, 09:00: the PDM is deposited; the execution named after the dossier starts
    await p.advanceClock(at('2030-01-07T08:00:00Z'));
    let r = await d.open('mandataire', pdm('ACPT-1'));
    expect(r.state).toMatchObject({ state: 'EXAMEN_MOE', status: 'MISE_A_DISPOSITION_MOE', version: 1 });
    expect(execution(platform, 'ACPT-1').status).toBe('RUNNING');
    // CCAG-T 2021 art. 12.2.2: 7 days, last day Monday 14 January, ends at midnight Paris
    expect(r.pending).toMatchObject({
      step: 'EXAMEN_MOE',
      actorSiret: sirets.moe,
      allowedActions: ['DEPOSER_ETAT_ACOMPTE', 'REFUSER_MOE'],
      deadlineAt: '2030-01-14T23:00:00.000Z',
    });
    await expectWaiting(platform, d, W.EXAMEN_MOE);

    // A second start with the same name is idempotent: still one execution for the dossier
    await stepFunctionsWorkflow.start('ACPT-1', 'ACPT-1');
    const machine = p.stateMachineArns.Dossier as string;
    expect(p.stepFunctions.listExecutions(machine).filter((e) => e.name === 'ACPT-1')).toHaveLength(1);

    // Thursday 10 January: the MOE accepts the amounts and draws up the état d'acompte (A15)
    await p.advanceClock(at('2030-01-10T09:00:00Z'));
    r = await d.decide('moe', a15('ACPT-1'));
    expect(r.state).toMatchObject({ state: 'VALIDATION_MOA', status: 'MISE_A_DISPOSITION_MOA' });
    // No tacit effect on the MOA's wait: its deadline is the DGP échéance (7 January + 30 days)
    expect(r.pending).toMatchObject({ actorSiret: sirets.moa, deadlineAt: '2030-02-06T23:00:00.000Z' });
    await expectWaiting(platform, d, W.VALIDATION_MOA);

    // Tuesday 15 January: the MOA validates (A19); the piece is transmitted to the service financier
    await p.advanceClock(at('2030-01-15T09:00:00Z'));
    r = await d.decide('moa', a19('ACPT-1'));
    expect(r.state).toMatchObject({ state: 'TRAITEMENT_SERVICE_FINANCIER', status: 'MISE_A_DISPOSITION' });
    await expectWaiting(platform, d, W.TRAITEMENT_SERVICE_FINANCIER);
    const [sent] = await d.events(WORKFLOW_EVENT_TYPES.transmitted);
    expect(sent?.details).toMatchObject({
      pieceId: 'ACPT-1-a19',
      cadre: 'A19',
      destinataire: { siret: sirets.serviceFinancier },
    });

    await p.advanceClock(at('2030-01-17T09:00:00Z'));
    expect((await d.decide('serviceFinancier', { type: 'SERVICE_FAIT' })).status).toBe('SERVICE_FAIT');
    await p.advanceClock(at('2030-01-21T09:00:00Z'));
    expect((await d.decide('serviceFinancier', { type: 'MANDATER' })).status).toBe('MANDATEE');
    await expectWaiting(platform, d, W.TRAITEMENT_SERVICE_FINANCIER);
    await p.advanceClock(at('2030-01-24T09:00:00Z'));
    r = await d.decide('serviceFinancier', { type: 'METTRE_EN_PAIEMENT' });

    expect(r).toMatchObject({ open: false, status: 'MISE_EN_PAIEMENT' });
    expect(r.state.outcome).toBe('PAYE');
    expect(r.pending).toBeUndefined();
    expect(execution(platform, 'ACPT-1').status).toBe('SUCCEEDED');
    expect(waitsOf(platform, 'ACPT-1')).toEqual([]);
    // docs/rules/dgp.md#start: day 0 = 7 January, échéance 6 February; MOE 3 days, MOA 5, service financier 9; paid on time
    expect(service.clockView(r)).toMatchObject({
      status: 'PAYE',
      start: '2030-01-07',
      echeance: '2030-02-06',
      asOf: '2030-01-24',
      daysUsedBy: days(3, 5, 9),
      daysLate: 0,
      indemnityCents: 0,
    });
    expect(await d.trail()).toEqual([
      'PIECE_DEPOSEE',
      'MISE_A_DISPOSITION',
      WORKFLOW_EVENT_TYPES.clock,
      'PIECE_DEPOSEE',
      'MISE_A_DISPOSITION',
      WORKFLOW_EVENT_TYPES.clock,
      'PIECE_DEPOSEE',
      'MISE_A_DISPOSITION',
      WORKFLOW_EVENT_TYPES.clock,
      WORKFLOW_EVENT_TYPES.transmitted,
      'SERVICE_FAIT',
      'MANDATEE',
      'MISE_EN_PAIEMENT',
      'DOSSIER_CLOS',
      WORKFLOW_EVENT_TYPES.closed,
    ]);
    const holders = (await d.events(WORKFLOW_EVENT_TYPES.clock)).map((e) => e.details?.detenteur);
    expect(holders).toEqual(['MOE', 'MOA', 'SERVICE_FINANCIER']);
    const [closed] = await d.events(WORKFLOW_EVENT_TYPES.closed);
    expect(closed?.details).toMatchObject({
      issue: 'PAYE',
      delaiDePaiement: { statut: 'PAYE', echeance: '2030-02-06', joursDeRetard: 0 },
    });
    await d.expectSound();
  });

  it('pays late after a correction by the MOE: the wait is flagged late at the échéance, interest is due', async () => {
    const p = platform();
    const service = dossierService(TEST_ECB_RATES);
    const d = driver(platform, 'ACPT-2', service);

    await p.advanceClock(at('2030-02-04T08:00:00Z'));
    await d.open('mandataire', pdm('ACPT-2', 10_000_000));
    // Friday 8 February: the MOE corrects the amounts (a disagreement on amounts is never a refusal)
    await p.advanceClock(at('2030-02-08T09:00:00Z'));
    await d.decide('moe', a15('ACPT-2', 9_000_000));
    expect(await d.events('MONTANTS_CORRIGES')).toHaveLength(1);
    await p.advanceClock(at('2030-02-12T09:00:00Z'));
    let r = await d.decide('moa', a19('ACPT-2', 9_000_000));
    expect(r.pending?.deadlineAt).toBe('2030-03-06T23:00:00.000Z');

    // The service financier lets the échéance (Wednesday 6 March) pass: flagged late, the wait goes on
    const moved = await p.advanceClock(at('2030-03-08T09:00:00Z'));
    // The wait's timeout, armed from the data, falls due at the échéance's end (to the second above)
    const timeout = moved.fired.find((t) => t.kind === 'TaskTimeout' && t.stateName === W.TRAITEMENT_SERVICE_FINANCIER);
    const overshoot = (timeout?.dueAt.getTime() ?? 0) - Date.parse('2030-03-06T23:00:00Z');
    expect(overshoot).toBeGreaterThanOrEqual(0);
    expect(overshoot).toBeLessThan(1000);
    r = await d.record();
    expect(r.state).toMatchObject({ state: 'TRAITEMENT_SERVICE_FINANCIER', wait: { lateSince: '2030-03-07' } });
    expect(r.pending?.deadlineAt).toBe('9999-12-31T23:59:59.999Z');
    const [late] = await d.events('RETARD_SIGNALE');
    expect(late).toMatchObject({ actorRole: 'SYSTEM', details: { dernierJour: '2030-03-06' } });
    await expectWaiting(platform, d, W.TRAITEMENT_SERVICE_FINANCIER);
    // The late flag moved the version, not the piece: it was transmitted to the service financier once
    expect(await d.events(WORKFLOW_EVENT_TYPES.transmitted)).toHaveLength(1);

    await p.advanceClock(at('2030-03-11T09:00:00Z'));
    await d.decide('serviceFinancier', { type: 'SERVICE_FAIT' });
    await p.advanceClock(at('2030-03-13T09:00:00Z'));
    await d.decide('serviceFinancier', { type: 'MANDATER' });
    await p.advanceClock(at('2030-03-15T09:00:00Z'));
    r = await d.decide('serviceFinancier', { type: 'METTRE_EN_PAIEMENT' });

    expect(execution(platform, 'ACPT-2').status).toBe('SUCCEEDED');
    // Paid on 15 March, 9 days after the échéance: MOE 4 days, MOA 4, service financier 31
    // CCP R2192-31, décret 2013-269 art. 8: base = 108 000,00 € TTC − retenue de garantie 5 % (5 400,00 €)
    // = 102 600,00 €; × (2.00 % + 8 points) × 9 / 365 = 252,99 € (25 299 cents); + 40 € indemnity
    const view = service.clockView(r);
    expect(view).toMatchObject({
      status: 'PAYE',
      start: '2030-02-04',
      echeance: '2030-03-06',
      daysUsedBy: days(4, 4, 31),
      daysLate: 9,
      indemnityCents: 4000,
    });
    expect(view?.lateInterest).toMatchObject({ ok: true, value: { days: 9, rateBp: 1000, interestCents: 25_299 } });
    // The product's own ECB table stops in 2025: the interest is reported as unknown, never guessed
    const [closed] = await d.events(WORKFLOW_EVENT_TYPES.closed);
    expect(closed?.details).toMatchObject({
      delaiDePaiement: {
        joursDeRetard: 9,
        indemniteForfaitaireCents: 4000,
        interetsMoratoires: { erreur: 'TAUX_BCE_INCONNU' },
      },
    });
    await d.expectSound();
  });

  it('stops on a refusal by the MOE, and a refusal for amounts is turned down without disturbing the wait', async () => {
    const p = platform();
    const service = dossierService();
    const d = driver(platform, 'ACPT-3', service);
    await p.advanceClock(at('2030-03-18T08:00:00Z'));
    await d.open('mandataire', pdm('ACPT-3'));
    await p.advanceClock(at('2030-03-19T09:00:00Z'));

    const amounts = d.decide('moe', { type: 'REFUSER_MOE', motif: 'ERREUR_MONTANT' });
    await expect(amounts).rejects.toBeInstanceOf(DomainError);
    await expect(amounts).rejects.toMatchObject({ code: 'REFUS_POUR_MONTANT_INTERDIT' });
    await expectWaiting(platform, d, W.EXAMEN_MOE);

    const r = await d.decide('moe', { type: 'REFUSER_MOE', motif: 'MAUVAIS_DESTINATAIRE' });
    expect(r).toMatchObject({ open: false, status: 'REFUSEE_MOE' });
    expect(r.state.outcome).toBe('REFUSE_MOE');
    expect(execution(platform, 'ACPT-3').status).toBe('SUCCEEDED');
    expect(service.clockView(r)).toMatchObject({ status: 'ANNULE', daysLate: 0 });
    expect((await d.trail()).slice(-3)).toEqual(['PIECE_REFUSEE', 'DOSSIER_CLOS', WORKFLOW_EVENT_TYPES.closed]);
    await d.expectSound();
  });

  it('applies the MOE silence, lets the titulaire address the MOA, and restarts the DGP after a suspension', async () => {
    const p = platform();
    const service = dossierService();
    const d = driver(platform, 'ACPT-4', service);

    // Monday 1 April 2030 (CEST), 09:00
    await p.advanceClock(at('2030-04-01T07:00:00Z'));
    let r = await d.open('mandataire', pdm('ACPT-4'));
    expect(r.pending?.deadlineAt).toBe('2030-04-08T22:00:00.000Z');

    // The MOE says nothing: at midnight ending Monday 8 April the system applies the rule
    await p.advanceClock(at('2030-04-09T07:00:00Z'));
    r = await d.record();
    expect(r.state).toMatchObject({
      state: 'MOE_HORS_DELAI',
      status: 'ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE',
      moeHorsDelai: true,
    });
    const [silence] = await d.events('DELAI_MOE_DEPASSE');
    // Applied when the deadline passed (the timer fires at midnight ending the last day)
    expect(silence?.actorRole).toBe('SYSTEM');
    expect(Date.parse(silence?.at ?? '') - Date.parse('2030-04-08T22:00:00Z')).toBeGreaterThanOrEqual(0);
    expect(Date.parse(silence?.at ?? '') - Date.parse('2030-04-08T22:00:00Z')).toBeLessThan(2000);
    // The titulaire may now address the MOA; the late MOE may still act; no tacit effect before the DGP échéance
    expect(r.pending).toMatchObject({
      actorSiret: sirets.mandataire,
      allowedActions: ['SAISIR_MOA_DIRECTEMENT'],
      otherActors: [{ actorSiret: sirets.moe }],
      deadlineAt: '2030-05-01T22:00:00.000Z',
    });
    await expectWaiting(platform, d, W.MOE_HORS_DELAI);

    await p.advanceClock(at('2030-04-10T07:00:00Z'));
    r = await d.decide('mandataire', { type: 'SAISIR_MOA_DIRECTEMENT' });
    expect(r.state).toMatchObject({ state: 'VALIDATION_MOA' });
    await p.advanceClock(at('2030-04-12T07:00:00Z'));
    await d.decide('moa', a19('ACPT-4'));

    // Monday 15 April: the service financier suspends (once), listing the missing document
    await p.advanceClock(at('2030-04-15T07:00:00Z'));
    r = await d.decide('serviceFinancier', { type: 'SUSPENDRE', documentsManquants: ['Attestation URSSAF'] });
    expect(r.state).toMatchObject({ state: 'COMPLEMENT_FOURNISSEUR', status: 'SUSPENDUE' });
    await expectWaiting(platform, d, W.COMPLEMENT_FOURNISSEUR);
    // CCP R2192-29: 16 days were left (échéance 1 May)
    expect(service.clockView(r)).toMatchObject({ status: 'SUSPENDU', daysLeft: 16 });

    // Thursday 25 April: the documents come; a new delay of max(30, 16) = 30 days runs: échéance 25 May
    await p.advanceClock(at('2030-04-25T07:00:00Z'));
    r = await d.decide('mandataire', { type: 'COMPLETER', documents: ['Attestation URSSAF'] });
    expect(r.state).toMatchObject({ state: 'TRAITEMENT_SERVICE_FINANCIER', status: 'COMPLETEE' });
    expect(r.pending?.deadlineAt).toBe('2030-05-25T22:00:00.000Z');
    expect((await d.events(WORKFLOW_EVENT_TYPES.transmitted)).map((e) => e.details?.complement)).toEqual([false, true]);
    // A second suspension is refused (CCP R2192-27)
    await expect(
      d.decide('serviceFinancier', { type: 'SUSPENDRE', documentsManquants: ['RIB'] }),
    ).rejects.toMatchObject({ code: 'SUSPENSION_DEJA_UTILISEE' });

    await p.advanceClock(at('2030-04-29T07:00:00Z'));
    await d.decide('serviceFinancier', { type: 'SERVICE_FAIT' });
    await p.advanceClock(at('2030-05-02T07:00:00Z'));
    await d.decide('serviceFinancier', { type: 'MANDATER' });
    await p.advanceClock(at('2030-05-06T07:00:00Z'));
    r = await d.decide('serviceFinancier', { type: 'METTRE_EN_PAIEMENT' });

    expect(execution(platform, 'ACPT-4').status).toBe('SUCCEEDED');
    // MOE 9 days (it held the dossier while silent), MOA 2, service financier 3 + 11; 10 days suspended, not counted
    expect(service.clockView(r)).toMatchObject({
      status: 'PAYE',
      start: '2030-04-01',
      echeance: '2030-05-25',
      daysSuspended: 10,
      daysElapsed: 25,
      daysUsedBy: days(9, 2, 14),
      daysLate: 0,
    });
    const clockStatuses = (await d.events(WORKFLOW_EVENT_TYPES.clock)).map((e) => [
      e.details?.statut,
      e.details?.echeance,
    ]);
    expect(clockStatuses).toEqual([
      ['EN_COURS', '2030-05-01'],
      ['EN_COURS', '2030-05-01'],
      ['EN_COURS', '2030-05-01'],
      ['SUSPENDU', null],
      ['EN_COURS', '2030-05-25'],
    ]);
    await d.expectSound();
  });

  it('recycles a piece sent to the wrong addressee, transmits it again, then rejects it', async () => {
    const p = platform();
    const service = dossierService();
    const d = driver(platform, 'ACPT-5', service);
    await p.advanceClock(at('2030-05-13T07:00:00Z'));
    await d.open('mandataire', pdm('ACPT-5'));
    await p.advanceClock(at('2030-05-14T07:00:00Z'));
    await d.decide('moe', a15('ACPT-5'));
    await p.advanceClock(at('2030-05-15T07:00:00Z'));
    await d.decide('moa', a19('ACPT-5'));

    await p.advanceClock(at('2030-05-16T07:00:00Z'));
    let r = await d.decide('serviceFinancier', { type: 'METTRE_A_RECYCLER', motif: 'Engagement juridique erroné' });
    expect(r.state).toMatchObject({ state: 'RECYCLAGE', status: 'A_RECYCLER' });
    // Chorus Pro « recycler »: the depositor of the piece (the MOA, for its A19) re-addresses it
    expect(r.pending).toMatchObject({ actorSiret: sirets.moa, allowedActions: ['RECYCLER'] });
    await expectWaiting(platform, d, W.RECYCLAGE);

    await p.advanceClock(at('2030-05-17T07:00:00Z'));
    r = await d.decide('moa', { type: 'RECYCLER', engagementJuridique: 'EJ-2030-000777' });
    expect(r.state).toMatchObject({ state: 'TRAITEMENT_SERVICE_FINANCIER', status: 'MISE_A_DISPOSITION' });
    const sent = await d.events(WORKFLOW_EVENT_TYPES.transmitted);
    expect(sent.map((e) => e.details?.destinataire)).toEqual([
      r.state.parties.serviceFinancier,
      { ...r.state.parties.serviceFinancier, engagementJuridique: 'EJ-2030-000777' },
    ]);

    await p.advanceClock(at('2030-05-20T07:00:00Z'));
    r = await d.decide('serviceFinancier', { type: 'REJETER', motif: 'Pièce en double' });
    expect(r).toMatchObject({ open: false, status: 'REJETEE' });
    expect(r.state.outcome).toBe('REJETE');
    expect(execution(platform, 'ACPT-5').status).toBe('SUCCEEDED');
    expect(service.clockView(r)).toMatchObject({ status: 'ANNULE' });
    expect((await d.trail()).slice(-3)).toEqual(['REJETEE', 'DOSSIER_CLOS', WORKFLOW_EVENT_TYPES.closed]);
    // Nothing is left waiting, and the circuit's last state is the succeeded end
    const history = p.stepFunctions.getExecutionHistory(execution(platform, 'ACPT-5').executionArn);
    const entered = history
      .filter((e) => e.type.endsWith('StateEntered'))
      .map((e) => (e as unknown as { stateEnteredEventDetails: { name: string } }).stateEnteredEventDetails.name);
    expect(entered.at(-1)).toBe(N.clos);
    expect(entered).toContain(W.RECYCLAGE);
    await d.expectSound();
  });
});
