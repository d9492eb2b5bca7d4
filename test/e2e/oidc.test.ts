import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPortal, DIST_DIR } from '../../infra/local/portal/build';
import { createPortalHandler, type PortalConfig } from '../../infra/local/portal/static';
import { CHROMIUM_PATH, chromiumLaunchOptions, E2E_TIMEOUT, eventually, expectAccessible } from './harness';

/**
 * The portal's OIDC mode (what it does on AWS against Cognito or the configured issuer), in Chromium against a real
 * OpenID Connect provider on 127.0.0.1 (`oidc-provider`, its development login pages). No API here: the portal is
 * served by the same static handler as on the platform, with an `oidc` config.json, and the test checks the
 * redirect (authorization code, PKCE S256, French pages), the callback, the session kept for the tab, and the
 * sign-out at the issuer (its end-session endpoint, or Cognito's `/logout`).
 */

const CLIENT_ID = 'portail';
const LOGIN = 'moa@example.fr';
const MOI = {
  utilisateur: {
    id: LOGIN,
    actif: true,
    adresseConnexion: LOGIN,
    adresseContact: LOGIN,
    creeLe: '2026-11-02T09:00:00.000Z',
    version: 1,
  },
  structures: [],
};

interface Site {
  readonly server: http.Server;
  readonly url: string;
  config?: PortalConfig;
}

/** A portal server whose config.json is set once the issuer's address is known. */
async function startSite(): Promise<Site> {
  const site: { server?: http.Server; url: string; config?: PortalConfig } = { url: '' };
  let handler: ReturnType<typeof createPortalHandler> | undefined;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', site.url);
    if (!handler && site.config) handler = createPortalHandler({ dir: DIST_DIR, config: site.config });
    void (handler ? handler(req, res, url) : Promise.resolve(false)).then((served) => {
      if (served) return;
      // No API in this test (its authorizer is API Gateway's, tested elsewhere): `/v1/moi`, which the signed-in
      // layout needs, answers a user of no structure when the issuer's bearer token is presented; the rest a problem.
      if (url.pathname === '/v1/moi' && /^Bearer \S{20,}$/.test(req.headers.authorization ?? '')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(MOI));
        return;
      }
      res.writeHead(503, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Pas d’API dans ce test', status: 503 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  site.server = server;
  return site as Site;
}

describe('portal sign-in by OIDC (authorization code + PKCE)', { timeout: E2E_TIMEOUT }, () => {
  let browser: Browser;
  let issuer: http.Server;
  let issuerUrl: string;
  let generic: Site;
  let cognitoLike: Site;

  beforeAll(async () => {
    await buildPortal();
    generic = await startSite();
    cognitoLike = await startSite();
    issuer = http.createServer();
    await new Promise<void>((resolve) => issuer.listen(0, '127.0.0.1', resolve));
    issuerUrl = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`;
    const provider = new Provider(issuerUrl, {
      clients: [
        {
          client_id: CLIENT_ID,
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code'],
          response_types: ['code'],
          redirect_uris: [generic, cognitoLike].map((s) => `${s.url}/connexion/retour`),
          post_logout_redirect_uris: [generic, cognitoLike].map((s) => `${s.url}/connexion`),
        },
      ],
      claims: { openid: ['sub'], email: ['email', 'email_verified'] },
      // As Cognito does: the claims of the granted scopes (the e-mail) in the ID token, not only at userinfo
      conformIdTokenClaims: false,
      findAccount: async (_ctx, id) => ({
        accountId: id,
        claims: async () => ({ sub: id, email: id, email_verified: true }),
      }),
    });
    issuer.on('request', provider.callback());
    generic.config = { auth: { mode: 'oidc', authority: issuerUrl, clientId: CLIENT_ID, scope: 'openid email' } };
    cognitoLike.config = {
      auth: {
        mode: 'oidc',
        authority: issuerUrl,
        clientId: CLIENT_ID,
        scope: 'openid email',
        logoutEndpoint: `${issuerUrl}/logout`,
      },
    };
    if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`Chromium est introuvable (${CHROMIUM_PATH}).`);
    browser = await chromium.launch(chromiumLaunchOptions());
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    for (const s of [issuer, generic?.server, cognitoLike?.server]) {
      s?.closeAllConnections();
      await new Promise((resolve) => s?.close(resolve));
    }
  });

  const newPage = async (site: Site) => {
    const context = await browser.newContext({ baseURL: site.url, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    return context.newPage();
  };

  /** From a page behind sign-in to the issuer's login and consent pages, and back. Returns the authorize URL. */
  async function signIn(page: Page, site: Site, from: string): Promise<URL> {
    await page.goto(from);
    await page.waitForURL('**/connexion');
    await eventually(() => page.getByText('Vous allez être redirigé vers le service d’identification.').count()).toBe(
      1,
    );
    const authorize = page.waitForRequest((r) => r.url().startsWith(`${issuerUrl}/auth`));
    await page.getByRole('button', { name: 'Se connecter' }).click();
    const authorizeUrl = new URL((await authorize).url());
    // oidc-provider's development pages: login (any password), then consent.
    await page.locator('input[name="login"]').fill(LOGIN);
    await page.locator('input[name="password"]').fill('secret');
    await page.locator('button[type="submit"]').click();
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((u) => u.origin === site.url && !u.pathname.startsWith('/connexion'));
    return authorizeUrl;
  }

  const session = (page: Page) =>
    page.evaluate(() =>
      JSON.parse(
        (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem(
          'factures-travaux.session',
        ) ?? 'null',
      ),
    ) as Promise<{
      token: string;
      adresse: string;
      expiresAt: string;
    } | null>;

  it('reads the issuer from config.json, which the security policy lets the browser reach', async () => {
    const res = await fetch(`${generic.url}/config.json`);
    expect(await res.json()).toEqual(generic.config);
    expect(res.headers.get('content-security-policy')).toContain(`connect-src 'self' ${issuerUrl};`);
  });

  it('signs in with an authorization code and PKCE, in French, and comes back where the user was going', async () => {
    const page = await newPage(generic);
    await page.goto('/connexion');
    await expectAccessible(page);
    const authorize = await signIn(page, generic, '/delais');
    const q = authorize.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(CLIENT_ID);
    expect(q.get('redirect_uri')).toBe(`${generic.url}/connexion/retour`);
    expect(q.get('scope')).toBe('openid email');
    expect(q.get('code_challenge_method')).toBe('S256');
    // A SHA-256 challenge in base64url is 43 characters (256 bits / 6 bits per character, rounded up).
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('ui_locales')).toBe('fr');
    expect(q.get('lang')).toBe('fr');
    expect(q.get('state')).toBeTruthy();
    expect(new URL(page.url()).pathname).toBe('/delais');
    // The session of the tab holds the issuer's ID token, the bearer the API resolves the person from: a JWT for this
    // client carrying the e-mail (Cognito's access token carries none).
    const s = await session(page);
    expect(s?.adresse).toBe(LOGIN);
    const [, payload] = (s?.token ?? '').split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ iss: issuerUrl, aud: CLIENT_ID, sub: LOGIN, email: LOGIN });
    // oidc-provider's ID tokens last 1 h by default: the session ends then.
    const left = new Date(s?.expiresAt ?? 0).getTime() - Date.now();
    expect(left).toBeGreaterThan(50 * 60_000);
    expect(left).toBeLessThanOrEqual(3600_000);
  });

  it('signs out at the issuer (end-session endpoint) and lands on the sign-in page', async () => {
    const page = await newPage(generic);
    await signIn(page, generic, '/');
    const endSession = page.waitForRequest((r) => r.url().startsWith(`${issuerUrl}/session/end`));
    await page.getByRole('button', { name: 'Déconnexion' }).first().click();
    const q = new URL((await endSession).url()).searchParams;
    expect(q.get('post_logout_redirect_uri')).toBe(`${generic.url}/connexion`);
    expect(q.get('id_token_hint')).toBeTruthy();
    // oidc-provider asks for confirmation, then sends back.
    await page.locator('button[autofocus], button[type="submit"]').first().click();
    await page.waitForURL(`${generic.url}/connexion`);
    expect(await session(page)).toBeNull();
    await eventually(() => page.getByRole('heading', { name: 'Connexion à Factures de travaux' }).count()).toBe(1);
  });

  it('signs out through Cognito’s /logout when config.json names it', async () => {
    const page = await newPage(cognitoLike);
    await signIn(page, cognitoLike, '/');
    let logout: URL | undefined;
    await page.route(`${issuerUrl}/logout**`, (route) => {
      logout = new URL(route.request().url());
      return route.fulfill({ status: 302, headers: { location: `${cognitoLike.url}/connexion` } });
    });
    await page.getByRole('button', { name: 'Déconnexion' }).first().click();
    await page.waitForURL(`${cognitoLike.url}/connexion`);
    expect(logout?.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(logout?.searchParams.get('logout_uri')).toBe(`${cognitoLike.url}/connexion`);
    expect(await session(page)).toBeNull();
  });
});
