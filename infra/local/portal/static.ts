import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';
import { portalContentSecurityPolicy } from '../../constructs/portal-edge';

/** What the local gateway serves at `/config.json` beside the portal (on AWS, a file deployed with the app). */
export interface PortalConfig {
  readonly auth:
    | {
        readonly mode: 'local';
        /** The demo accounts listed on the sign-in page. */
        readonly comptesDemo: readonly { readonly adresse: string; readonly description: string }[];
      }
    | {
        readonly mode: 'oidc';
        readonly authority: string;
        readonly clientId: string;
        readonly scope?: string;
        readonly logoutEndpoint?: string;
      };
}

export interface PortalOptions {
  /** The built portal (`web/dist`). */
  readonly dir: string;
  readonly config: PortalConfig;
  /** False while `npm start` (re)builds the portal: pages then answer « en cours de construction » (503). */
  readonly ready?: () => boolean;
  /**
   * Origins the pages also send requests to, read on every answer: the local storage front, where the browser
   * posts files with presigned forms (its port is known once the platform has started).
   */
  readonly connectOrigins?: () => readonly string[];
}

const BUILDING_PAGE = Buffer.from(
  '<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3"><title>Portail en construction — Factures de travaux</title></head><body><main><h1>Le portail est en cours de construction</h1><p>Ses sources ont changé depuis le dernier démarrage. Cette page se recharge toute seule dans quelques secondes ; l’API répond déjà.</p></main></body></html>',
);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/**
 * The same headers CloudFront's response-headers policy sets on AWS: a strict Content-Security-Policy (scripts and
 * styles from the app's own origin; the DSFR sets a few inline styles), no framing, no MIME sniffing.
 */
export const PORTAL_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': portalContentSecurityPolicy(),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

/**
 * Serves the built portal for GET/HEAD requests outside `/v1`: a file of `dir` when it exists, `/config.json`, and
 * `index.html` for any other path without a file extension (the single-page application's routes). Returns false
 * when the request is not the portal's (the gateway then answers as before).
 */
export function createPortalHandler(options: PortalOptions) {
  const root = path.resolve(options.dir);
  const configBody = Buffer.from(JSON.stringify(options.config));
  // With an OIDC issuer, the browser also fetches its discovery document and token endpoint.
  const auth = options.config.auth;
  const issuer = auth.mode === 'oidc' ? [new URL(auth.authority).origin] : [];
  const headersNow = () => ({
    ...PORTAL_SECURITY_HEADERS,
    'content-security-policy': portalContentSecurityPolicy({
      connect: [...issuer, ...(options.connectOrigins?.() ?? [])],
    }),
  });
  return async (req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> => {
    const headers = headersNow();
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') return false;
    if (url.pathname === '/v1' || url.pathname.startsWith('/v1/') || url.pathname.startsWith('/_local/')) return false;
    const send = (status: number, type: string, body: Buffer, cache: string) => {
      res.writeHead(status, {
        ...headers,
        'content-type': type,
        'content-length': String(body.length),
        'cache-control': cache,
      });
      res.end(method === 'HEAD' ? undefined : body);
    };
    if (url.pathname === '/config.json') {
      send(200, 'application/json', configBody, 'no-store');
      return true;
    }
    if (options.ready && !options.ready()) {
      send(503, 'text/html; charset=utf-8', BUILDING_PAGE, 'no-store');
      return true;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(url.pathname);
    } catch {
      return false;
    }
    const file = path.resolve(root, `.${path.posix.normalize(decoded)}`);
    if (file.startsWith(root + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile()) {
      const ext = path.extname(file).toLowerCase();
      // Vite names built assets after their content hash: they never change under the same name.
      const immutable = decoded.startsWith('/assets/');
      send(
        200,
        TYPES[ext] ?? 'application/octet-stream',
        fs.readFileSync(file),
        immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
      return true;
    }
    if (path.extname(decoded) !== '') return false;
    const index = path.join(root, 'index.html');
    if (!fs.existsSync(index)) {
      send(
        503,
        'text/plain; charset=utf-8',
        Buffer.from('Le portail n’est pas construit : lancez « npm run build:web » puis rechargez la page.'),
        'no-store',
      );
      return true;
    }
    send(200, 'text/html; charset=utf-8', fs.readFileSync(index), 'no-cache');
    return true;
  };
}
