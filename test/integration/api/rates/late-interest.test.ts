import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runTauxBce } from '../../../../scripts/taux-bce';
import { type ChainedEvent, verifyTrail } from '../../../../shared/adapters/audit';
import { EcbRateStore } from '../../../../shared/adapters/dynamo/ecb-rate-store';
import { OperatorStore } from '../../../../shared/adapters/dynamo/operator-store';
import { extractPdfPages } from '../../../../shared/documents/pdf-text';
import { FIXED_START } from '../../../setup/platform';
import { unzip } from '../../../setup/zip';
import { DEMO, useWorld } from '../dossiers/world';

/**
 * ECB rates as data on the embedded platform (docs/ecb-rates.md): an operator records a rate, nobody else can; a late
 * solde says its rate is unknown until `npm run taux-bce -- importer` brings the half-year, then every view shows the
 * interest, computed from the table.
 */
// Absolute dates below: the clock starts at a fixed instant, whatever the machine's date
const world = useWorld({ startAt: FIXED_START });
const M = (ht: string, tva: string, ttc: string) => ({ ht, tva, ttc });
let lateSolde: string | undefined;
const CSV = fileURLToPath(new URL('../../../fixtures/ecb/mro-sdmx.csv', import.meta.url));

describe('the operator API of the ECB rates', () => {
  it('lets a platform operator record a half-year once; a MOA gets 403', async () => {
    const w = world();
    const p = w.platform;
    const operator = DEMO.users.exploitant;
    await new OperatorStore(p.clients.document, p.tableName).grant({
      userId: operator.id,
      loginAddress: operator.login,
      grantedAt: p.clock.now().toISOString(),
      grantedBy: 'test',
    });
    const body = { semestre: '2026-07-01', taux: '2.15', enVigueurDepuis: '2025-06-11', reference: 'BCE, 5 juin 2025' };

    const refused = await w.as.moa.post('/v1/taux-bce', body);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('ROLE_OPERATEUR_REQUIS');
    expect((await w.as.moa.get('/v1/taux-bce')).status).toBe(403);

    const recorded = await w.as.exploitant.post('/v1/taux-bce', body);
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(201);
    expect(recorded.body).toMatchObject({
      semestre: '2026-07-01',
      tauxPointsBase: 215,
      taux: '2,15',
      source: 'OPERATEUR',
      enregistrePar: operator.id,
    });
    expect((await w.as.exploitant.post('/v1/taux-bce', body)).status).toBe(200);
    const different = await w.as.exploitant.post('/v1/taux-bce', { ...body, taux: '2.40' });
    expect(different.status).toBe(409);
    expect(different.body.code).toBe('TAUX_BCE_DEJA_ENREGISTRE');
    const future = await w.as.exploitant.post('/v1/taux-bce', { ...body, semestre: '2099-01-01' });
    expect(future.status).toBe(422);
    expect(future.body.code).toBe('TAUX_BCE_INVALIDE');

    const table = (await w.as.exploitant.get('/v1/taux-bce')).body;
    expect(table.taux).toEqual([expect.objectContaining({ semestre: '2026-07-01', tauxPointsBase: 215 })]);
    // the journal says who recorded what, once
    const journal = await new EcbRateStore(p.clients.document, p.tableName).journal();
    expect(journal).toEqual([expect.objectContaining({ by: operator.id, halfYearStart: '2026-07-01', rateBp: 215 })]);
  });
});

describe('a late solde before and after the half-year’s rate is imported', () => {
  it('says the rate is unknown, then shows the interest computed from the imported table', async () => {
    const w = world();
    const p = w.platform;
    const opened = await w.open(w.as.mandataire, { cadre: 'A7', numero: 'PDF-TX-01' });
    const id = opened.dossierId;
    lateSolde = id;
    let r = await w.follow(w.as.moe, id, opened.version, {
      type: 'DEPOSER_PROJET_DECOMPTE_GENERAL',
      cadre: 'A17',
      numero: 'PDG-TX-01',
    });
    r = await w.follow(w.as.moa, id, r.version, {
      type: 'NOTIFIER_DECOMPTE_GENERAL',
      cadre: 'A20',
      numero: 'DG-TX-01',
    });
    r = await w.follow(w.as.mandataire, id, r.version, {
      type: 'SIGNER_DG',
      cadre: 'A8',
      numero: 'DGD-TX-01',
      montants: M('50000.00', '10000.00', '60000.00'),
    });
    expect(r.body.etat, JSON.stringify(r.body)).toBe('TRAITEMENT_SERVICE_FINANCIER');

    // 40 days with the service financier: 10 days past the 30-day DGP, unpaid
    await p.advanceClock({ days: 40 });
    await w.refreshSessions();
    const before = (await w.as.moa.get(`/v1/dossiers/${id}/delai`)).body;
    expect(before.joursDeRetard).toBe(10);
    expect(before.interetsMoratoires).toBeUndefined();
    expect(before.interetsNonCalculables.code).toBe('TAUX_BCE_INCONNU');
    expect(before.interetsNonCalculables.message).toMatch(/pas encore enregistré/);
    const delaisBefore = (await w.as.moa.get(`/v1/structures/${DEMO.sirets.moa}/delais`)).body;
    const rowBefore = delaisBefore.delais.find((d: { dossierId: string }) => d.dossierId === id);
    expect(rowBefore.interetsNonCalculables.code).toBe('TAUX_BCE_INCONNU');

    // npm run taux-bce -- importer <the ECB's series>, against this platform's table and clock
    const lines: string[] = [];
    const code = await runTauxBce(['importer', CSV], {
      store: new EcbRateStore(p.clients.document, p.tableName),
      now: () => p.clock.now(),
      print: (l) => lines.push(l),
      by: 'CLI:test',
    });
    expect(code, lines.join('\n')).toBe(0);
    // it records the half-years the series establishes up to the clock's today (January 2027), leaves 2026-H2 (the
    // operator's, above) as it was, and says when a running platform shows them: this one at once (same process),
    // another within its minute of cache
    expect(lines).toEqual(
      expect.arrayContaining([
        'Enregistré : 1er semestre 2027 (2027-01-01) 2,15 %',
        expect.stringMatching(/^Déjà enregistrés à la même valeur : .*2026-07-01$/),
        expect.stringMatching(/au plus tard 60 s après/),
      ]),
    );

    // Hand computation: base = 60 000,00 € TTC − the demo marché's 5 % retenue de garantie (3 000,00 €)
    // = 57 000,00 € = 5 700 000 cents; rate = 2,15 % (MRO in force since 11 June 2025, hence on the first day of the
    // half-year of échéance + 1) + 8 points = 10,15 % = 1015 bp; 10 days late.
    // 5 700 000 × 1015 × 10 / (10 000 × 365) = 57 855 000 000 / 3 650 000 = 15 850,68 → 15 851 cents = 158,51 €.
    const after = (await w.as.moa.get(`/v1/dossiers/${id}/delai`)).body;
    expect(after.interetsNonCalculables).toBeUndefined();
    expect(after.interetsMoratoires).toMatchObject({ jours: 10, base: '57000.00', montant: '158.51' });
    // + the 40 € indemnity: 158,51 + 40,00 = 198,51
    expect(after.interetsMoratoires.total).toBe('198.51');

    const delais = (await w.as.moa.get(`/v1/structures/${DEMO.sirets.moa}/delais`)).body;
    const row = delais.delais.find((d: { dossierId: string }) => d.dossierId === id);
    expect(row).toMatchObject({ joursDeRetard: 10, interetsMoratoires: '158.51', indemniteForfaitaire: '40.00' });
    expect(delais.totaux.dossiersEnRetard).toBeGreaterThanOrEqual(1);

    // Paid 2 days later: 12 days, final. 5 700 000 × 1015 × 12 / 3 650 000 = 69 426 000 000 / 3 650 000
    // = 19 020,82 → 19 021 cents = 190,21 €.
    await p.advanceClock({ days: 2 });
    await w.refreshSessions();
    // Still open two days later: accrued to the new today, 12 days, the same figure as the payment's below
    const accrued = (await w.as.moa.get(`/v1/dossiers/${id}/delai`)).body;
    expect(accrued.interetsMoratoires).toMatchObject({ jours: 12, montant: '190.21' });
    const delaisLater = (await w.as.moa.get(`/v1/structures/${DEMO.sirets.moa}/delais`)).body;
    const rowLater = delaisLater.delais.find((d: { dossierId: string }) => d.dossierId === id);
    expect(rowLater).toMatchObject({ joursDeRetard: 12, interetsMoratoires: '190.21' });
    let v = (await w.as.serviceFinancier.get(`/v1/dossiers/${id}`)).version as number;
    for (const type of ['SERVICE_FAIT', 'MANDATER', 'METTRE_EN_PAIEMENT']) {
      const done = await w.act(w.as.serviceFinancier, id, v, { type });
      expect(done.status, `${type}: ${JSON.stringify(done.body)}`).toBe(200);
      v = done.version;
    }
    const paid = (await w.as.mandataire.get(`/v1/dossiers/${id}/delai`)).body;
    expect(paid.statut).toBe('PAYE');
    expect(paid.interetsMoratoires).toMatchObject({
      jours: 12,
      montant: '190.21',
      taux: expect.stringMatching(/^10[.,]15/),
    });
    // Paid: final. Five days on, the figure has not moved (12 days, 190,21 €)
    await p.advanceClock({ days: 5 });
    await w.refreshSessions();
    const later = (await w.as.mandataire.get(`/v1/dossiers/${id}/delai`)).body;
    expect(later.statut).toBe('PAYE');
    expect(later.interetsMoratoires).toMatchObject({ jours: 12, montant: '190.21' });
  });
});

describe('the dossier de preuve of the late solde', () => {
  it('holds the report, the documents matching their manifest, the verifiable trail and a claim letter', async () => {
    const w = world();
    const id = lateSolde as string;
    expect(id).toBeDefined();
    const answer = await w.as.mandataire.get(`/v1/dossiers/${id}/dossier-de-preuve`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ documentsConformes: true, pisteIntegre: true });
    const files = await unzip(Buffer.from(await (await fetch(answer.body.url)).arrayBuffer()));

    // every document re-hashed against SHA256SUMS, as `sha256sum -c` would
    const sums = files.get('SHA256SUMS')?.toString('utf8').trim().split('\n') ?? [];
    expect(sums.length).toBe(answer.body.documents);
    expect(sums.length).toBeGreaterThanOrEqual(4); // A7, A17, A20, A8: one main PDF each
    for (const line of sums) {
      const [hash, path] = line.split('  ') as [string, string];
      expect(
        createHash('sha256')
          .update(files.get(path) as Buffer)
          .digest('hex'),
        path,
      ).toBe(hash);
    }
    const manifest = JSON.parse(files.get('MANIFESTE.json')?.toString('utf8') ?? '{}');
    for (const d of manifest.documents) expect(d.sha256).toBe(d.recordedSha256);

    // the audit chain re-verified from the JSON alone
    const trail = JSON.parse(files.get('piste-audit.json')?.toString('utf8') ?? '{}');
    expect(verifyTrail(trail.evenements as ChainedEvent[]).ok).toBe(true);
    expect(trail.verification.ok).toBe(true);

    // the PDF read back: échéance, days late (12), rate (10,15 %) and interest (190,21 EUR, computed above)
    const delai = (await w.as.mandataire.get(`/v1/dossiers/${id}/delai`)).body;
    const pdf = await extractPdfPages(new Uint8Array(files.get('rapport.pdf') as Buffer));
    const text = pdf.pages.map((p) => p.text).join(' ');
    expect(text).toContain(delai.echeance);
    expect(text).toMatch(/12 jours/);
    expect(text).toMatch(/10,15 %/);
    expect(text).toMatch(/190,21 EUR/);
    expect(files.get('lettre-reclamation.txt')?.toString('utf8')).toMatch(/190,21 EUR/);
    expect(files.get('LISEZMOI.txt')?.toString('utf8')).toMatch(/sha256sum -c SHA256SUMS/);
  });

  it('says so when an audit item was altered in the table', async () => {
    const w = world();
    const p = w.platform;
    const id = lateSolde as string;
    const { GetCommand, PutCommand } = await import('../../../../shared/adapters/dynamo/document-client');
    const key = { pk: `DOSSIER#${id}`, sk: 'EVENT#000002' };
    const { Item } = await p.clients.document.send(new GetCommand({ TableName: p.tableName, Key: key }));
    const event = Item?.event as ChainedEvent;
    await p.clients.document.send(
      new PutCommand({
        TableName: p.tableName,
        Item: { ...Item, event: { ...event, at: '2020-01-01T00:00:00.000Z' } },
      }),
    );
    const answer = await w.as.mandataire.get(`/v1/dossiers/${id}/dossier-de-preuve`);
    expect(answer.status).toBe(200);
    expect(answer.body.pisteIntegre).toBe(false);
    const files = await unzip(Buffer.from(await (await fetch(answer.body.url)).arrayBuffer()));
    const trail = JSON.parse(files.get('piste-audit.json')?.toString('utf8') ?? '{}');
    expect(trail.verification).toMatchObject({ ok: false, brokenAtSeq: 2 });
  });
});

describe('the dossier de preuve of a suspended-then-late acompte', () => {
  it('shows the suspension rule, the échéance, the days late, the rate and the interest computed by hand', async () => {
    const w = world();
    const p = w.platform;
    const at = async (instant: string) => {
      await p.advanceClock({ to: instant });
      await w.refreshSessions();
    };
    // Rate of the half-year in which interest starts (2027-01-01): 2,15 % (MRO unchanged since 11 June 2025)
    const rate = { semestre: '2027-01-01', taux: '2.15', enVigueurDepuis: '2025-06-11', reference: 'BCE, 5 juin 2025' };
    await at('2027-03-01T10:00:00+01:00');
    // Already recorded by the import of the test above (the clock was then in January 2027, so the CSV's series gave
    // 2027-01-01 its rate: 2,15 %): the same value again is accepted and changes nothing (200, not 201)
    const again = await w.as.exploitant.post('/v1/taux-bce', rate);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ semestre: '2027-01-01', tauxPointsBase: 215 });

    // Day 0 = 2027-03-01 (PDM at the MOE); échéance = day 30 = 2027-03-31
    const opened = await w.open(w.as.mandataire, {
      cadre: 'A4',
      numero: 'PDM-SUSP-01',
      montants: M('10000.00', '2000.00', '12000.00'),
    });
    const id = opened.dossierId;
    await at('2027-03-03T10:00:00+01:00');
    let r = await w.follow(w.as.moe, id, opened.version, {
      type: 'DEPOSER_ETAT_ACOMPTE',
      cadre: 'A15',
      numero: 'EA-SUSP-01',
      montants: M('10000.00', '2000.00', '12000.00'),
    });
    await at('2027-03-05T10:00:00+01:00');
    r = await w.follow(w.as.moa, id, r.version, {
      type: 'VALIDER_ETAT_ACOMPTE',
      cadre: 'A19',
      numero: 'EAV-SUSP-01',
      montants: M('10000.00', '2000.00', '12000.00'),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // Suspended on 2027-03-11: 10 days elapsed (03-01 → 03-11), 30 − 10 = 20 days left
    await at('2027-03-11T10:00:00+01:00');
    r = await w.act(w.as.serviceFinancier, id, r.version, {
      type: 'SUSPENDRE',
      documentsManquants: ['Attestation d’assurance décennale'],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // Complete answer on 2027-03-21: new delay max(30 ; 20) = 30 days → échéance 2027-03-21 + 30 = 2027-04-20
    await at('2027-03-21T10:00:00+01:00');
    r = await w.act(w.as.mandataire, id, r.version, {
      type: 'COMPLETER',
      documents: ['Attestation d’assurance décennale'],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // Paid on 2027-04-30: 04-30 − 04-20 = 10 days late
    await at('2027-04-30T10:00:00+02:00');
    let v = (await w.as.serviceFinancier.get(`/v1/dossiers/${id}`)).version as number;
    for (const type of ['SERVICE_FAIT', 'MANDATER', 'METTRE_EN_PAIEMENT']) {
      const done = await w.act(w.as.serviceFinancier, id, v, { type });
      expect(done.status, `${type}: ${JSON.stringify(done.body)}`).toBe(200);
      v = done.version;
    }
    // base = 12 000,00 € TTC − 5 % retenue de garantie (600,00 €) = 11 400,00 € = 1 140 000 cents;
    // rate = 2,15 % + 8 points = 10,15 % = 1015 bp; 1 140 000 × 1015 × 10 / (10 000 × 365)
    // = 11 571 000 000 / 3 650 000 = 3 170,14 → 3 170 cents = 31,70 €; + 40,00 € indemnity = 71,70 €
    const delai = (await w.as.mandataire.get(`/v1/dossiers/${id}/delai`)).body;
    expect(delai).toMatchObject({ echeance: '2027-04-20', joursDeRetard: 10 });
    expect(delai.suspension).toMatchObject({ joursRestantsALaSuspension: 20, nouveauDelaiJours: 30 });
    expect(delai.interetsMoratoires).toMatchObject({ jours: 10, base: '11400.00', montant: '31.70', total: '71.70' });

    const answer = await w.as.mandataire.get(`/v1/dossiers/${id}/dossier-de-preuve`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ documentsConformes: true, pisteIntegre: true });
    const files = await unzip(Buffer.from(await (await fetch(answer.body.url)).arrayBuffer()));
    const sums = files.get('SHA256SUMS')?.toString('utf8').trim().split('\n') ?? [];
    expect(sums.length).toBe(3); // A4, A15, A19: one main PDF each
    for (const line of sums) {
      const [hash, path] = line.split('  ') as [string, string];
      expect(
        createHash('sha256')
          .update(files.get(path) as Buffer)
          .digest('hex'),
        path,
      ).toBe(hash);
    }
    const trail = JSON.parse(files.get('piste-audit.json')?.toString('utf8') ?? '{}');
    expect(verifyTrail(trail.evenements as ChainedEvent[]).ok).toBe(true);
    expect(trail.evenements.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['SUSPENDUE', 'COMPLETEE', 'MISE_EN_PAIEMENT']),
    );
    const pdf = await extractPdfPages(new Uint8Array(files.get('rapport.pdf') as Buffer));
    const text = pdf.pages
      .map((page) => page.text)
      .join(' ')
      .replace(/\s+/g, ' ');
    expect(text).toContain('Suspension le 2027-03-11');
    expect(text).toContain('max(30 ; 20) = 30 jours');
    expect(text).toContain('2027-04-20');
    expect(text).toMatch(/10 jours/);
    expect(text).toMatch(/10,15 %/);
    expect(text).toMatch(/31,70 EUR/);
    expect(files.get('lettre-reclamation.txt')?.toString('utf8')).toMatch(/31,70 EUR/);
  });
});
