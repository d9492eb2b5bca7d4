import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { FetchError, JwtBaseError } from 'aws-jwt-verify/error';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { currentLogger } from '../../shared/adapters/logger';
import { isDomainError } from '../../shared/domain/errors';
import { identityFromClaims } from '../../shared/http/identity';
import type { ServiceContext } from '../../shared/services/context';
import { infrastructure, technicalClientService } from '../../shared/services/wiring';

/**
 * What the authorizer hands the API's functions (`requestContext.authorizer.lambda`, read by
 * shared/http/identity.ts). API Gateway passes only strings, numbers and booleans.
 */
export type AuthorizerContext = {
  readonly userId: string;
  readonly loginAddress?: string;
  /** The technical account's machine client, when the caller is one. */
  readonly clientId?: string;
};

export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>;

export interface ApiAuthorizerDeps {
  /** Checks the token's signature against the user pool's keys, its issuer and its expiry; its claims, else throws. */
  readonly verify: (token: string) => Promise<Readonly<Record<string, unknown>>>;
  /** The pool's clients of people (the API's, the portal's): their ID tokens (`aud`) and access tokens (`client_id`). */
  readonly userClientIds: ReadonlySet<string>;
  /** `<resource server>/<scope>` that the technical accounts' tokens carry. */
  readonly technicalScope: string;
  readonly context: () => Pick<ServiceContext, 'technicalClients' | 'clock'>;
}

/** A bearer token is a few kilobytes; anything longer is refused before any work. */
const MAX_TOKEN_LENGTH = 8192;

/** API Gateway answers 401 when a Lambda authorizer fails with exactly this message. */
const unauthorized = () => new Error('Unauthorized');

const refused: AuthorizerResult = { isAuthorized: false, context: { userId: '' } };

/**
 * The API's authorizer on AWS with the Cognito user pool (docs/rules/structures.md#technical-account). The HTTP
 * API's JWT authorizer compares a token's `aud` (or `client_id`) with a list fixed at deployment, and Cognito lets
 * no token hook set either claim, so the technical accounts' clients, created at run time, could never pass it. This
 * one verifies every token of the pool (signature, issuer, expiry) and then:
 * - a person's token (ID token of a people's client, or its access token) passes as before: `sub` and `email`;
 * - a client credentials access token (`sub` = `client_id`, the API's scope) passes when its client is the current
 *   one of an active structure's technical account still inside its 424 days; the function then acts as that
 *   account's user.
 * Refusals: a missing, malformed, forged, expired or foreign token, or an unknown or replaced client → 401; a
 * deactivated structure or an account past its 424 days → 403 (the reason is logged; API Gateway writes the body).
 */
export async function authorize(deps: ApiAuthorizerDeps, authorization: string | undefined): Promise<AuthorizerResult> {
  const token = (authorization ?? '').replace(/^Bearer\s+/i, '').trim();
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw unauthorized();
  let claims: Readonly<Record<string, unknown>>;
  try {
    claims = await deps.verify(token);
  } catch (error) {
    // The pool's keys could not be fetched: a fault of ours (500), not the caller's.
    if (error instanceof FetchError || !(error instanceof JwtBaseError)) throw error;
    currentLogger().info('jeton refusé', { raison: error.message });
    throw unauthorized();
  }
  const tokenUse = claims.token_use;
  const clientId = claims.client_id;
  if (tokenUse === 'id' && typeof claims.aud === 'string' && deps.userClientIds.has(claims.aud)) {
    return person(claims);
  }
  if (tokenUse !== 'access' || typeof clientId !== 'string' || clientId.length === 0) throw unauthorized();
  if (deps.userClientIds.has(clientId)) return person(claims);
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
  if (claims.sub !== clientId || !scopes.includes(deps.technicalScope)) throw unauthorized();
  const ctx = deps.context();
  try {
    const { login } = await ctx.technicalClients.access(clientId, undefined, ctx.clock.now());
    return { isAuthorized: true, context: { userId: login, clientId } };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    currentLogger().warn('jeton de client technique refusé', { code: error.code, clientId });
    if (error.code === 'IDENTIFIANTS_INVALIDES') throw unauthorized();
    return refused;
  }
}

function person(claims: Readonly<Record<string, unknown>>): AuthorizerResult {
  const identity = identityFromClaims(claims);
  if (!identity) throw unauthorized();
  return {
    isAuthorized: true,
    context: { userId: identity.userId, ...(identity.loginAddress ? { loginAddress: identity.loginAddress } : {}) },
  };
}

/** The verifier and the lists named by the environment the Api construct gives the function. */
export function apiAuthorizerDepsFromEnv(env = process.env): ApiAuthorizerDeps {
  const { USER_POOL_ID, USER_CLIENT_IDS, TECHNICAL_SCOPE } = env;
  if (!USER_POOL_ID || !USER_CLIENT_IDS || !TECHNICAL_SCOPE) {
    throw new Error('api authorizer: USER_POOL_ID, USER_CLIENT_IDS and TECHNICAL_SCOPE must be set');
  }
  // No client or token-use check here: `authorize` tells people's tokens from the technical accounts' itself.
  const verifier = CognitoJwtVerifier.create({ userPoolId: USER_POOL_ID, tokenUse: null, clientId: null });
  return {
    verify: async (token) => (await verifier.verify(token)) as Readonly<Record<string, unknown>>,
    userClientIds: new Set(USER_CLIENT_IDS.split(',').filter(Boolean)),
    technicalScope: TECHNICAL_SCOPE,
    context: () => ({ technicalClients: technicalClientService(), clock: infrastructure().clock }),
  };
}

export function apiAuthorizerHandler(deps: () => ApiAuthorizerDeps) {
  return (event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResult> =>
    authorize(deps(), event.identitySource?.[0] ?? event.headers?.authorization);
}

let fromEnv: ApiAuthorizerDeps | undefined;
export const handler = apiAuthorizerHandler(() => {
  fromEnv ??= apiAuthorizerDepsFromEnv();
  return fromEnv;
});
