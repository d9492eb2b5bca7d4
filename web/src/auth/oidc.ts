import type { PortalConfig } from './config';
import { saveSession } from './session';

type OidcConfig = Extract<PortalConfig['auth'], { mode: 'oidc' }>;

/**
 * Sign-in on AWS: OIDC authorization code with PKCE (oidc-client-ts) against the Cognito user pool or the configured
 * issuer. Loaded on demand, so that the local portal does not ship it in its first script.
 */
async function manager(config: OidcConfig) {
  const { UserManager, WebStorageStateStore } = await import('oidc-client-ts');
  return new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: `${window.location.origin}/connexion/retour`,
    post_logout_redirect_uri: `${window.location.origin}/connexion`,
    response_type: 'code',
    scope: config.scope ?? 'openid email',
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
  saveSession({
    token: user.access_token,
    expiresAt: new Date((user.expires_at ?? Math.floor(Date.now() / 1000) + 3600) * 1000).toISOString(),
    adresse: typeof user.profile.email === 'string' ? user.profile.email : user.profile.sub,
  });
  const state = user.state as { returnTo?: string } | undefined;
  return state?.returnTo?.startsWith('/') ? state.returnTo : '/';
}

export async function oidcSignOut(config: OidcConfig): Promise<void> {
  await (await manager(config)).removeUser();
}
