import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from './chromium';

/**
 * The browser tests see the portal as its French users do: the browser's own strings (native file input, date
 * input, validation bubbles) are French, not only the page's locale. Each string below is Chromium's French
 * translation, read by the page through the one place it exposes them (validationMessage).
 */
describe('the test Chromium speaks French', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch(chromiumLaunchOptions());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('its native inputs and validation messages are in French (Debian package chromium-l10n, LANGUAGE=fr)', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    const page = await context.newPage();
    await page.setContent(
      '<input id="texte" required><input id="fichier" type="file" required><input id="date" type="date" value="2030-01-15" max="2030-01-10">',
    );
    const messages = await Promise.all(
      ['#texte', '#fichier', '#date'].map((id) =>
        page.locator(id).evaluate((input) => (input as unknown as { validationMessage: string }).validationMessage),
      ),
    );
    expect(messages[0], 'chromium-l10n missing? (apt-get install -y chromium-l10n)').toBe(
      'Veuillez renseigner ce champ.',
    );
    expect(messages[1]).toBe('Veuillez sélectionner un fichier.');
    // The date's own format follows the UI language: 10/01/2030, never 01/10/2030
    expect(messages[2]).toContain('10/01/2030');
    await context.close();
  });
});
