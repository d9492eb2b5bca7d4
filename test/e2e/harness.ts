import * as fs from 'node:fs';
import * as path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Download, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { type Platform, ROOT, type StartPlatformOptions, startPlatform } from '../../infra/local/platform';
import { buildPortal, DIST_DIR } from '../../infra/local/portal/build';
import { demoAccounts, seedOnBoot } from '../../shared/seed/boot';
import { DEMO } from '../../shared/seed/demo';

/**
 * Browser tests of the portal: one embedded platform (in memory, demo data seeded) serving the built portal, and one
 * Debian Chromium driven by playwright-core, per test file. No browser is downloaded: the machine's
 * `/usr/bin/chromium` (or CHROMIUM_PATH) is used; `.ci/run` installs it when missing.
 *
 *   const portal = usePortal();
 *   it('…', async () => { const page = await portal().signIn('moe@demo.test'); … });
 */
import { CHROMIUM_PATH, chromiumLaunchOptions } from './chromium';

export { CHROMIUM_PATH, chromiumLaunchOptions };

/**
 * Where the tests' screenshots go: `test/e2e/.screens/` (git-ignored), or `docs/screenshots/` (shown by the README)
 * with UPDATE_SCREENSHOTS=1.
 */
export const SCREENS_DIR =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.join(ROOT, 'docs', 'screenshots')
    : path.join(ROOT, 'test', 'e2e', '.screens');

export const DEMO_LOGINS = {
  moa: DEMO.users.moa.login,
  moe: DEMO.users.moe.login,
  titulaire: DEMO.users.mandataire.login,
  cotraitant: DEMO.users.cotraitant.login,
  sousTraitant: DEMO.users.sousTraitant.login,
  financier: DEMO.users.serviceFinancier.login,
  consultation: DEMO.users.consultation.login,
  attente: DEMO.users.pending.login,
} as const;

export interface PortalHarness {
  readonly platform: Platform;
  readonly browser: Browser;
  /** The portal's address (same origin as the API). */
  readonly url: string;
  /** A fresh browser context (its own tab session), 1280×900 unless told otherwise. */
  newPage(options?: { width?: number; height?: number }): Promise<Page>;
  /** Signs in through the sign-in page with a demo account's button (or the address field) and waits for Accueil. */
  signIn(loginAddress: string, options?: { width?: number; height?: number; page?: Page }): Promise<Page>;
  /** A bearer token for API calls made by the test itself. */
  token(loginAddress: string): Promise<string>;
  /** Calls the API as the given user; returns the parsed JSON (throws on a non-2xx). */
  api<T = unknown>(
    loginAddress: string,
    method: string,
    pathname: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<T>;
}

export interface UsePortalOptions {
  /** Extra platform options (e.g. `extend`). */
  readonly platform?: Omit<StartPlatformOptions, 'port' | 'inMemory' | 'portal'>;
  /** Runs once the platform is seeded, before the browser starts (seed more data here). */
  readonly seed?: (platform: Platform) => Promise<void>;
}

/** Starts, for the calling test file, the platform with the demo data and the portal, and a Chromium. */
export function usePortal(options: UsePortalOptions = {}): () => PortalHarness {
  let platform: Platform | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  let harness: PortalHarness | undefined;

  beforeAll(async () => {
    await buildPortal();
    platform = await startPlatform({
      ...options.platform,
      port: 0,
      inMemory: true,
      portal: { dir: DIST_DIR, config: { auth: { mode: 'local', comptesDemo: demoAccounts() } } },
      beforeReady: async (p) => {
        await seedOnBoot({ client: p.clients.document, tableName: p.tableName, now: p.clock.now(), baseUrl: p.url });
        await options.platform?.beforeReady?.(p);
      },
    });
    await options.seed?.(platform);
    if (!fs.existsSync(CHROMIUM_PATH)) {
      throw new Error(
        `Chromium est introuvable (${CHROMIUM_PATH}) : installez-le (apt-get install -y chromium chromium-l10n) ou indiquez CHROMIUM_PATH.`,
      );
    }
    browser = await chromium.launch(chromiumLaunchOptions());
    const p = platform;
    const b = browser;
    const tokens = new Map<string, string>();
    const token = async (loginAddress: string) => {
      const known = tokens.get(loginAddress);
      if (known) return known;
      const res = await fetch(`${p.url}/_local/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ loginAddress }),
      });
      if (!res.ok) throw new Error(`sign-in of ${loginAddress} refused: ${res.status} ${await res.text()}`);
      const t = ((await res.json()) as { token: string }).token;
      tokens.set(loginAddress, t);
      return t;
    };
    const newPage = async (o: { width?: number; height?: number } = {}) => {
      const context = await b.newContext({
        baseURL: p.url,
        viewport: { width: o.width ?? 1280, height: o.height ?? 900 },
        locale: 'fr-FR',
        timezoneId: 'Europe/Paris',
        reducedMotion: 'reduce',
      });
      contexts.push(context);
      return context.newPage();
    };
    harness = {
      platform: p,
      browser: b,
      url: p.url,
      newPage,
      token,
      async signIn(loginAddress, o = {}) {
        const page = o.page ?? (await newPage(o));
        await page.goto('/connexion');
        await page.getByLabel('Adresse de connexion').fill(loginAddress);
        await page.getByRole('button', { name: 'Se connecter' }).click();
        await page.waitForURL((u) => !u.pathname.startsWith('/connexion'));
        // The signed-in layout is up (on a phone the header's buttons sit in its collapsed menu)
        await page.locator('main h1').first().waitFor();
        return page;
      },
      async api(loginAddress, method, pathname, body, headers = {}) {
        const res = await fetch(`${p.url}${pathname}`, {
          method,
          headers: {
            authorization: `Bearer ${await token(loginAddress)}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...headers,
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await res.text();
        if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${text}`);
        return (text ? JSON.parse(text) : undefined) as never;
      },
    };
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await platform?.stop();
  }, 60_000);

  return () => {
    if (!harness) throw new Error('the portal harness starts in beforeAll');
    return harness;
  };
}

/** `expect.poll` with a timeout fit for a browser on a loaded 2-core machine. */
export function eventually<T>(fn: () => T | Promise<T>) {
  return expect.poll(fn, { timeout: 20_000, interval: 100 });
}

/** Per-test timeout of browser tests (a page load on a loaded 2-core machine takes seconds). */
export const E2E_TIMEOUT = 120_000;

/** axe-core on the page as it is now: no serious or critical violation (the message lists what is wrong). */
export async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map(
    (v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(report, `violations axe sur ${page.url()}`).toEqual([]);
}

/**
 * Clicks with `click` and returns the download it starts (a certificate built by the API, a file from the bucket, a
 * ZIP): within 60 s, what a page on a loaded 2-core machine may take to fetch a link and follow it. When none starts,
 * fails with what would tell why: the page's error messages, the requests that failed or were refused (4xx/5xx)
 * meanwhile, and a screenshot `telechargement-manque.png` in SCREENS_DIR.
 */
export async function downloadOf(page: Page, click: () => Promise<unknown>, timeout = 60_000): Promise<Download> {
  const trouble: string[] = [];
  const onResponse = (r: { status(): number; url(): string }) => {
    if (r.status() >= 400) trouble.push(`${r.status()} ${r.url().split('?')[0]}`);
  };
  const onFailed = (r: { url(): string; failure(): { errorText: string } | null }) => {
    // A navigation turned into a download is aborted by Chromium: that one is no trouble
    if (r.failure()?.errorText !== 'net::ERR_ABORTED')
      trouble.push(`${r.failure()?.errorText} ${r.url().split('?')[0]}`);
  };
  page.on('response', onResponse);
  page.on('requestfailed', onFailed);
  try {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout }), click()]);
    return download;
  } catch (e) {
    const shown = await page
      .locator('.fr-error-text, [role="alert"]')
      .allTextContents()
      .catch(() => []);
    await screenshot(page, 'telechargement-manque').catch(() => undefined);
    throw new Error(
      `aucun téléchargement (${(e as Error).message}) ; la page affiche : ${JSON.stringify(shown)} ; requêtes en échec : ${JSON.stringify(trouble)}`,
    );
  } finally {
    page.off('response', onResponse);
    page.off('requestfailed', onFailed);
  }
}

/** A full-page screenshot `<name>.png` in SCREENS_DIR. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENS_DIR, { recursive: true });
  const file = path.join(SCREENS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}
