/** `/config.json`, served beside the app: how users sign in (the local platform, or an OIDC issuer on AWS). */
export type PortalConfig =
  | { auth: { mode: 'local'; comptesDemo: { adresse: string; description: string }[] } }
  | {
      auth: {
        mode: 'oidc';
        authority: string;
        clientId: string;
        scope?: string;
        /** Cognito's `/logout` (its discovery document names no end-session endpoint); else the issuer's is used. */
        logoutEndpoint?: string;
      };
    };

export async function loadConfig(): Promise<PortalConfig> {
  const res = await fetch('/config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`La configuration du portail (/config.json) est illisible (HTTP ${res.status}).`);
  return (await res.json()) as PortalConfig;
}
