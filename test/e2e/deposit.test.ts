import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { extractPdfPages } from '../../shared/documents/pdf-text';
import { addDays, parisDateOf } from '../../shared/domain/calendar';
import { DEMO } from '../../shared/seed/demo';
import { imageOnlyPdf, pngBytes } from '../fixtures/documents/generate';
import { draftWithMainFile, pollVerified, type Session, signInAs, textPdf } from '../integration/api/dossiers/client';
import { DEMO_LOGINS, downloadOf, E2E_TIMEOUT, eventually, expectAccessible, screenshot, usePortal } from './harness';

/**
 * The guided deposit in a real browser, on one platform: a sous-traitant deposits an A9 (cadre chosen among those
 * offered, a 3-page text PDF and two attachments with their progress bars, the PDF's suggestions accepted), keeps
 * it as a draft, reopens it from *Brouillons*, sends it and downloads its certificate; files that do not fit or
 * that the service refuses are shown with their French reason, and nothing stays reserved for them.
 */
const MB = 1024 * 1024;
const pdfFile = (name: string, bytes: Uint8Array) => ({
  name,
  mimeType: 'application/pdf',
  buffer: Buffer.from(bytes),
});

/**
 * A large file written to disk and chosen by its path: Chromium reads it itself, where a buffer crosses the protocol
 * in base64 (11 MB took 16 s at a load of 26, over setInputFiles' 30 s at 31; from disk, under 1 s).
 */
function fileOnDisk(name: string, bytes: Uint8Array): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'depot-e2e-')), name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Posts to the storage front (not the portal's own origin) made by the page. */
function storagePosts(page: Page, portalUrl: string): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && !r.url().startsWith(portalUrl)) seen.push(r.url());
  });
  return seen;
}

describe('guided deposit', { timeout: E2E_TIMEOUT }, () => {
  const portal = usePortal();
  const st = (): Promise<Session> => signInAs(portal().url, DEMO_LOGINS.sousTraitant);
  const reserved = async (s: Session, d: { dossierId: string; pieceId: string }) =>
    (await s.get(`/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}`)).body.octetsReserves as number;

  it('a sous-traitant deposits an A9: cadre, files with progress, suggestions, draft, reopened, sent, certificate', async () => {
    const page = await portal().signIn(DEMO_LOGINS.sousTraitant);
    await page.getByRole('link', { name: 'Déposer', exact: true }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Déposer une pièce' }).waitFor();
    await page.getByLabel('Marché', { exact: true }).selectOption(DEMO.marcheId);
    // Only the sous-traitant's opening cadres are offered, each with its line; the others say why not
    const a9 = page.getByLabel(/^A9 — Facture du sous-traitant/);
    await a9.waitFor();
    expect(await page.getByRole('radio').count()).toBe(2);
    expect(await page.getByText(/le titulaire la valide sous 15 jours/).count()).toBeGreaterThan(0);
    await page.getByText(/Cadres non proposés/).click();
    expect(await page.getByTestId('cadres-non-proposes').textContent()).toContain(
      'Réservé au titulaire ou au mandataire du marché.',
    );
    // The DSFR draws its own radio over the input: checked through its label
    await a9.check({ force: true });
    await page.getByLabel(/^Numéro de la pièce/).fill('ST-E2E-DEP');
    await expectAccessible(page);
    await screenshot(page, 'depot-1-cadre');
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.waitForURL(/\/deposer\/DOS-[0-9A-Z]+\/PCE-[0-9A-Z]+$/);
    const [, dossierId = '', pieceId = ''] = /\/deposer\/(DOS-[0-9A-Z]+)\/(PCE-[0-9A-Z]+)$/.exec(page.url()) ?? [];

    // A 3-page text PDF (its values on the last page) and two attachments
    const main = await textPdf(
      [
        'Facture n° FAC-E2E-0042',
        'Date : 14/04/2025',
        `SIRET client : ${DEMO.sirets.serviceFinancier}`,
        `Engagement juridique : ${DEMO.engagementJuridique}`,
        'Total HT : 2500,00',
        'TVA : 500,00',
        'Total TTC : 3000,00',
      ],
      3,
    );
    const wrong = await textPdf(['Attachement d’un autre chantier']);
    const storage = storagePosts(page, portal().url);
    await page.getByLabel(/^Fichier principal/).setInputFiles(pdfFile('facture-st.pdf', main));
    await page
      .getByLabel(/^Pièces jointes/)
      .setInputFiles([
        pdfFile('attachement-1.pdf', await textPdf(['Attachement n° 1 : situation de travaux'])),
        { name: 'releve.csv', mimeType: 'text/csv', buffer: Buffer.from('poste;quantite\nbeton;12\n') },
        pdfFile('mauvais-chantier.pdf', wrong),
      ]);
    const rows = page.getByTestId('envoi');
    await eventually(() => rows.filter({ hasText: 'envoyé à 100 %, vérifié' }).count()).toBe(4);
    expect(
      await page
        .locator('[data-testid=envoi] progress')
        .evaluateAll((els) => els.map((e) => (e as unknown as { value: number }).value)),
    ).toEqual([100, 100, 100, 100]);
    // Each file went straight to storage, once
    expect(storage).toHaveLength(4);
    // The wrong attachment is removed from the piece: its room comes back, three files stay
    const withWrong = await reserved(await st(), { dossierId, pieceId });
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Retirer mauvais-chantier.pdf' }).click();
    await eventually(() => page.getByTestId('fichier-retire').textContent()).toContain(
      'Le fichier mauvais-chantier.pdf est retiré',
    );
    await eventually(() => rows.count()).toBe(3);
    // Its verified size is given back: reserved = before − the attachment's bytes
    expect(await reserved(await st(), { dossierId, pieceId })).toBe(withWrong - wrong.length);

    // The PDF's values, offered as suggestions: the numéro alone first, then all of them
    const suggestions = page.getByTestId('suggestions');
    await eventually(() => suggestions.textContent()).toContain('FAC-E2E-0042');
    // All five: numéro, date, amounts, and the addressee's SIRET and engagement (checked against the marché)
    expect(await suggestions.textContent()).toContain(`SIRET du destinataire ${DEMO.sirets.serviceFinancier}`);
    expect(await suggestions.textContent()).toContain(`engagement juridique ${DEMO.engagementJuridique}`);
    await expectAccessible(page);
    await screenshot(page, 'depot-2-fichiers');
    await page.getByRole('button', { name: 'Accepter le numéro', exact: true }).click();
    await eventually(() => page.getByLabel(/^Numéro de la pièce/).inputValue()).toBe('FAC-E2E-0042');
    await page.getByRole('button', { name: 'Accepter toutes les suggestions' }).click();
    await eventually(() => page.getByLabel(/^Montant TTC/).inputValue()).toBe('3000.00');
    expect(await page.getByLabel(/^Montant HT/).inputValue()).toBe('2500.00');
    expect(await page.getByLabel(/^Date de la pièce/).inputValue()).toBe('2025-04-14');
    // The service financier's SIRET and the MOA's engagement are the marché's: confirmed
    const confirmed = await page.getByTestId('destinataire-confirme').textContent();
    expect(confirmed).toContain(`SIRET ${DEMO.sirets.serviceFinancier}`);
    expect(confirmed).toContain(`engagement juridique ${DEMO.engagementJuridique}`);

    await page.getByRole('button', { name: 'Enregistrer en mode Brouillon' }).click();
    await eventually(() => page.getByRole('status').filter({ hasText: 'Le brouillon n°' }).count()).toBe(1);
    expect(await page.getByRole('status').filter({ hasText: 'Le brouillon n°' }).textContent()).toContain(
      'Le brouillon n° FAC-E2E-0042 est enregistré',
    );

    // Reopened from Brouillons: its files and fields are there; sent, it shows the certificate sentence
    await page.getByRole('link', { name: 'Brouillons', exact: true }).first().click();
    await page.getByRole('link', { name: 'Reprendre le brouillon n° FAC-E2E-0042' }).click();
    await page.waitForURL(new RegExp(`/deposer/${dossierId}/${pieceId}$`));
    await eventually(() =>
      page.getByTestId('fichiers-piece').locator('tbody tr').filter({ hasText: 'Vérifié' }).count(),
    ).toBe(3);
    expect(await page.getByLabel(/^Montant TTC/).inputValue()).toBe('3000.00');
    await page.getByRole('button', { name: 'Valider et envoyer' }).click();
    const recap = page.getByTestId('recap');
    await eventually(() => recap.textContent()).toContain(
      'La pièce n° FAC-E2E-0042 est validée, elle est en cours de transmission au service concerné',
    );
    await expectAccessible(page);
    await screenshot(page, 'depot-3-certificat');
    const download = await downloadOf(page, () =>
      page.getByRole('button', { name: /Télécharger le certificat de dépôt/ }).click(),
    );
    expect(download.suggestedFilename()).toMatch(/^certificat-.+\.pdf$/);
    const text = (await extractPdfPages(new Uint8Array(fs.readFileSync(await download.path())))).pages
      .map((p) => p.text)
      .join('\n');
    expect(text).toContain('FAC-E2E-0042');
    // The addressee confirmed from the PDF: the service financier's SIRET, the marché's engagement number
    expect(text).toContain(`SIRET ${DEMO.sirets.serviceFinancier}`);
    expect(text).toContain(DEMO.engagementJuridique);
    // Nothing left in Brouillons for it
    const s = await st();
    const drafts = await s.get(`/v1/structures/${DEMO.sirets.sousTraitant}/brouillons`);
    expect(drafts.body.brouillons.some((b: { id: string }) => b.id === pieceId)).toBe(false);
  });

  it('refuses before upload what does not fit, shows the service’s refusals with their reason, keeps nothing reserved, retries a dropped upload', async () => {
    const s = await st();
    const created = await s.post(`/v1/marches/${DEMO.marcheId}/pieces`, { cadre: 'A9', numero: 'ST-E2E-REFUS' });
    const d = { dossierId: created.body.dossierId as string, pieceId: created.body.id as string };
    const page = await portal().signIn(DEMO_LOGINS.sousTraitant, { width: 375, height: 800 });
    const storage = storagePosts(page, portal().url);
    await page.goto(`/deposer/${d.dossierId}/${d.pieceId}`);
    await page.getByRole('heading', { level: 1, name: /ST-E2E-REFUS/ }).waitFor();

    // 11 MB: refused in the browser, no form asked, nothing sent
    await page
      .getByLabel(/^Fichier principal/)
      .setInputFiles(fileOnDisk('gros.pdf', new Uint8Array(11 * MB).fill(0x25)));
    await eventually(() => page.getByTestId('envois').textContent()).toContain(
      'pèse 11,0\u00a0Mo ; 10,0\u00a0Mo au plus par fichier',
    );
    expect(storage).toHaveLength(0);
    expect(await reserved(s, d)).toBe(0);

    // A scanned PDF as the main file, and a PNG named .pdf as an attachment: sent, then refused with their reason
    await page.getByLabel(/^Fichier principal/).setInputFiles(pdfFile('scan.pdf', await imageOnlyPdf(1)));
    await page.getByLabel(/^Pièces jointes/).setInputFiles(pdfFile('photo.pdf', pngBytes()));
    const envois = page.getByTestId('envois');
    await eventually(() => envois.textContent()).toContain('PDF texte');
    await eventually(() => envois.textContent()).toContain("son contenu ne correspond pas à l'extension .pdf");
    expect(storage).toHaveLength(2);
    await expectAccessible(page);
    await screenshot(page, 'depot-refus-375');
    // Refused files hold no room on the piece
    await eventually(() => reserved(s, d)).toBe(0);

    // A dropped upload: the first post to storage fails; « Réessayer » asks a fresh form and sends the file again
    let dropped = 0;
    await page.route(
      (url) => !url.href.startsWith(portal().url),
      async (route) => {
        if (route.request().method() === 'POST' && dropped === 0) {
          dropped++;
          await route.abort('connectionreset');
        } else await route.continue();
      },
    );
    const ok = await textPdf(['Facture n° ST-E2E-REFUS', 'Total TTC : 1200,00']);
    await page.getByLabel(/^Fichier principal/).setInputFiles(pdfFile('facture-ok.pdf', ok));
    const row = envois.getByTestId('envoi').filter({ hasText: 'facture-ok.pdf' });
    await eventually(() => row.textContent()).toContain('envoi interrompu');
    await page.getByRole('button', { name: 'Réessayer l’envoi de facture-ok.pdf' }).click();
    await eventually(() => row.textContent()).toContain('envoyé à 100 %, vérifié');
    expect(dropped).toBe(1);
    // The retry's fresh form replaced the dropped one: the main file's room is held once
    await eventually(() => reserved(s, d)).toBe(ok.length);

    // An attachment whose upload drops: its form holds its 1 000 bytes (250 × 4) until « Retirer » gives them back
    dropped = 0;
    await page
      .getByLabel(/^Pièces jointes/)
      .setInputFiles({ name: 'releve.csv', mimeType: 'text/csv', buffer: Buffer.from('1;2\n'.repeat(250)) });
    const annexe = envois.getByTestId('envoi').filter({ hasText: 'releve.csv' });
    await eventually(() => annexe.textContent()).toContain('envoi interrompu');
    expect(await reserved(s, d)).toBe(ok.length + 1000);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Retirer releve.csv' }).click();
    await eventually(() => reserved(s, d)).toBe(ok.length);
    await expect.poll(() => annexe.count()).toBe(0);
    // A form a dropped upload left unused never holds the piece back: it is cancelled when the piece is sent
    await page.getByRole('button', { name: 'Valider et envoyer' }).click();
    await eventually(() => page.getByTestId('recap').textContent()).toContain('La pièce n° ST-E2E-REFUS est validée');
  });

  it('refuses before upload a file that would take the piece past 120 MB', async () => {
    const s = await st();
    const created = await s.post(`/v1/marches/${DEMO.marcheId}/pieces`, { cadre: 'A9', numero: 'ST-E2E-PLEIN' });
    const d = { dossierId: created.body.dossierId as string, pieceId: created.body.id as string };
    // Forms asked through the API, never used: 11 × 10 MB + 9 MB = 119 MB reserved, 1 MB left of the 120 MB
    const ask = (nom: string, taille: number) =>
      s.post(`/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}/fichiers`, {
        nom,
        taille,
        type: 'application/pdf',
        role: 'ANNEXE',
      });
    for (let i = 1; i <= 11; i++) expect((await ask(`bloc-${i}.pdf`, 10 * MB)).status).toBe(201);
    expect((await ask('bloc-12.pdf', 9 * MB)).status).toBe(201);
    expect(await reserved(s, d)).toBe(119 * MB);

    const page = await portal().signIn(DEMO_LOGINS.sousTraitant);
    const storage = storagePosts(page, portal().url);
    await page.goto(`/deposer/${d.dossierId}/${d.pieceId}`);
    await page.getByTestId('place').waitFor();
    expect(await page.getByTestId('place').textContent()).toContain('119,0\u00a0Mo sur 120,0\u00a0Mo');
    await page
      .getByLabel(/^Pièces jointes/)
      .setInputFiles(fileOnDisk('annexe-2mo.pdf', new Uint8Array(2 * MB).fill(0x25)));
    await eventually(() => page.getByTestId('envois').textContent()).toContain(
      'dépasserait les 120,0\u00a0Mo de la pièce avec ses pièces jointes : il reste 1,0\u00a0Mo',
    );
    expect(storage).toHaveLength(0);
    expect(await reserved(s, d)).toBe(119 * MB);
  });
  it('the titulaire answers a suspension: the missing documents listed, one uploaded, « Compléter », new échéance', async () => {
    const p = portal();
    const start = p.platform.clock.now();
    const d0 = parisDateOf(start);
    const amounts = { ht: '10000.00', tva: '2000.00', ttc: '12000.00' };
    const as = (login: string) => signInAs(p.url, login);
    // Day 0: the titulaire's PDM (A4) is made available to the MOE: the DGP starts; MOE (A15) and MOA (A19) follow
    const titulaire = await as(DEMO_LOGINS.titulaire);
    const a4 = await draftWithMainFile(
      titulaire,
      `/v1/marches/${DEMO.marcheId}/pieces`,
      { cadre: 'A4', numero: 'PDM-E2E-SUSP', montants: amounts },
      pollVerified(titulaire),
    );
    const opened = await titulaire.post(`/v1/dossiers/${a4.dossierId}/pieces/${a4.pieceId}/envoyer`, {});
    expect(opened.status).toBe(201);
    const id = a4.dossierId;
    // The MOE's état d'acompte (A15), a follow-up piece: its draft reopened in « Déposer » and sent from there
    const moe = await as(DEMO_LOGINS.moe);
    const a15 = await draftWithMainFile(
      moe,
      `/v1/dossiers/${id}/pieces`,
      { cadre: 'A15', numero: 'EA-E2E-SUSP', montants: amounts },
      pollVerified(moe),
    );
    const moePage = await p.signIn(DEMO_LOGINS.moe);
    await moePage.goto(`/deposer/${id}/${a15.pieceId}`);
    const suite = moePage.getByTestId('suite');
    await suite.waitFor();
    expect(await suite.textContent()).toMatch(/état d.acompte/i);
    await expectAccessible(moePage);
    await moePage.getByRole('button', { name: 'Valider et envoyer' }).click();
    await eventually(() => moePage.getByTestId('recap').textContent()).toContain(
      'La pièce n° EA-E2E-SUSP est validée, elle est en cours de transmission au service concerné',
    );
    await moePage.context().close();
    let version = (await moe.get(`/v1/dossiers/${id}`)).version as number;
    const moa = await as(DEMO_LOGINS.moa);
    const a19 = await draftWithMainFile(
      moa,
      `/v1/dossiers/${id}/pieces`,
      { cadre: 'A19', numero: 'EAV-E2E-SUSP', montants: amounts },
      pollVerified(moa),
    );
    const validated = await moa.post(
      `/v1/dossiers/${id}/pieces/${a19.pieceId}/envoyer`,
      { type: 'VALIDER_ETAT_ACOMPTE' },
      { ifMatch: version },
    );
    expect(validated.status, JSON.stringify(validated.body)).toBe(200);
    version = validated.version as number;
    // Day 10: the service financier suspends, listing two documents
    await p.platform.advanceClock({ to: new Date(start.getTime() + 10 * 86_400_000) });
    const sf = await as(DEMO_LOGINS.financier);
    const suspended = await sf.post(
      `/v1/dossiers/${id}/actions`,
      { type: 'SUSPENDRE', documentsManquants: ['RIB', 'Attestation de vigilance URSSAF'] },
      { ifMatch: version },
    );
    expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
    // Day 15: the titulaire answers in the browser
    await p.platform.advanceClock({ to: new Date(start.getTime() + 15 * 86_400_000) });
    const page = await p.signIn(DEMO_LOGINS.titulaire);
    await page.goto(`/dossiers/${id}`);
    const complement = page.getByTestId('complement');
    await complement.waitFor();
    expect(await page.getByTestId('documents-manquants').textContent()).toContain('Attestation de vigilance URSSAF');
    await complement
      .getByLabel(/^Documents demandés/)
      .setInputFiles([
        pdfFile('rib.pdf', await textPdf(['Relevé d’identité bancaire'])),
        pdfFile('urssaf.pdf', await textPdf(['Attestation de vigilance'])),
      ]);
    await eventually(() => complement.getByTestId('envoi').filter({ hasText: 'vérifié' }).count()).toBe(2);
    await expectAccessible(page);
    await screenshot(page, 'dossier-complement');
    await complement.getByRole('button', { name: 'Compléter avec 2 documents' }).click();
    // Suspended on day 10 of a 30-day DGP: 30 − 10 = 20 days were left; the complete answer on day 15 opens
    // max(30, 20) = 30 days (CCP R2192-29): échéance = day 15 + 30 = day 45
    const d45 = addDays(d0, 45);
    const expected = `${d45.slice(8, 10)}/${d45.slice(5, 7)}/${d45.slice(0, 4)}`;
    await eventually(() => page.getByTestId('dgp').textContent()).toContain(`échéance le ${expected}`);
    await eventually(() => page.getByTestId('complement').count()).toBe(0);
  });
});
