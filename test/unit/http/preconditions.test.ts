import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../../../shared/http/errors';
import { authentication } from '../../../shared/http/middlewares/authentication';
import { etagOf, parseIfMatch, preconditions } from '../../../shared/http/middlewares/preconditions';
import { stateOf } from '../../../shared/http/state';
import { attempt, httpEvent, middyRequest, USER } from './fixtures';

describe('If-Match parsing', () => {
  it.each([
    ['"0"', 0],
    ['"7"', 7],
    ['W/"12"', 12],
    ['  "3"  ', 3],
    ['"123456789012345"', 123456789012345],
  ])('%s → version %i', (value, version) => {
    expect(parseIfMatch(value)).toBe(version);
  });

  it.each(['*', '7', '"7', '"a"', '"-1"', '"1.5"', '"1", "2"', 'w/"1"', '""', '"1234567890123456"'])(
    '%s is not one version tag',
    (value) => {
      expect(parseIfMatch(value)).toBeUndefined();
    },
  );

  it('writes the ETag a client sends back', () => {
    expect(parseIfMatch(etagOf(42))).toBe(42);
  });
});

describe('preconditions middleware', () => {
  const run = async (required: boolean, headers: Record<string, string>) => {
    const request = middyRequest(httpEvent({ method: 'PATCH', headers }));
    await preconditions(required).before!(request);
    return stateOf(request);
  };

  it('puts the version in the state', async () => {
    expect((await run(true, { 'if-match': 'W/"5"' })).ifMatch).toBe(5);
    expect((await run(false, { 'If-Match': '"6"' })).ifMatch).toBe(6);
  });

  it('answers 428 PRECONDITION_REQUISE when If-Match is required and absent', async () => {
    await expect(run(true, {})).rejects.toMatchObject({ status: 428, code: 'PRECONDITION_REQUISE' });
  });

  it('lets an optional If-Match be absent', async () => {
    expect((await run(false, {})).ifMatch).toBeUndefined();
  });

  it('answers 400 PRECONDITION_INVALIDE to a malformed If-Match, required or not', async () => {
    await expect(run(true, { 'if-match': '*' })).rejects.toMatchObject({ status: 400, code: 'PRECONDITION_INVALIDE' });
    await expect(run(false, { 'if-match': 'v3' })).rejects.toBeInstanceOf(HttpProblem);
  });
});

describe('authentication middleware', () => {
  it('reads the identity from the JWT claims', async () => {
    const request = middyRequest(httpEvent({ claims: USER }));
    await authentication('user').before!(request);
    expect(stateOf(request).identity).toEqual({ userId: 'user-1', loginAddress: 'marie.durand@example.fr' });
  });

  it('accepts a token without email', async () => {
    const request = middyRequest(httpEvent({ claims: { sub: 'u-2' } }));
    await authentication('user').before!(request);
    expect(stateOf(request).identity).toEqual({ userId: 'u-2', loginAddress: null });
  });

  it('answers 401 with WWW-Authenticate on a user route reached without a subject', async () => {
    const request = middyRequest(httpEvent({ claims: { email: 'x@example.fr' } }));
    await expect(attempt(() => authentication('user').before!(request))).rejects.toMatchObject({
      status: 401,
      code: 'AUTHENTIFICATION_REQUISE',
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  });

  it('lets anyone through a public route', async () => {
    const request = middyRequest(httpEvent());
    await authentication('public').before!(request);
    expect(stateOf(request).identity).toBeNull();
  });
});
