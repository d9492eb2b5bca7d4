import { describe, expect, it } from 'vitest';
import { hashPassword, technicalLoginOf, verifyPassword } from '../../../shared/services/technical-password';

describe('technical account password storage (docs/rules/structures.md#technical-account)', () => {
  const password = 'Tr0mpette-Bleue!';

  it('stores a salted scrypt hash that never contains the password', async () => {
    const a = await hashPassword(password);
    const b = await hashPassword(password);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toContain(password);
    expect(a).not.toBe(b); // random salt
  });

  it('verifies the right password and refuses another', async () => {
    const stored = await hashPassword(password);
    expect(await verifyPassword(password, stored)).toBe(true);
    expect(await verifyPassword('Tr0mpette-Bleue?', stored)).toBe(false);
  });

  it('refuses a stored value of another scheme', async () => {
    expect(await verifyPassword(password, `plain$${password}`)).toBe(false);
  });

  it('names the technical login after the SIRET', () => {
    expect(technicalLoginOf('21300202500012')).toBe('TECH_21300202500012');
  });
});
