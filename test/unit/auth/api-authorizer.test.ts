import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ApiAuthorizerDeps, apiAuthorizerHandler, authorize } from '../../../functions/auth/api-authorizer';
import { DomainError } from '../../../shared/domain/errors';
import { identityFromRequestContext } from '../../../shared/http/identity';
import type { TechnicalClientService } from '../../../shared/services/technical-client';

/**
 * The API's Lambda authorizer with the Cognito user pool (docs/rules/structures.md#technical-account): real RS256
 * tokens signed here, verified by aws-jwt-verify against a JWKS given to it (no network), at explicit instants.
 */

const POOL = 'eu-west-3_Factures1';
const ISSUER = `https://cognito-idp.eu-west-3.amazonaws.com/${POOL}`;
const WEB = 'web-client-0001';
const PORTAL = 'portal-client-0002';
const MACHINE = 'machine-client-0003';
const SCOPE = 'factures-travaux-api/api';
const NOW = new Date('2027-03-01T09:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const LOGIN = 'TECH_53819959700013';

let sign: (claims: JWTPayload, options?: { exp?: number; issuer?: string; kid?: string }) => Promise<string>;
let verify: ApiAuthorizerDeps['verify'];

beforeAll(async () => {
  // aws-jwt-verify reads the system clock: it is set to NOW (only Date is faked, nothing waits)
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
  const verifier = CognitoJwtVerifier.create({ userPoolId: POOL, tokenUse: null, clientId: null });
  verifier.cacheJwks({ keys: [jwk as never] });
  verify = async (token) => (await verifier.verify(token)) as Record<string, unknown>;
  sign = (claims, options = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'key-1' })
      .setIssuer(options.issuer ?? ISSUER)
      .setIssuedAt(NOW_S)
      .setExpirationTime(options.exp ?? NOW_S + 3600)
      .sign(privateKey);
});

afterAll(() => {
  vi.useRealTimers();
});

function deps(access: TechnicalClientService['access'] = failIfAsked): ApiAuthorizerDeps {
  return {
    verify,
    userClientIds: new Set([WEB, PORTAL]),
    technicalScope: SCOPE,
    context: () => ({ technicalClients: { access } as TechnicalClientService, clock: { now: () => NOW } }),
  };
}

async function failIfAsked(): Promise<never> {
  throw new Error('the machine-client store must not be asked');
}

const idToken = (aud: string) =>
  sign({ sub: 'user-sub-1', aud, token_use: 'id', email: 'marie.durand@mairie-exemple.fr' });
const machineToken = (claims: JWTPayload = {}) =>
  sign({ sub: MACHINE, client_id: MACHINE, token_use: 'access', scope: SCOPE, compte_technique: LOGIN, ...claims });

describe('the API authorizer: people', () => {
  it('lets a person in with the ID token of the portal or of the API client, as the JWT authorizer did', async () => {
    for (const aud of [PORTAL, WEB]) {
      expect(await authorize(deps(), `Bearer ${await idToken(aud)}`)).toEqual({
        isAuthorized: true,
        context: { userId: 'user-sub-1', loginAddress: 'marie.durand@mairie-exemple.fr' },
      });
    }
  });

  it('lets a person in with an access token of a people’s client (no e-mail in it)', async () => {
    const token = await sign({ sub: 'user-sub-1', client_id: WEB, token_use: 'access', username: 'u1' });
    expect(await authorize(deps(), token)).toEqual({ isAuthorized: true, context: { userId: 'user-sub-1' } });
  });

  it('refuses with 401 a missing, oversized, malformed, forged, expired or foreign token', async () => {
    const other = await generateKeyPair('RS256');
    const forged = await new SignJWT({ sub: 'x', aud: PORTAL, token_use: 'id' })
      .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
      .setIssuer(ISSUER)
      .setIssuedAt(NOW_S)
      .setExpirationTime(NOW_S + 3600)
      .sign(other.privateKey);
    const refused = [
      undefined,
      '',
      'Bearer ',
      `Bearer ${'a'.repeat(8193)}`,
      'Bearer not.a.jwt',
      forged,
      // exp one second before NOW
      await sign({ sub: 'user-sub-1', aud: PORTAL, token_use: 'id' }, { exp: NOW_S - 1 }),
      // another user pool's token
      await sign({ sub: 'user-sub-1', aud: PORTAL, token_use: 'id' }, { issuer: `${ISSUER}x` }),
      // an ID token of a client that is not a people's client of this API
      await idToken('some-other-client'),
      // no token_use
      await sign({ sub: 'user-sub-1', aud: PORTAL }),
    ];
    for (const header of refused) {
      await expect(authorize(deps(), header), String(header).slice(0, 40)).rejects.toThrow(/^Unauthorized$/);
    }
  });
});

describe('the API authorizer: technical accounts (client credentials)', () => {
  it('lets a known client in as its technical account’s user, checked at the request’s instant', async () => {
    const asked: unknown[] = [];
    const result = await authorize(
      deps(async (...args) => {
        asked.push(args);
        return { login: LOGIN, siret: '53819959700013' };
      }),
      `Bearer ${await machineToken()}`,
    );
    expect(asked).toEqual([[MACHINE, undefined, NOW]]);
    expect(result).toEqual({ isAuthorized: true, context: { userId: LOGIN, clientId: MACHINE } });
    // the functions read that identity from requestContext.authorizer.lambda
    expect(identityFromRequestContext({ authorizer: { lambda: result.context } })).toEqual({
      userId: LOGIN,
      loginAddress: null,
    });
  });

  it('does not trust the account named in the token: the store says who the client acts for', async () => {
    const result = await authorize(
      deps(async () => ({ login: 'TECH_11111111100011', siret: '11111111100011' })),
      await machineToken({ compte_technique: 'TECH_99999999900099' }),
    );
    expect(result.context.userId).toBe('TECH_11111111100011');
  });

  it('refuses with 401 an unknown or replaced client, a token without the API scope, or not of a client', async () => {
    const unknown = deps(async () => {
      throw new DomainError(
        'IDENTIFIANTS_INVALIDES',
        'Identifiant ou secret du client technique invalide.',
        'FORBIDDEN',
      );
    });
    await expect(authorize(unknown, await machineToken())).rejects.toThrow(/^Unauthorized$/);
    await expect(authorize(deps(), await machineToken({ scope: 'aws.cognito.signin.user.admin' }))).rejects.toThrow(
      /^Unauthorized$/,
    );
    // a user's access token of an unknown client (sub is a person, not the client)
    await expect(authorize(deps(), await machineToken({ sub: 'user-sub-1' }))).rejects.toThrow(/^Unauthorized$/);
  });

  it('refuses with 403 an account past its 424 days or a deactivated structure', async () => {
    for (const [code, message] of [
      ['COMPTE_TECHNIQUE_EXPIRE', 'Le mot de passe du compte technique a expiré.'],
      ['STRUCTURE_DESACTIVEE', 'La structure 53819959700013 est désactivée.'],
    ] as const) {
      const result = await authorize(
        deps(async () => {
          throw new DomainError(code, message, 'FORBIDDEN');
        }),
        await machineToken(),
      );
      expect(result.isAuthorized, code).toBe(false);
    }
  });

  it('lets a fault of the store through (API Gateway answers 500, the caller retries), not a refusal', async () => {
    const broken = deps(async () => {
      throw new Error('DynamoDB unavailable');
    });
    await expect(authorize(broken, await machineToken())).rejects.toThrow('DynamoDB unavailable');
  });
});

describe('the handler', () => {
  it('reads the Authorization header that API Gateway names as identity source', async () => {
    const token = await idToken(PORTAL);
    const event = {
      version: '2.0',
      type: 'REQUEST',
      identitySource: [`Bearer ${token}`],
      headers: { authorization: `Bearer ${token}` },
    } as unknown as APIGatewayRequestAuthorizerEventV2;
    expect((await apiAuthorizerHandler(() => deps())(event)).context.userId).toBe('user-sub-1');
  });
});

describe('the identity the functions read', () => {
  it('comes from the Lambda authorizer’s context, or from a JWT authorizer’s claims', () => {
    expect(identityFromRequestContext({ authorizer: { lambda: { userId: 'u1', loginAddress: 'a@b.fr' } } })).toEqual({
      userId: 'u1',
      loginAddress: 'a@b.fr',
    });
    expect(identityFromRequestContext({ authorizer: { lambda: { userId: '' } } })).toBeNull();
    expect(identityFromRequestContext({ authorizer: { jwt: { claims: { sub: 'u2', email: 'c@d.fr' } } } })).toEqual({
      userId: 'u2',
      loginAddress: 'c@d.fr',
    });
    // the embedded platform's client token names the technical account
    expect(
      identityFromRequestContext({
        authorizer: { jwt: { claims: { sub: 'local-1', client_id: 'local-1', compte_technique: LOGIN } } },
      }),
    ).toEqual({ userId: LOGIN, loginAddress: null });
    expect(identityFromRequestContext({})).toBeNull();
  });
});
