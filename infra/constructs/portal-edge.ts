/**
 * What the portal's edge does, written once for CloudFront (`Portal`) and the embedded platform's gateway
 * (`infra/local/portal/static.ts`): the Content-Security-Policy, and the single-page application's rewrite.
 */

export interface CspOptions {
  /**
   * Origins the browser may also send requests to, besides the portal's own: the documents bucket (uploads with
   * presigned POST forms, downloads), the OIDC issuer and its token endpoint. Each an `https://host` origin (or a
   * CDK token resolving to one).
   */
  readonly connect?: readonly string[];
  /** Origins forms may be submitted to (the documents bucket's presigned POST). */
  readonly formAction?: readonly string[];
}

/**
 * A strict policy: scripts only from the portal's own origin (no inline script, no eval), styles from it plus the
 * few inline styles the State design system (DSFR) sets, images and fonts from it or `data:`, no plugin, no framing
 * by another site, no `<base>` rewrite.
 */
export function portalContentSecurityPolicy(options: CspOptions = {}): string {
  const list = (extra: readonly string[] | undefined) => ["'self'", ...(extra ?? [])].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src ${list(options.connect)}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    `form-action ${list(options.formAction)}`,
    "object-src 'none'",
  ].join('; ');
}

/**
 * CloudFront Function (viewer request, JavaScript runtime 2.0) of the portal's default behaviour: a path whose last
 * segment has no extension is one of the application's routes (`/dossiers/D-1`, `/connexion/retour`), answered
 * with `/index.html`; files (`/assets/index-3f2a.js`, `/config.json`) pass unchanged. The same rule as the local
 * gateway. It is not attached to `/v1/*`, and is used instead of distribution-wide error responses, which would
 * also rewrite the API's own 403 and 404 answers.
 */
export const SPA_REWRITE_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
`;
