import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../../shared/adapters/clock';

export const LOCAL_ISSUER = 'factures-travaux-local';
export const LOCAL_AUDIENCE = 'factures-travaux';
const TOKEN_HOURS = 12;

/** The secret that signs local tokens: LOCAL_JWT_SECRET, else kept beside persisted data, else per run. */
export function localJwtSecret(dataDir: string | undefined): Uint8Array {
  const fromEnv = process.env.LOCAL_JWT_SECRET;
  if (fromEnv) return new TextEncoder().encode(fromEnv);
  if (!dataDir) return randomBytes(32);
  const file = path.join(dataDir, 'jwt-secret');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return new TextEncoder().encode(fs.readFileSync(file, 'utf8').trim());
}

export interface LocalToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/**
 * Stands in for the API's JWT authorizer: issues HS256 tokens (iss, aud, sub, email, 12 h) on the platform clock
 * and verifies them the same way, so that moving the clock past a token's `exp` makes it expire as in AWS.
 */
export class LocalAuth {
  private hmacKey: Promise<CryptoKey> | undefined;

  constructor(
    private readonly secret: Uint8Array,
    private readonly clock: Clock,
  ) {}

  /**
   * The secret as a WebCrypto key, imported once: given the bytes, jose imports them again on every signature and
   * every check (0.05–0.2 ms of each request through the gateway, issue 16).
   */
  private key(): Promise<CryptoKey> {
    this.hmacKey ??= crypto.subtle.importKey('raw', this.secret, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    return this.hmacKey;
  }

  async issue(userId: string, email: string): Promise<LocalToken> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const exp = now + TOKEN_HOURS * 3600;
    const token = await new SignJWT({ email })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setSubject(userId)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(randomBytes(12).toString('hex'))
      .sign(await this.key());
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /**
   * An access token of a technical account's machine client, shaped like the user pool's for the client credentials
   * grant (`sub` = `client_id`, `token_use` access, the scope) with what the token hook adds: the account's login in
   * `compte_technique`. One hour, like the clients' tokens on AWS.
   */
  async issueClientToken(clientId: string, login: string, scope: string): Promise<LocalToken> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const exp = now + 3600;
    const token = await new SignJWT({ client_id: clientId, token_use: 'access', scope, compte_technique: login })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setSubject(clientId)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(randomBytes(12).toString('hex'))
      .sign(await this.key());
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The claims as the API Gateway JWT authorizer hands them over, or undefined when the token is refused. */
  async verify(
    authorization: string | undefined,
  ): Promise<{ claims: Record<string, string>; scopes: string[] | null } | undefined> {
    if (!authorization) return undefined;
    // API Gateway accepts the token with or without the Bearer prefix.
    const token = authorization.replace(/^Bearer\s+/i, '').trim();
    if (!token) return undefined;
    try {
      const { payload } = await jwtVerify(token, await this.key(), {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        algorithms: ['HS256'],
        currentDate: this.clock.now(),
      });
      const claims: Record<string, string> = {};
      for (const [k, v] of Object.entries(payload)) {
        // API Gateway passes every claim as a string; lists become "[a b]".
        claims[k] = Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v);
      }
      const scope = typeof payload.scope === 'string' ? payload.scope : undefined;
      return { claims, scopes: scope ? scope.split(' ').filter(Boolean) : null };
    } catch (error) {
      if (error instanceof errors.JOSEError) return undefined;
      throw error;
    }
  }
}
