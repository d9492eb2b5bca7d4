import { describe, expect, it } from 'vitest';
import { addDays, type CalendarDate, parisDateOf } from '../../../../shared/domain/calendar';
import { useWorld } from './world';

/**
 * The figures the portal draws the DGP with (GET /v1/dossiers/{id}, `delai` and `attente`), for a monthly acompte
 * suspended once then paid late, on the embedded platform with its movable clock. Every date is day 0 (the PDM's
 * deposit, when the delay starts) plus a number of days chosen by the test; the expected figures are worked out
 * below by hand.
 */
const world = useWorld();
const M = { ht: '10000.00', tva: '2000.00', ttc: '12000.00' };

describe('the DGP picture through the API', () => {
  it('a suspended-then-late acompte: holders’ periods, the gap, the late days, the pending step’s dates', async () => {
    const w = world();
    const day = async (n: number) => {
      const now = await w.platform.advanceClock({ to: new Date(start.getTime() + n * 86_400_000) });
      await w.refreshSessions();
      return now;
    };
    const start = w.platform.clock.now();
    const d0 = parisDateOf(start);
    const D = (n: number): CalendarDate => addDays(d0, n);

    const opened = await w.open(w.as.mandataire, { cadre: 'A4', numero: 'PDM-DGP-PIC', montants: M });
    const id = opened.dossierId;
    const first = (await w.as.moe.get(`/v1/dossiers/${id}`)).body;
    // The MOE's wait began on day 0, the day the PDM reached it.
    expect(first.attente.depuis).toBe(D(0));
    expect(first.attente.dernierJour).toEqual(expect.any(String));

    await day(2);
    let r = await w.follow(w.as.moe, id, opened.version, {
      type: 'DEPOSER_ETAT_ACOMPTE',
      cadre: 'A15',
      numero: 'EA-DGP-PIC',
      montants: M,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const atMoa = (await w.as.moa.get(`/v1/dossiers/${id}`)).body;
    expect(atMoa.attente.depuis).toBe(D(2));

    await day(5);
    r = await w.follow(w.as.moa, id, r.version, {
      type: 'VALIDER_ETAT_ACOMPTE',
      cadre: 'A19',
      numero: 'EAV-DGP-PIC',
      montants: M,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);

    await day(7);
    r = await w.act(w.as.serviceFinancier, id, r.version, { type: 'SUSPENDRE', documentsManquants: ['RIB'] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);

    await day(17);
    r = await w.act(w.as.mandataire, id, r.version, { type: 'COMPLETER', documents: ['RIB'] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);

    await day(51);
    r = await w.act(w.as.serviceFinancier, id, (await w.as.serviceFinancier.get(`/v1/dossiers/${id}`)).version!, {
      type: 'METTRE_EN_PAIEMENT',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);

    const read = await w.as.moa.get(`/v1/dossiers/${id}`);
    expect(read.status).toBe(200);
    const delai = read.body.delai;
    // Day 0 is not counted. MOE: days 1..2 (2); MOA: days 3..5 (3); service financier: days 6..7 (2), then the
    // suspension (notified day 7) stops the clock. Days left at the suspension: 30 − 7 = 23; the new delay is
    // max(30, 23) = 30 (CCP R2192-29), running from the complete answer on day 17: échéance = day 47.
    // Gap: days 8..17 (10). On time after it: days 18..47 (30). Paid day 51: late days 48..51 (4).
    // Elapsed: 51 − 10 = 41 = 2 + 3 + 2 + 30 + 4.
    expect(delai).toMatchObject({
      statut: 'PAYE',
      debut: D(0),
      echeance: D(47),
      joursEcoules: 41,
      joursSuspendus: 10,
      joursParActeur: { MOE: 2, MOA: 3, SERVICE_FINANCIER: 36 },
      joursDeRetard: 4,
      enRetardDepuis: D(48),
      joursDeRetardParActeur: { MOE: 0, MOA: 0, SERVICE_FINANCIER: 4 },
      indemniteForfaitaire: '40.00',
      periodeSuspendue: { du: D(8), au: D(17), jours: 10, enCours: false },
    });
    expect(delai.periodes).toEqual([
      { detenteur: 'MOE', du: D(1), au: D(2), jours: 2, enRetard: false },
      { detenteur: 'MOA', du: D(3), au: D(5), jours: 3, enRetard: false },
      { detenteur: 'SERVICE_FINANCIER', du: D(6), au: D(7), jours: 2, enRetard: false },
      { detenteur: 'SERVICE_FINANCIER', du: D(18), au: D(47), jours: 30, enRetard: false },
      { detenteur: 'SERVICE_FINANCIER', du: D(48), au: D(51), jours: 4, enRetard: true },
    ]);
    // Either the interest (ECB rate of that half-year known) or the plain reason it cannot be computed, never none.
    expect(Boolean(delai.interetsMoratoires) !== Boolean(delai.interetsNonCalculables)).toBe(true);
    if (delai.interetsNonCalculables) expect(delai.interetsNonCalculables.message).toMatch(/\S/);
    // The same figures on the delay's own resource.
    expect((await w.as.moa.get(`/v1/dossiers/${id}/delai`)).body).toEqual(delai);
  });
});
