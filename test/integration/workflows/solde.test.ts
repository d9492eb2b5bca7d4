import { describe, expect, it } from 'vitest';
import { WORKFLOW_EVENT_TYPES } from '../../../shared/domain/workflow';
import { DEMO } from '../../../shared/seed/demo';
import { DOSSIER_WAIT_STATES as W } from '../../../workflows/dossier';
import {
  at,
  type Driver,
  days,
  dossierService,
  driver,
  execution,
  expectWaiting,
  montants,
  useWorkflowPlatform,
} from './helpers';

/**
 * docs/rules/circuits.md#solde: projet de décompte final (A7) → projet de DG (A17, MOE) → DG (A20, MOA) → the titulaire
 * signs, signs with reserves, or stays silent 30 days; and the tacit route (A22 → tacit DGD → A23). The demo marché
 * is under CCAG-T 2021 (art. 12.x); the solde's DGP starts when the DGD forms or reaches the MOA (§6).
 */
const platform = useWorkflowPlatform();
const { sirets } = DEMO;

const piece = (id: string, suffix: string) => ({ id: `${id}-${suffix}`, numero: `${id}-${suffix}` });

/** A7 by the mandataire on `day`, reception notified `reception`; then A17 by the MOE and A20 by the MOA. */
async function toDgNotified(d: Driver, dates: { a7: string; reception: string; a17: string; a20: string }) {
  const p = platform();
  await p.advanceClock(at(dates.a7));
  let r = await d.open('mandataire', {
    type: 'DEPOSER',
    dossierId: d.id,
    piece: { ...piece(d.id, 'A7'), cadre: 'A7', montants: montants(50_000_000) },
    receptionNotifieeLe: dates.reception,
  });
  expect(r.state).toMatchObject({ kind: 'SOLDE', state: 'ETABLISSEMENT_PROJET_DG_MOE' });
  await expectWaiting(platform, d, W.ETABLISSEMENT_PROJET_DG_MOE);
  await p.advanceClock(at(dates.a17));
  r = await d.decide('moe', { type: 'DEPOSER_PROJET_DECOMPTE_GENERAL', piece: piece(d.id, 'A17') });
  expect(r.state).toMatchObject({ state: 'NOTIFICATION_DG_MOA' });
  await expectWaiting(platform, d, W.NOTIFICATION_DG_MOA);
  await p.advanceClock(at(dates.a20));
  r = await d.decide('moa', { type: 'NOTIFIER_DECOMPTE_GENERAL', piece: piece(d.id, 'A20') });
  expect(r.state).toMatchObject({ state: 'SIGNATURE_DG_TITULAIRE', status: 'A_ASSOCIER_FOURNISSEUR' });
  await expectWaiting(platform, d, W.SIGNATURE_DG_TITULAIRE);
  return r;
}

describe('solde', () => {
  it('signed by the titulaire: the DGD (A8) goes to payment, its DGP running from the signature', async () => {
    const p = platform();
    const service = dossierService();
    const d = driver(platform, 'SOL-1', service);
    await p.advanceClock(at('2030-01-07T08:00:00Z'));
    const opened = await d.open('mandataire', {
      type: 'DEPOSER',
      dossierId: 'SOL-1',
      piece: { ...piece('SOL-1', 'A7'), cadre: 'A7', montants: montants(50_000_000) },
      receptionNotifieeLe: '2029-12-20',
    });
    // CCAG-T 2021 art. 12.4.2: the DG is notified within 30 days of the receipt of the A7 (Wednesday 6 February)
    expect(opened.pending).toMatchObject({
      actorSiret: sirets.moe,
      deadlineAt: '2030-02-06T23:00:00.000Z',
      onTimeout: { effect: 'DG_NON_NOTIFIE' },
    });
    await p.advanceClock(at('2030-01-14T09:00:00Z'));
    let r = await d.decide('moe', { type: 'DEPOSER_PROJET_DECOMPTE_GENERAL', piece: piece('SOL-1', 'A17') });
    expect(r.pending).toMatchObject({ actorSiret: sirets.moa, deadlineAt: '2030-02-06T23:00:00.000Z' });
    await p.advanceClock(at('2030-01-28T09:00:00Z'));
    r = await d.decide('moa', { type: 'NOTIFIER_DECOMPTE_GENERAL', piece: piece('SOL-1', 'A20') });
    // CCAG-T 2021 art. 12.4.3: 30 days to answer, to Wednesday 27 February
    expect(r.pending).toMatchObject({
      actorSiret: sirets.mandataire,
      allowedActions: ['SIGNER_DG', 'SIGNER_DG_AVEC_RESERVES', 'REFUSER_DG'],
      deadlineAt: '2030-02-27T23:00:00.000Z',
      onTimeout: { effect: 'DGD_PAR_SILENCE' },
    });

    await p.advanceClock(at('2030-02-04T09:00:00Z'));
    r = await d.decide('mandataire', { type: 'SIGNER_DG', piece: piece('SOL-1', 'A8') });
    expect(r.state).toMatchObject({ state: 'TRAITEMENT_SERVICE_FINANCIER', status: 'MISE_A_DISPOSITION' });
    expect(r.state.solde).toMatchObject({ issueDg: 'SIGNE', dgdLe: '2030-02-04' });
    const [sent] = await d.events(WORKFLOW_EVENT_TYPES.transmitted);
    expect(sent?.details).toMatchObject({ cadre: 'A8' });

    await p.advanceClock(at('2030-02-18T09:00:00Z'));
    r = await d.decide('serviceFinancier', { type: 'METTRE_EN_PAIEMENT' });
    expect(r.state.outcome).toBe('PAYE');
    expect(execution(platform, 'SOL-1').status).toBe('SUCCEEDED');
    // The DGD reaches the MOA on 4 February and the service financier the same day: MOA 0 days, SF 14
    expect(service.clockView(r)).toMatchObject({
      start: '2030-02-04',
      echeance: '2030-03-06',
      daysUsedBy: days(0, 0, 14),
      daysLate: 0,
    });
    await d.expectSound();
  });

  it('signed with reserves: the sums admitted go to payment, the réclamation goes on outside', async () => {
    const p = platform();
    const service = dossierService();
    const d = driver(platform, 'SOL-2', service);
    let r = await toDgNotified(d, {
      a7: '2030-03-04T08:00:00Z',
      reception: '2030-02-20',
      a17: '2030-03-08T09:00:00Z',
      a20: '2030-03-15T09:00:00Z',
    });
    // 15 March + 30 days = Sunday 14 April: a CCAG deadline runs to the next working day, Monday 15 April
    expect(r.pending?.deadlineAt).toBe('2030-04-15T22:00:00.000Z');

    await p.advanceClock(at('2030-03-25T09:00:00Z'));
    r = await d.decide('mandataire', {
      type: 'SIGNER_DG_AVEC_RESERVES',
      piece: piece('SOL-2', 'A8'),
      memoireReclamation: 'Mémoire en réclamation : travaux supplémentaires du lot 2',
      sommesAdmisesCents: 45_000_000,
    });
    expect(r.state.solde).toMatchObject({
      issueDg: 'SIGNE_AVEC_RESERVES',
      dgdLe: null,
      reclamation: { sommesAdmisesCents: 45_000_000, le: '2030-03-25' },
    });
    await expectWaiting(platform, d, W.TRAITEMENT_SERVICE_FINANCIER);
    await p.advanceClock(at('2030-04-05T07:00:00Z'));
    r = await d.decide('serviceFinancier', { type: 'METTRE_EN_PAIEMENT' });
    expect(execution(platform, 'SOL-2').status).toBe('SUCCEEDED');
    expect(service.clockView(r)).toMatchObject({
      status: 'PAYE',
      start: '2030-03-25',
      echeance: '2030-04-24',
      daysUsedBy: days(0, 0, 11),
    });
    expect(await d.events('DGD_SIGNE_AVEC_RESERVES')).toHaveLength(1);
    await d.expectSound();
  });

  it('accepted by 30 days of silence: the DG becomes the DGD on the last day, day 0 of its DGP', async () => {
    const p = platform();
    const service = dossierService();
    const d = driver(platform, 'SOL-3', service);
    let r = await toDgNotified(d, {
      a7: '2030-05-06T07:00:00Z',
      reception: '2030-04-26',
      a17: '2030-05-10T07:00:00Z',
      a20: '2030-05-13T07:00:00Z',
    });
    expect(r.pending?.deadlineAt).toBe('2030-06-12T22:00:00.000Z');

    await p.advanceClock(at('2030-06-13T07:00:00Z'));
    r = await d.record();
    expect(r.state).toMatchObject({ state: 'TRAITEMENT_SERVICE_FINANCIER', status: 'MISE_A_DISPOSITION' });
    expect(r.state.solde).toMatchObject({ issueDg: 'SILENCE', dgdLe: '2030-06-12' });
    const [silence] = await d.events('DGD_PAR_SILENCE');
    expect(silence).toMatchObject({
      actorRole: 'SYSTEM',
      // Formed on the last of the 30 days, 12 June: day 0 of the DGP (docs/rules/dgp.md#start, H9)
      details: { dernierJour: '2030-06-12', dgpDebut: '2030-06-12' },
    });
    expect((await d.events(WORKFLOW_EVENT_TYPES.transmitted)).map((e) => e.details?.cadre)).toEqual(['A20']);
    await expectWaiting(platform, d, W.TRAITEMENT_SERVICE_FINANCIER);
    // A signature after the 30 days is too late: the silence has decided
    await expect(d.decide('mandataire', { type: 'SIGNER_DG', piece: piece('SOL-3', 'A8') })).rejects.toMatchObject({
      code: 'ACTION_NON_AUTORISEE_DANS_CET_ETAT',
    });

    await p.advanceClock(at('2030-06-20T07:00:00Z'));
    r = await d.decide('serviceFinancier', { type: 'METTRE_EN_PAIEMENT' });
    expect(execution(platform, 'SOL-3').status).toBe('SUCCEEDED');
    // Échéance 12 June + 30 = 12 July; MOA 1 day (12 → 13 June, the DG goes on the next day), service financier 7
    // (13 → 20 June)
    expect(service.clockView(r)).toMatchObject({
      start: '2030-06-12',
      echeance: '2030-07-12',
      daysUsedBy: days(0, 1, 7),
    });
    await d.expectSound();
  });

  it('tacit route: DG not notified in time → A22 → no answer in 10 days → tacit DGD → A23 → payment', async () => {
    const p = platform();
    const service = dossierService();
    const d = driver(platform, 'SOL-4', service);
    await p.advanceClock(at('2030-07-01T07:00:00Z'));
    await d.open('mandataire', {
      type: 'DEPOSER',
      dossierId: 'SOL-4',
      piece: { ...piece('SOL-4', 'A7'), cadre: 'A7', montants: montants(50_000_000) },
      receptionNotifieeLe: '2030-06-20',
    });
    await p.advanceClock(at('2030-07-05T07:00:00Z'));
    let r = await d.decide('moe', { type: 'DEPOSER_PROJET_DECOMPTE_GENERAL', piece: piece('SOL-4', 'A17') });
    expect(r.pending?.deadlineAt).toBe('2030-07-31T22:00:00.000Z');

    // The MOA notifies nothing by Wednesday 31 July: the tacit procedure opens; no deadline runs on the titulaire
    await p.advanceClock(at('2030-08-01T07:00:00Z'));
    r = await d.record();
    expect(r.state.state).toBe('DG_NON_NOTIFIE');
    expect(r.pending).toMatchObject({
      actorSiret: sirets.mandataire,
      allowedActions: ['DEPOSER_PROJET_DG_TACITE'],
      otherActors: [{ actorSiret: sirets.moa, allowedActions: ['NOTIFIER_DECOMPTE_GENERAL'] }],
      deadlineAt: '9999-12-31T23:59:59.999Z',
    });
    expect(await d.events('DG_NON_NOTIFIE_DANS_LE_DELAI')).toHaveLength(1);
    await expectWaiting(platform, d, W.DG_NON_NOTIFIE);

    // Monday 5 August: the titulaire notifies its signed projet de DG (A22); the MOE's A17 is replaced
    await p.advanceClock(at('2030-08-05T07:00:00Z'));
    r = await d.decide('mandataire', { type: 'DEPOSER_PROJET_DG_TACITE', piece: piece('SOL-4', 'A22') });
    expect(r.state.state).toBe('REPONSE_MOA_PROJET_DG_TACITE');
    expect(r.state.pieces.find((x) => x.cadre === 'A17')?.status).toBe('REMPLACEE_PAR_A22');
    // 10 days: Thursday 15 August is a public holiday (Assomption): the deadline runs to Friday 16 August
    expect(r.pending).toMatchObject({ actorSiret: sirets.moa, deadlineAt: '2030-08-16T22:00:00.000Z' });
    await expectWaiting(platform, d, W.REPONSE_MOA_PROJET_DG_TACITE);

    // The MOA stays silent: the A22 becomes the tacit DGD on Friday 16 August, day 0 of its DGP, which runs from the
    // next day (CCAG-T art. 13.4.4; docs/rules/dgp.md#start, H8); échéance 16 August + 30 = 15 September
    await p.advanceClock(at('2030-08-19T07:00:00Z'));
    r = await d.record();
    expect(r.state).toMatchObject({ state: 'DEPOT_DGD_TACITE', status: 'DGD_TACITE' });
    expect(r.state.solde).toMatchObject({ issueDg: 'TACITE', dgdLe: '2030-08-16' });
    expect(r.pending).toMatchObject({ deadlineAt: '2030-09-15T22:00:00.000Z' });
    await expectWaiting(platform, d, W.DEPOT_DGD_TACITE);

    await p.advanceClock(at('2030-08-20T07:00:00Z'));
    r = await d.decide('mandataire', { type: 'DEPOSER_DGD_TACITE', piece: piece('SOL-4', 'A23') });
    expect(r.state.pieces.at(-1)).toMatchObject({ cadre: 'A23', status: 'MISE_A_DISPOSITION' });
    await p.advanceClock(at('2030-08-30T07:00:00Z'));
    r = await d.decide('serviceFinancier', { type: 'METTRE_EN_PAIEMENT' });
    expect(r.state.outcome).toBe('PAYE');
    expect(execution(platform, 'SOL-4').status).toBe('SUCCEEDED');
    // MOA 4 days (16 → 20 August), service financier 10 (20 → 30 August)
    expect(service.clockView(r)).toMatchObject({
      start: '2030-08-16',
      echeance: '2030-09-15',
      daysUsedBy: days(0, 4, 10),
      daysLate: 0,
    });
    expect((await d.trail()).filter((t) => t === 'DGD_TACITE')).toHaveLength(1);
    await d.expectSound();
  });
});
