import type { Identity } from './types';

/**
 * Who calls, from what API Gateway hands the function (HTTP API, payload 2.0), in one place:
 * - the product's Lambda authorizer on AWS with the Cognito user pool (`requestContext.authorizer.lambda`, see
 *   functions/auth/api-authorizer.ts): the identity it resolved, `userId` and `loginAddress`;
 * - a JWT authorizer (an external OpenID Connect issuer, and the embedded platform's gateway):
 *   `requestContext.authorizer.jwt.claims`, read by `identityFromClaims`.
 */
export function identityFromRequestContext(requestContext: unknown): Identity | null {
  const authorizer = (requestContext as { authorizer?: Record<string, unknown> } | undefined)?.authorizer;
  if (!authorizer || typeof authorizer !== 'object') return null;
  const resolved = authorizer.lambda as Record<string, unknown> | undefined;
  if (resolved && typeof resolved === 'object') {
    const { userId, loginAddress } = resolved;
    if (typeof userId !== 'string' || userId.length === 0) return null;
    return { userId, loginAddress: typeof loginAddress === 'string' && loginAddress.length > 0 ? loginAddress : null };
  }
  const claims = (authorizer.jwt as { claims?: Record<string, unknown> } | undefined)?.claims;
  return claims ? identityFromClaims(claims) : null;
}

/**
 * A verified token's claims → the caller: a person is its `sub` (and its `email` when the token carries one: an ID
 * token does, a Cognito access token does not). A technical account's machine-to-machine token (client credentials:
 * `sub` is the client) names the account in `compte_technique`, as the embedded platform's token endpoint writes it
 * (docs/rules/structures.md#technical-account).
 */
export function identityFromClaims(claims: Readonly<Record<string, unknown>>): Identity | null {
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub.length === 0) return null;
  const technical = claims.compte_technique;
  if (typeof technical === 'string' && technical.length > 0 && claims.client_id === sub) {
    return { userId: technical, loginAddress: null };
  }
  const email = claims.email;
  return { userId: sub, loginAddress: typeof email === 'string' && email.length > 0 ? email : null };
}
