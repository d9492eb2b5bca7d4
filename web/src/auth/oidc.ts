import type { PortalConfig } from './config';
import { saveSession } from './session';

type OidcConfig = Extract<PortalConfig['auth'], { mode: 'oidc' }>;

export const CALLBACK_PATH = '/connexion/retour';
const SIGNED_OUT_PATH = '/connexion';

/**
 * Sign-in on AWS: OIDC authorization code with PKCE (oidc-client-ts) against the Cognito user pool or the configured
 * issuer, both named by `/config.json`. Loaded on demand, so that the local portal does not ship it in its first
 * script.
 */
async function manager(config: OidcConfig) {
  const { UserManager, WebStorageStateStore } = await import('oidc-client-ts');
  return new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: `${window.location.origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${window.location.origin}${SIGNED_OUT_PATH}`,
    response_type: 'code',
    scope: config.scope ?? 'openid email',
    // The sign-in pages in French: `ui_locales` (OpenID Connect), `lang` (Cognito managed login).
    extraQueryParams: { ui_locales: 'fr', lang: 'fr' },
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
}

export async function startOidcSignIn(config: OidcConfig, returnTo: string): Promise<void> {
  await (await manager(config)).signinRedirect({ state: { returnTo } });
}

/** Completes the redirect back from the issuer; returns where the user was going. */
export async function completeOidcSignIn(config: OidcConfig): Promise<string> {
  const user = await (await manager(config)).signinRedirectCallback();
  // The API knows a person by the e-mail of the token (its `email` claim): Cognito's access token carries none, its
  // ID token does (scope `email`), and the API's JWT authorizer accepts it (its audience is this client). So the
  // ID token is the bearer; the access token only when an issuer returned no ID token.
  const idToken = user.id_token && typeof user.profile.exp === 'number' ? user.id_token : undefined;
  const expiresAt = idToken ? user.profile.exp : (user.expires_at ?? Math.floor(Date.now() / 1000) + 3600);
  saveSession({
    token: idToken ?? user.access_token,
    expiresAt: new Date(expiresAt * 1000).toISOString(),
    adresse: typeof user.profile.email === 'string' ? user.profile.email : user.profile.sub,
  });
  const state = user.state as { returnTo?: string } | undefined;
  return state?.returnTo?.startsWith('/') && !state.returnTo.startsWith('//') ? state.returnTo : '/';
}

/**
 * Ends the session at the issuer too (otherwise its own session would sign the user straight back in): Cognito's
 * `/logout`, or the issuer's end-session endpoint; back on the sign-in page.
 */
export async function oidcSignOut(config: OidcConfig): Promise<void> {
  const mgr = await manager(config);
  const user = await mgr.getUser();
  await mgr.removeUser();
  const back = `${window.location.origin}${SIGNED_OUT_PATH}`;
  if (config.logoutEndpoint) {
    const url = new URL(config.logoutEndpoint);
    url.searchParams.set('client_id', config.clientId);
    url.searchParams.set('logout_uri', back);
    window.location.assign(url.toString());
    return;
  }
  const endSession = await mgr.metadataService.getEndSessionEndpoint().catch(() => undefined);
  if (endSession) await mgr.signoutRedirect({ id_token_hint: user?.id_token, post_logout_redirect_uri: back });
}
