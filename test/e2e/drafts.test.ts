import { describe, expect, it } from 'vitest';
import { DEMO } from '../../shared/seed/demo';
import { draftWithMainFile, pollVerified, signInAs } from '../integration/api/dossiers/client';
import { DEMO_LOGINS, E2E_TIMEOUT, eventually, expectAccessible, screenshot, usePortal } from './harness';

/**
 * Drafts and validation messages in a real browser, on one platform: the sous-traitant finds its unsent piece in
 * *Brouillons* and in the *Synthèse* (state Brouillon, no deposit date), then deletes it; the titulaire validates a
 * sous-traitant's invoice with a « Complément d'information » that every actor then reads on the dossier. The
 * pieces are prepared through the API with their PDF.
 */
describe('drafts and validation messages', { timeout: E2E_TIMEOUT }, () => {
  const portal = usePortal();

  it('shows the sous-traitant’s draft in Brouillons and in the Synthèse, and deletes it', async () => {
    const st = await signInAs(portal().url, DEMO_LOGINS.sousTraitant);
    await draftWithMainFile(
      st,
      `/v1/marches/${DEMO.marcheId}/pieces`,
      { cadre: 'A9', numero: 'BR-E2E-1', montants: { ht: '1000.00', tva: '200.00', ttc: '1200.00' } },
      pollVerified(st),
    );
    const page = await portal().signIn(DEMO_LOGINS.sousTraitant, { width: 375, height: 800 });
    await page.goto('/synthese');
    const row = page.getByTestId('ligne-brouillon').filter({ hasText: 'BR-E2E-1' });
    await row.waitFor();
    // State « Brouillon », no deposit date, the amount 1 200,00 €
    expect(await row.locator('td').nth(1).textContent()).toBe('—');
    expect(await row.textContent()).toContain('Brouillon');
    expect(await row.textContent()).toContain('1\u00a0200,00\u00a0€');

    await page.goto('/brouillons');
    await page.getByRole('heading', { level: 1, name: 'Brouillons' }).waitFor();
    await page.getByTestId('brouillons').getByRole('cell', { name: 'BR-E2E-1', exact: true }).waitFor();
    expect(await page.getByTestId('brouillons').textContent()).toContain('aujourd’hui');
    await expectAccessible(page);
    await screenshot(page, 'brouillons-375');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Supprimer le brouillon n° BR-E2E-1' }).click();
    await eventually(() => page.getByRole('status').first().textContent()).toContain('est supprimé');
    await eventually(() => page.getByText('Aucun brouillon').count()).toBe(1);
  });

  it('a draft changed elsewhere meanwhile: saving says so, reloads it and keeps what was typed', async () => {
    const st = await signInAs(portal().url, DEMO_LOGINS.sousTraitant);
    const d = await draftWithMainFile(
      st,
      `/v1/marches/${DEMO.marcheId}/pieces`,
      { cadre: 'A9', numero: 'BR-E2E-STALE', montants: { ht: '1000.00', tva: '200.00', ttc: '1200.00' } },
      pollVerified(st),
    );
    const path = `/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}`;
    const page = await portal().signIn(DEMO_LOGINS.sousTraitant);
    await page.goto(`/deposer/${d.dossierId}/${d.pieceId}`);
    await page.getByRole('heading', { level: 1, name: /BR-E2E-STALE/ }).waitFor();
    await page.getByLabel('Date de la pièce').fill('2025-04-14');
    // Another tab of the structure changes the amounts: the draft goes from version 1 to 2
    const elsewhere = await st.call('PATCH', path, {
      ifMatch: 1,
      idempotencyKey: 'br-e2e-stale-1',
      body: { montants: { ht: '2000.00', tva: '400.00', ttc: '2400.00' } },
    });
    expect(elsewhere.status, JSON.stringify(elsewhere.body)).toBe(200);

    await page.getByRole('button', { name: 'Enregistrer en mode Brouillon' }).click();
    await eventually(() => page.getByRole('alert').first().textContent()).toContain('version');
    // Reloaded: the other tab's amounts shown, the date typed here kept
    await expect.poll(() => page.getByLabel('Montant HT (€)').inputValue()).toBe('2000.00');
    expect(await page.getByLabel('Date de la pièce').inputValue()).toBe('2025-04-14');
    await page.getByRole('button', { name: 'Enregistrer en mode Brouillon' }).click();
    await eventually(() => page.getByRole('status').first().textContent()).toContain('est enregistré');
    const saved = (await st.get(path)).body;
    expect(saved).toMatchObject({ datePiece: '2025-04-14', montants: { ht: '2000.00', ttc: '2400.00' } });
  });

  it('the titulaire validates with a Complément d’information, which the MOE then reads on the dossier', async () => {
    const st = await signInAs(portal().url, DEMO_LOGINS.sousTraitant);
    const d = await draftWithMainFile(
      st,
      `/v1/marches/${DEMO.marcheId}/pieces`,
      { cadre: 'A9', numero: 'ST-E2E-CPLT', montants: { ht: '1000.00', tva: '200.00', ttc: '1200.00' } },
      pollVerified(st),
    );
    expect((await st.post(`/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}/envoyer`, {})).status).toBe(201);
    const message = 'Conforme au constat contradictoire du 28/11.';

    const page = await portal().signIn(DEMO_LOGINS.titulaire);
    await page.goto(`/dossiers/${d.dossierId}`);
    await page.getByRole('heading', { level: 1, name: /ST-E2E-CPLT/ }).waitFor();
    await page.getByLabel(/Complément d’information/).fill(message);
    await page.getByRole('button', { name: /^Valider la pièce$/i }).click();
    await eventually(() => page.getByTestId('complements-information').textContent()).toContain(message);
    await expectAccessible(page);

    const moe = await portal().signIn(DEMO_LOGINS.moe);
    await moe.goto(`/dossiers/${d.dossierId}`);
    await eventually(() => moe.getByTestId('complements-information').textContent()).toContain(message);
  });
});
