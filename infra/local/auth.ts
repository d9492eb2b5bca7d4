import { randomBytes, webcrypto } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../../shared/adapters/clock';

export const LOCAL_ISSUER = 'factures-travaux-local';
export const LOCAL_AUDIENCE = 'factures-travaux';
const TOKEN_HOURS = 12;
/** Tokens whose signature and claims were checked, kept for their next requests (the oldest forgotten first). */
const VERIFIED_KEPT = 1000;

type Authorizer = { claims: Record<string, string>; scopes: string[] | null };

/** A checked token: what it authorizes and the instants (epoch seconds) it is valid between. */
interface Verified {
  readonly authorizer: Authorizer;
  readonly nbf?: number;
  readonly exp?: number;
}

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
  private hmacKey: Promise<webcrypto.CryptoKey> | undefined;
  private readonly verified = new Map<string, Verified>();

  constructor(
    private readonly secret: Uint8Array,
    private readonly clock: Clock,
  ) {}

  /**
   * The secret as a WebCrypto key, imported once: given the bytes, jose imports them again on every signature and
   * every check (0.05–0.2 ms of each request through the gateway, issue 16).
   */
  private key(): Promise<webcrypto.CryptoKey> {
    this.hmacKey ??= webcrypto.subtle.importKey('raw', this.secret, { name: 'HMAC', hash: 'SHA-256' }, false, [
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

  /**
   * The claims as the API Gateway JWT authorizer hands them over, or undefined when the token is refused.
   *
   * A token's signature, algorithm, issuer and audience are checked once (jose): its later requests check only its
   * validity period against the platform clock, as jose does (refused when `nbf` > now or `exp` <= now, in whole
   * seconds), so that moving the clock past `exp` still refuses it. jose's check is asynchronous WebCrypto and cost
   * ~0.5 ms of every request through the gateway on this machine (issue 16).
   */
  async verify(authorization: string | undefined): Promise<Authorizer | undefined> {
    if (!authorization) return undefined;
    // API Gateway accepts the token with or without the Bearer prefix.
    const token = authorization.replace(/^Bearer\s+/i, '').trim();
    if (!token) return undefined;
    const now = this.clock.now();
    const known = this.verified.get(token);
    if (known) {
      const seconds = Math.floor(now.getTime() / 1000);
      if ((known.nbf !== undefined && known.nbf > seconds) || (known.exp !== undefined && known.exp <= seconds)) {
        return undefined;
      }
      return {
        claims: { ...known.authorizer.claims },
        scopes: known.authorizer.scopes && [...known.authorizer.scopes],
      };
    }
    try {
      const { payload } = await jwtVerify(token, await this.key(), {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        algorithms: ['HS256'],
        currentDate: now,
      });
      const claims: Record<string, string> = {};
      for (const [k, v] of Object.entries(payload)) {
        // API Gateway passes every claim as a string; lists become "[a b]".
        claims[k] = Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v);
      }
      const scope = typeof payload.scope === 'string' ? payload.scope : undefined;
      const authorizer = { claims, scopes: scope ? scope.split(' ').filter(Boolean) : null };
      if (this.verified.size >= VERIFIED_KEPT) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, {
        authorizer: { claims: { ...claims }, scopes: authorizer.scopes && [...authorizer.scopes] },
        ...(payload.nbf !== undefined ? { nbf: payload.nbf } : {}),
        ...(payload.exp !== undefined ? { exp: payload.exp } : {}),
      });
      return authorizer;
    } catch (error) {
      if (error instanceof errors.JOSEError) return undefined;
      throw error;
    }
  }
}
