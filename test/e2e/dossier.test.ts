import * as fs from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractPdfPages } from '../../shared/documents/pdf-text';
import { addDays, parisDateOf } from '../../shared/domain/calendar';
import { DEMO } from '../../shared/seed/demo';
import { draftWithMainFile, type Json, pollVerified, type Session, signInAs } from '../integration/api/dossiers/client';
import { DEMO_LOGINS, downloadOf, E2E_TIMEOUT, eventually, expectAccessible, screenshot, usePortal } from './harness';

/**
 * The Dossier screen, its Actions and Rechercher in a real browser, on one platform: a monthly acompte goes from the
 * titulaire's PDM to the MOE (who corrects the amounts in the browser), the MOA (keyboard only), the service
 * financier (suspension, with a stale submission first), then, after the clock moves, a late payment. The DGP
 * picture is checked against the API's figures. Drafts with their PDF are prepared through the API (the deposit
 * screens are the next issue).
 */
const M = (ht: string, tva: string, ttc: string) => ({ ht, tva, ttc });

describe('dossier screen', { timeout: E2E_TIMEOUT }, () => {
  const portal = usePortal();
  let dossierId = '';
  let day0 = '';
  const as = async (login: string): Promise<Session> => signInAs(portal().url, login);
  const draft = async (
    s: Session,
    spec: { cadre: string; numero: string; montants?: ReturnType<typeof M>; etatAcompte?: Record<string, unknown> },
  ) => draftWithMainFile(s, `/v1/dossiers/${dossierId}/pieces`, spec, pollVerified(s));
  const dossier = async (login: string): Promise<Json> =>
    (await (await as(login)).get(`/v1/dossiers/${dossierId}`)).body;
  const openDossier = async (login: string): Promise<Page> => {
    const page = await portal().signIn(login);
    await page.goto(`/dossiers/${dossierId}`);
    await page.getByRole('heading', { level: 1, name: /PDM-E2E-1/ }).waitFor();
    return page;
  };

  beforeAll(async () => {
    const titulaire = await as(DEMO_LOGINS.titulaire);
    day0 = parisDateOf(portal().platform.clock.now());
    const d = await draftWithMainFile(
      titulaire,
      `/v1/marches/${DEMO.marcheId}/pieces`,
      {
        cadre: 'A4',
        numero: 'PDM-E2E-1',
        montants: M('10000.00', '2000.00', '12000.00'),
        etatAcompte: { lignes: [{ tauxTva: '20', cumulMoisHt: '10000.00', cumulPrecedentHt: '0' }] },
      },
      pollVerified(titulaire),
    );
    const sent = await titulaire.post(`/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}/envoyer`, {});
    expect(sent.status).toBe(201);
    dossierId = d.dossierId;
  }, 120_000);

  it('the MOE sees the dossier in its Synthèse, finds it in Rechercher, deposits the état d’acompte with corrected amounts', async () => {
    // The MOE's draft état d'acompte corrects the amounts: 9 500,00 HT + 1 900,00 TVA = 11 400,00 € TTC
    await draft(await as(DEMO_LOGINS.moe), {
      cadre: 'A15',
      numero: 'EA-E2E-1',
      montants: M('9500.00', '1900.00', '11400.00'),
      // its lines: a = 9 500,00 − 0 = 9 500,00 HT; b = 20 % = 1 900,00
      etatAcompte: { lignes: [{ tauxTva: '20', cumulMoisHt: '9500.00', cumulPrecedentHt: '0' }] },
    });
    const page = await portal().signIn(DEMO_LOGINS.moe);
    // What waits for the MOE: the titulaire's PDM, which opens from the Synthèse
    await page.getByRole('link', { name: 'Synthèse' }).first().click();
    await page.getByTestId('synthese').getByRole('link', { name: 'PDM-E2E-1' }).first().click();
    await page.getByRole('heading', { level: 1, name: /PDM-E2E-1/ }).waitFor();
    await page.getByRole('link', { name: 'Rechercher' }).first().click();
    await page.getByLabel('Numéro de pièce (début)').fill('pdm-e2e');
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await page.getByRole('link', { name: 'A4 n° PDM-E2E-1' }).click();
    await page.getByRole('heading', { level: 1, name: /PDM-E2E-1/ }).waitFor();
    await expect.poll(() => page.getByTestId('attente-depuis').textContent()).toBe(day0.split('-').reverse().join('/'));
    await eventually(() => page.getByTestId('montants-brouillon').textContent()).toContain('11\u00a0400,00\u00a0€ TTC');
    await expectAccessible(page);
    await page.getByRole('button', { name: /^Déposer l'état d'acompte/i }).click();
    await eventually(() => page.getByTestId('etat-dossier').textContent()).toContain("maître d'ouvrage");
    expect((await dossier(DEMO_LOGINS.moe)).pieces[1].montants.ttc).toBe('11400.00');
    // The état d'acompte table of the A15: g = 5 % × 11 400,00 = 570,00; due = 11 400,00 − 570,00 = 10 830,00
    const etat = page.getByRole('table', { name: 'État d’acompte de la pièce n° EA-E2E-1' });
    await eventually(() => etat.textContent()).toContain('10\u00a0830,00\u00a0€');
    expect(await etat.textContent()).toContain('g) Retenue de garantie570,00\u00a0€');
    // and the MOE's correction of the PDM: cumul 10 000,00 → 9 500,00, −500,00
    const corrections = page.getByTestId('corrections');
    expect(await corrections.textContent()).toContain('10\u00a0000,00\u00a0€9\u00a0500,00\u00a0€-500,00\u00a0€');
    await expectAccessible(page);
    // Each sent piece's deposit certificate downloads from the chain: the titulaire's PDM, read by the MOE
    const certificat: string = (await dossier(DEMO_LOGINS.moe)).pieces[0].certificat;
    const download = await downloadOf(page, () =>
      page
        .getByTestId('chaine')
        .locator('li')
        .first()
        .getByRole('button', { name: 'Certificat de dépôt (PDF)' })
        .click(),
    );
    expect(download.suggestedFilename()).toBe(`certificat-${certificat}.pdf`);
    const pdf = await extractPdfPages(new Uint8Array(fs.readFileSync(await download.path())));
    const text = pdf.pages.map((p) => p.text).join('\n');
    expect(text).toContain('PDM-E2E-1');
    expect(text).toContain(certificat);
    // Its files: what the pre-fill read in the PDF (« Numero de facture : PDM-E2E-1 »), and the file itself
    const pdm = page.getByTestId('chaine').locator('li').first();
    await pdm.getByRole('button', { name: 'Voir les fichiers' }).click();
    await eventually(() => pdm.textContent()).toContain('numéro de la pièce PDM-E2E-1 (page 1)');
    expect(await pdm.textContent()).toContain('fichier principal, vérification : vérifié');
    const file = await downloadOf(page, () => pdm.getByRole('button', { name: 'Télécharger PDM-E2E-1.pdf' }).click());
    expect(file.suggestedFilename()).toBe('PDM-E2E-1.pdf');
    const read = await extractPdfPages(new Uint8Array(fs.readFileSync(await file.path())));
    expect(read.pages[0]?.text).toContain('Numero de facture : PDM-E2E-1');
    // The history with its audit trail checked
    await eventually(() => page.getByTestId('piste-audit').textContent()).toMatch(
      /^Piste d’audit intègre \(\d+ événements chaînés\)$/,
    );
  });

  it('the MOA validates with the keyboard alone', async () => {
    await draft(await as(DEMO_LOGINS.moa), {
      cadre: 'A19',
      numero: 'EAV-E2E-1',
      montants: M('9500.00', '1900.00', '11400.00'),
    });
    const page = await openDossier(DEMO_LOGINS.moa);
    const submit = page.getByRole('button', { name: /^Déposer l'état d'acompte validé/i });
    await submit.waitFor();
    let reached = false;
    for (let i = 0; i < 200 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await submit.evaluate((el) => el === (el.ownerDocument as { activeElement: unknown }).activeElement);
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await eventually(() => page.getByTestId('etat-dossier').textContent()).toContain('service financier');
  });

  it('a stale submission says the dossier changed, reloads it and keeps what was typed; then it suspends', async () => {
    const page = await openDossier(DEMO_LOGINS.financier);
    const docs = page.getByLabel('Documents manquants');
    await docs.fill('RIB\nAttestation URSSAF');
    // Meanwhile someone of the service financier records the service fait: the page's version is stale.
    const sf = await as(DEMO_LOGINS.financier);
    const current = await sf.get(`/v1/dossiers/${dossierId}`);
    expect(
      (await sf.post(`/v1/dossiers/${dossierId}/actions`, { type: 'SERVICE_FAIT' }, { ifMatch: current.version }))
        .status,
    ).toBe(200);
    await page.getByRole('button', { name: /^Suspendre/i }).click();
    await eventually(() => page.getByTestId('dossier-modifie').textContent()).toContain('modifié entre-temps');
    expect(await docs.inputValue()).toBe('RIB\nAttestation URSSAF');
    await eventually(() => page.getByTestId('etat-dossier').textContent()).toContain('Statut : Service fait');
    await page.getByRole('button', { name: /^Suspendre/i }).click();
    await eventually(() => page.getByTestId('etat-dossier').textContent()).toContain('Statut : Suspendue');
    await expectAccessible(page);
  });

  it('after the clock moves, the service financier pays late; the picture matches the API’s figures', async () => {
    const platform = portal().platform;
    await platform.advanceClock({ days: 2 });
    const titulaire = await as(DEMO_LOGINS.titulaire);
    const before = await titulaire.get(`/v1/dossiers/${dossierId}`);
    expect(
      (
        await titulaire.post(
          `/v1/dossiers/${dossierId}/actions`,
          { type: 'COMPLETER', documents: ['RIB'] },
          { ifMatch: before.version },
        )
      ).status,
    ).toBe(200);
    // The new delay after the suspension is at least 30 days (CCP R2192-29): 35 days later the payment is late.
    await platform.advanceClock({ days: 35 });
    const page = await openDossier(DEMO_LOGINS.financier);
    await page.getByRole('button', { name: /^Mettre en paiement/i }).click();
    await eventually(() => page.getByTestId('etat-dossier').textContent()).toContain('Statut : Mise en paiement');
    // The status in words, never a raw code
    expect(await page.getByTestId('etat-dossier').textContent()).not.toMatch(/[A-Z]{3,}_[A-Z_]+/);
    const delai = (await dossier(DEMO_LOGINS.financier)).delai;
    // Completed on day 2 (after the clock's first move): new delay of 30 days → échéance day 32; paid day 37 → 5 days late.
    expect(delai.echeance).toBe(addDays(day0 as never, 32));
    expect(delai.joursDeRetard).toBe(5);
    await eventually(() => page.getByTestId('jours-retard').textContent()).toContain('5\u00a0jours de retard');
    for (const h of ['MOE', 'MOA', 'SERVICE_FINANCIER'] as const) {
      await eventually(() => page.getByTestId(`jours-${h}`).textContent()).toContain(
        `${delai.joursParActeur[h]}\u00a0jour`,
      );
    }
    // The SVG draws exactly the API's periods, in order, with their days and late flags.
    const drawn = await page.getByTestId('dgp-periode').evaluateAll((els) =>
      els.map((e) => ({
        holder: e.getAttribute('data-holder'),
        days: Number(e.getAttribute('data-days')),
        late: e.getAttribute('data-late') === 'true',
      })),
    );
    expect(drawn).toEqual(delai.periodes.map((p: Json) => ({ holder: p.detenteur, days: p.jours, late: p.enRetard })));
    expect(await page.getByTestId('dgp-suspension').count()).toBe(delai.periodeSuspendue ? 1 : 0);
    expect(await page.getByTestId('dgp-retard').count()).toBe(1);
    await eventually(() => page.getByTestId('piste-audit').textContent()).toContain('Piste d’audit intègre');
    await expectAccessible(page);
    await screenshot(page, 'dossier-dgp-en-retard');
    // On a phone (375 px wide) the picture scales down with the page.
    await page.setViewportSize({ width: 375, height: 800 });
    await page.getByTestId('dgp-svg').waitFor();
    await expectAccessible(page);
    await screenshot(page, 'dossier-375px');
  });
});
