import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OperatorStore } from '../../../../shared/adapters/dynamo/operator-store';
import { FIXED_START } from '../../../setup/platform';
import { DEMO, useWorld } from './world';

/**
 * The structured état d'acompte through the API on the embedded platform (docs/rules/money.md#état-dacompte):
 * typed on the draft, checked by the rule book (422 problem+json naming the line, nothing written), carried by the
 * PDM (A4), the MOE's A15 and the MOA's A19, returned by the dossier read with the MOE's corrections line by line,
 * the interest base taken from it, and the cumul never decreasing from one acompte of the marché to the next.
 * Demo marché: TVA 20 %, retenue de garantie 5 %, DGP 30 days from the PDM's arrival at the MOE.
 */
// Absolute dates below: the clock starts at a fixed instant, whatever the machine's date
const world = useWorld({ startAt: FIXED_START });
const M = (ht: string, tva: string, ttc: string) => ({ ht, tva, ttc });

/** a = 100 000,00 − 40 000,00 = 60 000,00; d = 500,00; c = 1 000,00; e = 2 000,00; f = 1 500,00. */
const PDM_LIGNES = {
  lignes: [{ tauxTva: '20', cumulMoisHt: '100000.00', cumulPrecedentHt: '40000.00', revisionPrixHt: '500.00' }],
  penalites: '1000.00',
  avance: '2000.00',
  remboursementAvance: '1500.00',
};
// HT = a + d = 60 500,00; TVA b = 20 % × 60 500,00 = 12 100,00; TTC = 72 600,00
const PDM_MONTANTS = M('60500.00', '12100.00', '72600.00');
/** The MOE admits 95 000,00 € of cumulative work instead of 100 000,00 €. */
const A15_LIGNES = {
  ...PDM_LIGNES,
  lignes: [{ ...PDM_LIGNES.lignes[0], cumulMoisHt: '95000.00' }],
};
// a = 55 000,00; HT = 55 500,00; b = 20 % × 55 500,00 = 11 100,00; TTC = 66 600,00
const A15_MONTANTS = M('55500.00', '11100.00', '66600.00');

async function at(instant: string): Promise<void> {
  await world().platform.advanceClock({ to: instant });
  await world().refreshSessions();
}

let firstDossier = '';

describe("the état d'acompte typed on a draft", () => {
  it('refuses wrong lines with 422 problem+json naming the line, and writes nothing', async () => {
    const w = world();
    await at('2027-04-01T10:00:00+02:00');
    const post = (body: Record<string, unknown>) =>
      w.as.mandataire.post(`/v1/marches/${DEMO.marcheId}/pieces`, { cadre: 'A4', numero: 'PDM-EA-01', ...body });

    // TVA declared 12 000,00 where the lines give 12 100,00 (and TTC 72 500,00 instead of 72 600,00)
    const incoherent = await post({ montants: M('60500.00', '12000.00', '72500.00'), etatAcompte: PDM_LIGNES });
    expect(incoherent.status).toBe(422);
    expect(incoherent.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(incoherent.body.code).toBe('ETAT_ACOMPTE_INCOHERENT');
    expect(incoherent.body.fields.map((f: { path: string }) => f.path)).toEqual([
      'piece.montants.tvaCents',
      'piece.montants.ttcCents',
    ]);
    expect(incoherent.body.detail).toMatch(/1210000 d'après les lignes/);

    const decreasing = await post({
      etatAcompte: { lignes: [{ tauxTva: '20', cumulMoisHt: '39999.99', cumulPrecedentHt: '40000.00' }] },
    });
    expect(decreasing.status).toBe(422);
    expect(decreasing.body.code).toBe('CUMUL_DECROISSANT');
    expect(decreasing.body.detail).toMatch(/^Ligne 1 \(TVA 20 %\) : le cumul du mois/);

    const foreignRate = await post({
      etatAcompte: { lignes: [{ tauxTva: '5.5', cumulMoisHt: '100.00', cumulPrecedentHt: '0' }] },
    });
    expect(foreignRate.status).toBe(422);
    expect(foreignRate.body.code).toBe('ETAT_ACOMPTE_INVALIDE');
    expect(foreignRate.body.fields[0].path).toBe('etatAcompte.lignes.0.tauxTva');
    expect(foreignRate.body.detail).toMatch(/5,5 % absent du marché/);

    const solde = await w.as.mandataire.post(`/v1/marches/${DEMO.marcheId}/pieces`, {
      cadre: 'A7',
      numero: 'PDM-EA-01',
      etatAcompte: PDM_LIGNES,
    });
    expect(solde.status).toBe(422);
    expect(solde.body.code).toBe('ETAT_ACOMPTE_NON_PREVU');

    const unbounded = await post({ etatAcompte: { ...PDM_LIGNES, lignes: Array(11).fill(PDM_LIGNES.lignes[0]) } });
    expect(unbounded.status).toBe(422);

    // Nothing was written: the number is still free
    const good = await post({ montants: PDM_MONTANTS, etatAcompte: PDM_LIGNES });
    expect(good.status, JSON.stringify(good.body)).toBe(201);
    expect(good.body.etatAcompte).toEqual({
      lignes: [{ tauxTva: '20.00', cumulMoisHt: '100000.00', cumulPrecedentHt: '40000.00', revisionPrixHt: '500.00' }],
      penalites: '1000.00',
      avance: '2000.00',
      remboursementAvance: '1500.00',
    });
    const deleted = await w.as.mandataire.call('DELETE', `/v1/dossiers/${good.body.dossierId}/pieces/${good.body.id}`, {
      ifMatch: good.body.version,
      idempotencyKey: randomUUID(),
    });
    expect(deleted.status).toBe(204);
  });
});

describe("the état d'acompte along the monthly acompte", () => {
  it('is carried by A4, A15 and A19, shows the MOE corrections and gives the interest base', async () => {
    const w = world();
    const opened = await w.open(w.as.mandataire, {
      cadre: 'A4',
      numero: 'PDM-EA-02',
      montants: PDM_MONTANTS,
      etatAcompte: PDM_LIGNES,
    });
    firstDossier = opened.dossierId;
    // DGP day 0 = 2027-04-01 (PDM at the MOE); échéance = day 30 = 2027-05-01

    await at('2027-04-05T10:00:00+02:00');
    let r = await w.follow(w.as.moe, opened.dossierId, opened.version, {
      type: 'DEPOSER_ETAT_ACOMPTE',
      cadre: 'A15',
      numero: 'EA-MOE-02',
      montants: A15_MONTANTS,
      etatAcompte: A15_LIGNES,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await at('2027-04-10T10:00:00+02:00');
    r = await w.follow(w.as.moa, opened.dossierId, r.version, {
      type: 'VALIDER_ETAT_ACOMPTE',
      cadre: 'A19',
      numero: 'EA-MOA-02',
      montants: A15_MONTANTS,
      etatAcompte: A15_LIGNES,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);

    const dossier = (await w.as.moa.get(`/v1/dossiers/${opened.dossierId}`)).body;
    const [pdm, a15, a19] = dossier.pieces;
    // PDM: g = 5 % × 72 600,00 = 3 630,00; due = 72 600,00 + 2 000,00 − (1 000,00 + 1 500,00 + 3 630,00) = 68 470,00
    expect(pdm.etatAcompte).toMatchObject({
      acompteHt: '60000.00',
      tva: '12100.00',
      revisionPrixHt: '500.00',
      retenueGarantie: '3630.00',
      montantTtc: '72600.00',
      montantDu: '68470.00',
    });
    expect(pdm.etatAcompte.corrections).toBeUndefined();
    // A15: g = 5 % × 66 600,00 = 3 330,00; due = 66 600,00 + 2 000,00 − (1 000,00 + 1 500,00 + 3 330,00) = 62 770,00
    expect(a15.etatAcompte).toMatchObject({ acompteHt: '55000.00', retenueGarantie: '3330.00', montantDu: '62770.00' });
    // the MOE's corrections against the PDM, line by line (changed lines only)
    expect(a15.etatAcompte.corrections).toEqual([
      { ligne: 'cumul du mois HT (TVA 20 %)', avant: '100000.00', apres: '95000.00', ecart: '-5000.00' },
      { ligne: 'a) acompte HT', avant: '60000.00', apres: '55000.00', ecart: '-5000.00' },
      { ligne: 'b) TVA', avant: '12100.00', apres: '11100.00', ecart: '-1000.00' },
      { ligne: 'g) retenue de garantie', avant: '3630.00', apres: '3330.00', ecart: '-300.00' },
      { ligne: 'montant dû', avant: '68470.00', apres: '62770.00', ecart: '-5700.00' },
    ]);
    expect(a19.etatAcompte.montantDu).toBe('62770.00');
    expect(a19.etatAcompte.corrections).toBeUndefined();
    const corrected = dossier.chronologie.find((e: { type: string }) => e.type === 'MONTANTS_CORRIGES');
    expect(corrected.details.lignes).toHaveLength(5);
  });

  it('takes the base of late interest from the lines (amount due net of g) and says how', async () => {
    const w = world();
    const p = w.platform;
    const operator = DEMO.users.exploitant;
    await new OperatorStore(p.clients.document, p.tableName).grant({
      userId: operator.id,
      loginAddress: operator.login,
      grantedAt: p.clock.now().toISOString(),
      grantedBy: 'test',
    });
    const rate = { semestre: '2027-01-01', taux: '2.00', enVigueurDepuis: '2026-12-01', reference: 'test' };
    expect((await w.as.exploitant.post('/v1/taux-bce', rate)).status).toBe(201);

    // Paid on 2027-05-11: 10 days after the échéance of 2027-05-01
    await at('2027-05-11T10:00:00+02:00');
    let v = (await w.as.serviceFinancier.get(`/v1/dossiers/${firstDossier}`)).version as number;
    for (const type of ['SERVICE_FAIT', 'MANDATER', 'METTRE_EN_PAIEMENT']) {
      const done = await w.act(w.as.serviceFinancier, firstDossier, v, { type });
      expect(done.status, `${type}: ${JSON.stringify(done.body)}`).toBe(200);
      v = done.version;
    }
    const delai = (await w.as.mandataire.get(`/v1/dossiers/${firstDossier}/delai`)).body;
    expect(delai.echeance).toBe('2027-05-01');
    // base = the A19's amount due = 66 600,00 + 2 000,00 − (1 000,00 + 1 500,00) − g 3 330,00 = 62 770,00
    // rate = 2,00 % + 8 points = 10 %; 6 277 000 × 1 000 × 10 / (10 000 × 365) = 62 770 000 000 / 3 650 000
    // = 17 197,26 → 17 197 cents = 171,97 €
    expect(delai.interetsMoratoires).toMatchObject({ jours: 10, base: '62770.00', montant: '171.97' });
    expect(delai.interetsMoratoires.assiette).toMatchObject({
      piece: 'A19 n° EA-MOA-02',
      depuisEtatAcompte: true,
      montantDu: '66100.00',
      retenueGarantie: '3330.00',
      base: '62770.00',
    });
    expect(delai.interetsMoratoires.assiette.calcul).toMatch(/= 6277000 centimes/);
  });
});

describe('the cumul from one acompte to the next', () => {
  it("refuses an état below the previous acompte's latest état, then accepts one above it", async () => {
    const w = world();
    await at('2027-05-12T10:00:00+02:00');
    // The previous acompte ended at 95 000,00 € (the MOA's A19); 90 000,00 € is lower
    const d = await w.draft(w.as.mandataire, `/v1/marches/${DEMO.marcheId}/pieces`, {
      cadre: 'A4',
      numero: 'PDM-EA-03',
      montants: M('90000.00', '18000.00', '108000.00'),
      etatAcompte: { lignes: [{ tauxTva: '20', cumulMoisHt: '90000.00', cumulPrecedentHt: '0' }] },
    });
    const refused = await w.as.mandataire.post(`/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}/envoyer`, {});
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('CUMUL_INFERIEUR_ETAT_PRECEDENT');
    expect(refused.body.detail).toMatch(/n° EA-MOA-02/);
    // nothing written: no dossier, the piece still a draft
    expect((await w.as.mandataire.get(`/v1/dossiers/${d.dossierId}`)).status).toBe(404);
    const draft = (await w.as.mandataire.get(`/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}`)).body;
    expect(draft.statut).toBe('BROUILLON');

    // A PATCH is held to the marché's TVA rates like the creation: 5,5 % is not the demo marché's (20 %), even with
    // amounts coherent with the lines (a = 25 000,00; b = 5,5 % × 25 000,00 = 1 375,00; TTC = 26 375,00)
    const foreign = await w.as.mandataire.call('PATCH', `/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}`, {
      ifMatch: draft.version,
      idempotencyKey: randomUUID(),
      body: {
        montants: M('25000.00', '1375.00', '26375.00'),
        etatAcompte: { lignes: [{ tauxTva: '5.5', cumulMoisHt: '120000.00', cumulPrecedentHt: '95000.00' }] },
      },
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.code).toBe('ETAT_ACOMPTE_INVALIDE');
    // a = 120 000,00 − 95 000,00 = 25 000,00; b = 5 000,00; TTC = 30 000,00
    const edited = await w.as.mandataire.call('PATCH', `/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}`, {
      ifMatch: draft.version,
      idempotencyKey: randomUUID(),
      body: {
        montants: M('25000.00', '5000.00', '30000.00'),
        etatAcompte: { lignes: [{ tauxTva: '20', cumulMoisHt: '120000.00', cumulPrecedentHt: '95000.00' }] },
      },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const sent = await w.as.mandataire.post(`/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}/envoyer`, {});
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  });

  it('keeps the cumul growing when two acomptes of the marché are sent at the same instant', async () => {
    const w = world();
    await at('2027-06-12T10:00:00+02:00');
    // Two acomptes drafted in this order, both above the last sent cumul (120 000,00 €), but the earlier one above
    // the later one: 150 000,00 € then 130 000,00 €. Whichever is sent first, the other breaks the sequence.
    const spec = (numero: string, cumul: string, ht: string, tva: string, ttc: string) => ({
      cadre: 'A4',
      numero,
      montants: M(ht, tva, ttc),
      etatAcompte: { lignes: [{ tauxTva: '20', cumulMoisHt: cumul, cumulPrecedentHt: '120000.00' }] },
    });
    // a = 150 000,00 − 120 000,00 = 30 000,00; b = 6 000,00; TTC = 36 000,00
    const earlier = await w.draft(w.as.mandataire, `/v1/marches/${DEMO.marcheId}/pieces`, {
      ...spec('PDM-EA-04', '150000.00', '30000.00', '6000.00', '36000.00'),
    });
    // a = 130 000,00 − 120 000,00 = 10 000,00; b = 2 000,00; TTC = 12 000,00
    const later = await w.draft(w.as.mandataire, `/v1/marches/${DEMO.marcheId}/pieces`, {
      ...spec('PDM-EA-05', '130000.00', '10000.00', '2000.00', '12000.00'),
    });
    const send = (d: { dossierId: string; pieceId: string }) =>
      w.as.mandataire.post(`/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}/envoyer`, {});
    const outcomes = await Promise.all([send(earlier), send(later)]);
    const statuses = outcomes.map((r) => r.status);
    // One is sent; the other is refused, by the cumul check (422) or, having lost the race, as concurrent (409)
    expect(
      statuses.filter((x) => x === 201),
      JSON.stringify(outcomes.map((r) => r.body)),
    ).toHaveLength(1);
    const loserIndex = statuses.findIndex((x) => x !== 201);
    const loser = outcomes[loserIndex];
    expect([422, 409]).toContain(loser?.status);
    expect(['CUMUL_INFERIEUR_ETAT_PRECEDENT', 'CUMUL_SUPERIEUR_ETAT_SUIVANT', 'ETAT_ACOMPTE_CONCURRENT']).toContain(
      loser?.body.code,
    );
    // Sent again, the loser now meets the winner's cumul and is refused by the rule, never accepted
    const again = await send(loserIndex === 0 ? earlier : later);
    expect(again.status).toBe(422);
    expect(again.body.code).toBe(loserIndex === 0 ? 'CUMUL_SUPERIEUR_ETAT_SUIVANT' : 'CUMUL_INFERIEUR_ETAT_PRECEDENT');
  });
});
