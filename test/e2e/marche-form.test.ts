import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO } from '../../shared/seed/demo';
import { DEMO_LOGINS, E2E_TIMEOUT, eventually, expectAccessible, screenshot, usePortal } from './harness';

/**
 * « Marchés » → create and amend a fiche d'identité in a real browser: the API's refusals shown next to their fields,
 * a valid fiche created, then an avenant racing another one (412): the form is reloaded and keeps what was typed.
 */
const S = DEMO.sirets;

/** The message the field's `aria-describedby` points to (DSFR puts the field's error there). */
async function errorOf(page: Page, field: Locator): Promise<string> {
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(' ').filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(' ');
}

describe('fiche d’identité du marché', { timeout: E2E_TIMEOUT }, () => {
  const portal = usePortal();

  it('a MOA creates a fiche: the API’s errors appear next to their fields, then the corrected fiche is saved', async () => {
    const page = await portal().signIn(DEMO_LOGINS.moa);
    await page.goto('/marches');
    await page.getByRole('link', { name: 'Créer la fiche d’un marché' }).click();
    await eventually(() => page.locator('main h1').textContent()).toBe('Créer la fiche d’un marché');
    await expectAccessible(page);

    await page.getByLabel('Numéro du marché').fill('2026-E2E-001');
    await page.getByLabel('Objet').fill('Rénovation du gymnase — lot unique');
    await page.getByLabel('Montant initial HT').fill('120 000,00');
    // A State / collectivité buyer: 30 days at most (CCP R2192-10); 45 must be refused next to the field.
    await page.getByLabel('Délai global de paiement').fill('45');
    // The demo MOA's directory requires a code service and an engagement number.
    await page.getByLabel('Code service (acteur 1)').fill(DEMO.codeService);
    await page.getByLabel('Engagement juridique (acteur 1)').fill(DEMO.engagementJuridique);
    // SIRET 83876704400013: the demo MOE's with its last digit changed, so its Luhn key is wrong.
    await page.getByLabel('SIRET de l’acteur 2').fill('83876704400013');
    await page.getByLabel('Raison sociale de l’acteur 2').fill('Atelier Archi Démo');
    await page.getByLabel('SIRET de l’acteur 3').fill(S.mandataire);
    await page.getByLabel('Raison sociale de l’acteur 3').fill('Bâtiment Démo SAS');
    await page.getByRole('button', { name: 'Créer le marché' }).click();

    await eventually(() => page.getByTestId('resume-erreurs').textContent()).toMatch(/La fiche comporte \d+ erreur/);
    expect(await errorOf(page, page.getByLabel('Délai global de paiement'))).toContain('au plus 30 jours');
    expect(await errorOf(page, page.getByLabel('SIRET de l’acteur 2'))).toContain('Atelier Archi Démo');
    expect(await errorOf(page, page.getByLabel('SIRET de l’acteur 3'))).toBe('');
    // What was typed stays.
    expect(await page.getByLabel('Montant initial HT').inputValue()).toBe('120 000,00');
    await expectAccessible(page);
    await screenshot(page, 'marche-form-erreurs');

    await page.getByLabel('Délai global de paiement').fill('30');
    // Reminders 5 days before each deadline instead of the 3 proposed
    expect(await page.getByLabel('Rappel avant chaque échéance').inputValue()).toBe('3');
    await page.getByLabel('Rappel avant chaque échéance').fill('5');
    await page.getByLabel('SIRET de l’acteur 2').fill(S.moe);
    await page.getByRole('button', { name: 'Créer le marché' }).click();
    await eventually(() => page.locator('main h1').textContent()).toBe('Marché 2026-E2E-001');
    const fiche = (await page.locator('main').textContent()) ?? '';
    expect(fiche).toContain('Fiche enregistrée.');
    // 120 000,00 € typed with a comma and spaces, stored as 12 000 000 cents, shown back in French.
    expect(fiche).toContain('120\u00a0000,00\u00a0€');
    expect(fiche).toContain('30 jours');
    expect(fiche).toContain('5 jours avant');
    const marches = await portal().api<{ marches: { id: string; numeroMarche: string }[] }>(
      DEMO_LOGINS.moa,
      'GET',
      `/v1/structures/${S.moa}/marches`,
    );
    expect(marches.marches.map((m) => m.numeroMarche)).toContain('2026-E2E-001');
  });

  it('an avenant raced by another one (412) is reloaded and keeps what the user typed; saved on the second try', async () => {
    const page = await portal().signIn(DEMO_LOGINS.moa);
    await page.goto(`/marches/${DEMO.marcheId}`);
    await page.getByRole('link', { name: 'Modifier la fiche (avenant)' }).click();
    await eventually(() => page.locator('main h1').textContent()).toBe(
      `Modifier la fiche du marché ${DEMO.numeroMarche}`,
    );
    expect(await page.getByLabel('Montant initial HT').inputValue()).toBe('684500,00');
    await expectAccessible(page);

    // A first avenant, alone: saved (PUT with If-Match at the version read), the fiche one version further.
    const read = await portal().api<{ version: number }>(DEMO_LOGINS.moa, 'GET', `/v1/marches/${DEMO.marcheId}`);
    await page.getByLabel('Objet').fill('Réhabilitation de l’école Jules Ferry — avenant n° 1');
    await page.getByRole('button', { name: 'Enregistrer l’avenant' }).click();
    await eventually(() => page.locator('main h1').textContent()).toBe(`Marché ${DEMO.numeroMarche}`);
    const afterFirst = await portal().api<Record<string, unknown> & { version: number }>(
      DEMO_LOGINS.moa,
      'GET',
      `/v1/marches/${DEMO.marcheId}`,
    );
    expect(afterFirst.version).toBe(read.version + 1);

    await page.getByRole('link', { name: 'Modifier la fiche (avenant)' }).click();
    await page.getByLabel('Délai du maître d’œuvre').waitFor();
    // Someone else amends the fiche after the page read it (the MOE's delay from 7 to 10 days).
    const { id, version, creeLe, creePar, modifieLe, ...fiche } = afterFirst;
    await portal().api(
      DEMO_LOGINS.moa,
      'PUT',
      `/v1/marches/${DEMO.marcheId}`,
      { ...fiche, delaiMoeJours: 10 },
      { 'if-match': `"${version}"` },
    );
    await page.getByLabel('Objet').fill('Avenant n° 2 tapé pendant la modification concurrente');
    await page.getByRole('button', { name: 'Enregistrer l’avenant' }).click();
    await eventually(() => page.getByTestId('resume-erreurs').textContent()).toContain(
      'modifiée par quelqu’un d’autre',
    );
    expect(await page.getByLabel('Objet').inputValue()).toBe('Avenant n° 2 tapé pendant la modification concurrente');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Enregistrer l’avenant' }).click();
    await eventually(() => page.locator('main h1').textContent()).toBe(`Marché ${DEMO.numeroMarche}`);
    expect(await page.locator('main').textContent()).toContain('Avenant n° 2 tapé pendant la modification concurrente');
  });
});
