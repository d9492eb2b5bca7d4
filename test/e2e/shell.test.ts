import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { WorkflowPort } from '../../shared/adapters/workflow';
import { DEMO } from '../../shared/seed/demo';
import { contextWith } from '../../shared/services/context';
import { DEMO_LOGINS, E2E_TIMEOUT, eventually, expectAccessible, screenshot, usePortal } from './harness';

/** How many pixels of the header's brand (the « République Française » logo and the service) are cut off: 0 when whole. */
const brandClippedPx = (page: Page) =>
  page
    .locator('.fr-header__brand-top')
    .first()
    .evaluate((top) => {
      // The brand's top clips what overflows it: the part of the logo outside its box is what the eye loses.
      const box = top.getBoundingClientRect();
      const logo = top.querySelector('.fr-header__logo')?.getBoundingClientRect();
      if (!logo) return Number.POSITIVE_INFINITY;
      return Math.round(Math.max(0, logo.right - box.right) + Math.max(0, box.left - logo.left));
    });

const noWorkflow: WorkflowPort = { start: async () => 'started', release: async () => true };
/** A user attached to two structures, the MOE's and the mandataire's (accepted by each one's GP). */
const MULTI = { id: 'u-e2e-multi', login: 'multi@demo.test' };
const MULTI_SIRETS = [DEMO.sirets.moe, DEMO.sirets.mandataire] as const;

/** The portal's shell: sign-in, header (structure, user, sign-out), navigation, 404, expiry. One platform. */
describe('portal shell', { timeout: E2E_TIMEOUT }, () => {
  const portal = usePortal({
    seed: async (p) => {
      const { identity } = contextWith({
        dynamo: p.clients.document,
        tableName: p.tableName,
        clock: p.clock,
        workflow: noWorkflow,
      });
      const now = p.clock.now();
      await identity.registerUser({ id: MULTI.id, loginAddress: MULTI.login }, now);
      const gps = { [DEMO.sirets.moe]: DEMO.users.moe.id, [DEMO.sirets.mandataire]: DEMO.users.mandataire.id };
      for (const siret of MULTI_SIRETS) {
        const spaces = [{ space: 'FACTURES_TRAVAUX', mode: 'MODIFICATION' }] as const;
        await identity.memberships.requestAttachment({ userId: MULTI.id, siret, spaces }, now);
        const deciderId = gps[siret] ?? '';
        await identity.memberships.decideAttachment({ deciderId, siret, userId: MULTI.id, decision: 'APPROVED' }, now);
      }
    },
  });

  it('serves the portal at / beside the API, with the security headers and a SPA fallback', async () => {
    const res = await fetch(`${portal().url}/synthese`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const config = (await (await fetch(`${portal().url}/config.json`)).json()) as {
      auth: { mode: string; comptesDemo: { adresse: string }[] };
    };
    expect(config.auth.mode).toBe('local');
    expect(config.auth.comptesDemo.map((c) => c.adresse)).toContain('moe@demo.test');
    // The API keeps its own answers: an unknown /v1 path is not the portal's page.
    expect((await fetch(`${portal().url}/v1/inconnu`)).headers.get('content-type')).toMatch(/json/);
    // A production build, even when built under the tests (NODE_ENV=test): React's production runtime (its errors
    // are « Minified React error #… »), not its development one (which warns about act(...))
    const html = await (await fetch(`${portal().url}/`)).text();
    const entry = /<script type="module" crossorigin src="([^"]+)"/.exec(html)?.[1] ?? '';
    const scripts = [
      entry,
      ...[...html.matchAll(/<link rel="modulepreload" crossorigin href="([^"]+)"/g)].map((m) => m[1]),
    ];
    const code = (await Promise.all(scripts.map(async (src) => (await fetch(`${portal().url}${src}`)).text()))).join(
      '\n',
    );
    expect(code).toContain('Minified React error');
    expect(code).not.toContain('support act(...)');
  });

  it('lists the demo accounts on the sign-in page, which is accessible', async () => {
    const page = await portal().newPage();
    await page.goto('/');
    await page.waitForURL('**/connexion');
    // The title is set by an effect after the first render: poll it rather than read it once.
    await eventually(() => page.title()).toBe('Connexion — Factures de travaux');
    await eventually(() => page.getByRole('button', { name: /moe@demo\.test/ }).count()).toBe(1);
    await expectAccessible(page);
  });

  it('refuses an unknown address with a French message next to the field', async () => {
    const page = await portal().newPage();
    await page.goto('/connexion');
    await page.getByLabel('Adresse de connexion').fill('personne@demo.test');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect
      .poll(() => page.locator('.fr-message--error').textContent())
      .toContain('Aucun utilisateur n’est enregistré sous cette adresse de connexion.');
  });

  it.each(Object.entries(DEMO_LOGINS).filter(([k]) => k !== 'attente'))(
    'signs in as the %s demo persona and shows its structure in the header',
    async (_key, login) => {
      const page = await portal().signIn(login);
      const header = page.locator('header');
      await eventually(() => header.textContent()).toContain(login);
      await eventually(() => header.textContent()).toContain('Structure');
      expect(await page.locator('main h1').count()).toBe(1);
      // The quick access (user, structure, notifications, sign-out) never squeezes the logo (« RÉPUBL / FRANÇ »).
      expect(await brandClippedPx(page)).toBe(0);
      await expectAccessible(page);
    },
  );

  it('keeps the whole « République Française » logo in the header from the phone to the desktop', async () => {
    const page = await portal().signIn(DEMO_LOGINS.moe);
    await eventually(() => page.getByTestId('cloche').first().textContent()).toContain('Notifications');
    // 992 px is the DSFR's desktop breakpoint (62em), where the quick access moves beside the logo.
    for (const width of [375, 992, 1024, 1280, 1440]) {
      await page.setViewportSize({ width, height: 800 });
      expect({ width, clipped: await brandClippedPx(page) }).toEqual({ width, clipped: 0 });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await screenshot(page, 'entete-1280');
    await page.setViewportSize({ width: 375, height: 800 });
    await screenshot(page, 'entete-375');
  });

  it('signs in the user whose attachment is pending, and says there is no structure yet', async () => {
    const page = await portal().signIn(DEMO_LOGINS.attente);
    await eventually(() => page.locator('header').textContent()).toContain('Aucune structure rattachée');
  });

  it('lets a user of several structures pick one in the header, sent as X-Structure-Siret and kept for the tab', async () => {
    const page = await portal().newPage();
    // Each read of a structure's Synthèse: the SIRET in its path and the X-Structure-Siret header it carries
    const reads: string[] = [];
    page.on('request', (r) => {
      const m = /^\/v1\/structures\/(\d{14})\/a-traiter$/.exec(new URL(r.url()).pathname);
      if (m) reads.push(`${m[1]} ${r.headers()['x-structure-siret']}`);
    });
    await portal().signIn(MULTI.login, { page });
    const picker = page.locator('select#structure-courante').first();
    await picker.waitFor();
    const offered = await picker
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
    expect([...offered].sort()).toEqual([...MULTI_SIRETS].sort());
    const first = await picker.inputValue();
    const other = MULTI_SIRETS.find((s) => s !== first) ?? '';
    await page.getByRole('link', { name: 'Synthèse' }).first().click();
    await eventually(() => reads.includes(`${first} ${first}`)).toBe(true);
    // Picking the other structure reads the screen again for it; every request names the structure it reads
    await picker.selectOption(other);
    await eventually(() => reads.includes(`${other} ${other}`)).toBe(true);
    expect(reads.filter((r) => r.split(' ')[0] !== r.split(' ')[1])).toEqual([]);
    await expectAccessible(page);
    // The choice holds for the tab: after a reload the same structure is picked and named
    await page.reload();
    await eventually(() => page.locator('select#structure-courante').first().inputValue()).toBe(other);
    await eventually(() => reads.at(-1)).toBe(`${other} ${other}`);
  });

  it('shows a 404 page with a way back inside the layout', async () => {
    const page = await portal().signIn(DEMO_LOGINS.moe);
    await page.goto('/nulle-part');
    await eventually(() => page.locator('main h1').textContent()).toBe('Page non trouvée');
    await page.getByRole('link', { name: 'Page d’accueil' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    await expectAccessible(page);
  });

  it('shows a screen that failed to load as a French error inside the layout, with a way back (error boundary)', async () => {
    const page = await portal().signIn(DEMO_LOGINS.moe);
    // The Synthèse's code cannot be fetched (a dropped connection, a release replaced under an open tab)
    await page.route(/\/assets\/Synthese-[^/]+\.js$/, (r) => r.abort());
    await page.getByRole('link', { name: 'Synthèse' }).first().click();
    await eventually(() => page.locator('main h1').textContent()).toBe('Une erreur est survenue');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Le service est injoignable. Vérifiez votre connexion et réessayez.');
    expect(main).not.toMatch(/TypeError|Failed to fetch|at \S+:\d+/);
    // The header and its navigation are still there
    expect(await page.getByRole('button', { name: 'Déconnexion' }).count()).toBeGreaterThan(0);
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Retour à l’accueil' }).click();
    await eventually(() => page.locator('main h1').textContent()).toBe('Accueil');
  });

  it('sends back to sign-in with a message once the token expired on the platform clock', async () => {
    const page = await portal().signIn(DEMO_LOGINS.moa);
    // Local tokens last 12 h of platform clock: 13 h later the API refuses them (401).
    await portal().platform.advanceClock({ hours: 13 });
    await page.reload();
    await page.waitForURL('**/connexion');
    await eventually(() => page.locator('.fr-alert').first().textContent()).toContain('Votre session a expiré');
  });

  it('signs out', async () => {
    const page = await portal().signIn(DEMO_LOGINS.moe);
    await page.getByRole('button', { name: 'Déconnexion' }).click();
    await page.waitForURL('**/connexion');
    await eventually(() => page.locator('.fr-alert').first().textContent()).toContain('Vous êtes déconnecté');
  });
});
