import { describe, expect, it } from 'vitest';
import { LocalAuth } from '../../../infra/local/auth';
import { ShiftableClock } from '../../../shared/adapters/clock';

/**
 * The local gateway's stand-in for the JWT authorizer (infra/local/auth.ts). A token is checked by jose once, then
 * only its validity period on later requests (issue 16): these are the answers that must not change.
 */
const secret = (c: string) => new TextEncoder().encode(c.repeat(32));
const at = (iso: string) => new ShiftableClock(undefined, { startAt: new Date(iso) });

describe('LocalAuth', () => {
  it('hands the same claims to every request of a valid token, each a copy of its own', async () => {
    const auth = new LocalAuth(secret('a'), at('2030-01-07T08:00:00.000Z'));
    const { token } = await auth.issue('USR-1', 'moa@example.fr');
    const first = await auth.verify(`Bearer ${token}`);
    expect(first?.claims).toMatchObject({ sub: 'USR-1', email: 'moa@example.fr', iss: 'factures-travaux-local' });
    expect(first?.scopes).toBeNull();
    // A handler that rewrites its event's claims does not change what the next request is given
    (first as { claims: Record<string, string> }).claims.sub = 'USR-2';
    const again = await auth.verify(token);
    expect(again?.claims.sub).toBe('USR-1');
    expect(again?.claims).toEqual({ ...first?.claims, sub: 'USR-1' });
  });

  it('refuses a token once the platform clock reaches its expiry (12 h), even after it was accepted', async () => {
    const clock = at('2030-01-07T08:00:00.000Z');
    const auth = new LocalAuth(secret('a'), clock);
    const { token, expiresAt } = await auth.issue('USR-1', 'moa@example.fr');
    // Issued at 08:00:00 UTC for 12 h: exp = 20:00:00 UTC
    expect(expiresAt.toISOString()).toBe('2030-01-07T20:00:00.000Z');
    expect(await auth.verify(`Bearer ${token}`)).toBeDefined();
    // 19:59:55 (plus the real time the test took): still valid
    await clock.advance(12 * 3600_000 - 5000);
    expect(await auth.verify(`Bearer ${token}`)).toBeDefined();
    // 20:00:00 and after: exp <= now, refused (jose's rule)
    await clock.advance(5000);
    expect(await auth.verify(`Bearer ${token}`)).toBeUndefined();
  });

  it('refuses a token signed with another secret, or altered, however often it is sent', async () => {
    const clock = at('2030-01-07T08:00:00.000Z');
    const auth = new LocalAuth(secret('a'), clock);
    const { token: foreign } = await new LocalAuth(secret('b'), clock).issue('USR-1', 'moa@example.fr');
    const { token } = await auth.issue('USR-1', 'moa@example.fr');
    expect(await auth.verify(token)).toBeDefined();
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ sub: 'USR-9', iss: 'factures-travaux-local' })).toString('base64url');
    for (let i = 0; i < 2; i++) {
      expect(await auth.verify(`Bearer ${foreign}`)).toBeUndefined();
      expect(await auth.verify(`Bearer ${header}.${payload}.${signature}`)).toBeUndefined();
    }
  });
});
