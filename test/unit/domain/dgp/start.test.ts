import { describe, expect, it } from 'vitest';
import { calendarDate } from '../../../../shared/domain/calendar';
import { delaiReponseProjetDgTacite } from '../../../../shared/domain/circuits/deadlines';
import {
  DEFAULT_DGP_RECEIVER,
  dgpStart,
  dgpStartAcompteMensuel,
  dgpStartDgdTacite,
  dgpStartSolde,
  dgpStartSousTraitant,
  echeanceOfDelay,
} from '../../../../shared/domain/dgp';

const d = calendarDate;

describe('DGP start: monthly acompte (CCP R2192-12, R2192-15)', () => {
  const madeAvailableTo = { MOE: d('2025-03-03'), MOA: d('2025-03-10') };

  it('starts when the PDM is made available to the MOE, the default receiver', () => {
    expect(DEFAULT_DGP_RECEIVER).toBe('MOE');
    expect(dgpStartAcompteMensuel({ madeAvailableTo })).toEqual({ on: '2025-03-03', holder: 'MOE' });
  });

  it('starts when it reaches the MOA when the marché names the MOA', () => {
    expect(dgpStartAcompteMensuel({ receiver: 'MOA', madeAvailableTo })).toEqual({ on: '2025-03-10', holder: 'MOA' });
  });

  it('has not started while the named receiver has not received it', () => {
    expect(dgpStartAcompteMensuel({ receiver: 'MOA', madeAvailableTo: { MOE: d('2025-03-03') } })).toBeUndefined();
  });
});

describe('DGP start: sous-traitant in paiement direct (CCP R2192-22, R2192-23; R2193-13, R2193-16)', () => {
  const depositedOn = d('2025-03-03'); // the titulaire's 15 days end on 18 March 2025

  it.each<[string, { accepted: boolean; on: string } | undefined, string, string | undefined]>([
    ['acceptance within the 15 days', { accepted: true, on: '2025-03-10' }, '2025-03-10', '2025-03-10'],
    ['acceptance on the 15th day', { accepted: true, on: '2025-03-18' }, '2025-03-18', '2025-03-18'],
    ['refusal within the 15 days', { accepted: false, on: '2025-03-10' }, '2025-03-30', undefined],
    ['silence, 15th day not over', undefined, '2025-03-18', undefined],
    ['silence, 15 days run out (silence is acceptance)', undefined, '2025-03-19', '2025-03-18'],
    ['refusal after the 15 days (already accepted)', { accepted: false, on: '2025-03-20' }, '2025-03-20', '2025-03-18'],
  ])('%s → %s', (_case, decision, today, expected) => {
    const result = dgpStartSousTraitant({
      depositedOn,
      titulaireDecision: decision === undefined ? undefined : { accepted: decision.accepted, on: d(decision.on) },
      today: d(today),
    });
    expect(result?.on).toBe(expected);
    if (expected !== undefined) expect(result?.holder).toBe('MOE');
  });
});

describe('DGP start: solde (CCP R2192-16; CCAG-T 2014 art. 13.4.4)', () => {
  it('starts on the MOA receipt of the DGD', () => {
    expect(dgpStartSolde({ dgdReceivedByMoaOn: d('2025-09-15') })).toEqual({ on: '2025-09-15', holder: 'MOA' });
  });

  it('starts on the formation of the tacit DGD', () => {
    expect(dgpStartSolde({ tacitDgdFormedOn: d('2025-10-06') })).toEqual({ on: '2025-10-06', holder: 'MOA' });
  });

  it('has not started without either', () => {
    expect(dgpStartSolde({})).toBeUndefined();
  });
});

describe('DGP start: tacit DGD (CCAG-T 2014 art. 13.4.4 / 2021 art. 12.4.4; assumption H8)', () => {
  it('A22 on Fri 2 May 2025: tacit DGD formed Mon 12 May = day 0, DGP runs from 13 May, échéance 11 June 2025', () => {
    // The MOA's 10 days: 2 May + 10 = Monday 12 May 2025, a working day, so not moved (art. 3.2.4)
    const reply = delaiReponseProjetDgTacite('2009', d('2025-05-02'));
    expect(reply.lastDay).toBe('2025-05-12');
    // Silence: the tacit DGD forms on 12 May, the expiry day; "le délai de paiement du solde court à compter du
    // lendemain de l'expiration de ce délai": 13 May is the DGP's first running day, so 12 May is its day 0
    const start = dgpStartDgdTacite(reply.lastDay);
    expect(start).toEqual({ on: '2025-05-12', holder: 'MOA' });
    expect(dgpStartSolde({ tacitDgdFormedOn: reply.lastDay })).toEqual(start);
    // 30-day DGP: day 30 = 12 May + 30 = 11 June 2025 (19 days to 31 May, then 11)
    expect(echeanceOfDelay(start.on, 30)).toBe('2025-06-11');
  });
});

describe('dgpStart dispatches on the dossier kind', () => {
  it.each([
    [{ kind: 'ACOMPTE_MENSUEL' as const, madeAvailableTo: { MOE: d('2025-03-03') } }, '2025-03-03'],
    [{ kind: 'SOUS_TRAITANT' as const, depositedOn: d('2025-03-03'), today: d('2025-04-01') }, '2025-03-18'],
    [{ kind: 'SOLDE' as const, dgdReceivedByMoaOn: d('2025-09-15') }, '2025-09-15'],
  ])('%o → %s', (input, expected) => {
    expect(dgpStart(input)?.on).toBe(expected);
  });
});
