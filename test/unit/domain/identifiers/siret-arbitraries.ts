import fc from 'fast-check';

/**
 * Test oracle, written independently of shared/domain/siret.ts: Luhn sum over a digit string, doubling every
 * second digit from the right.
 */
export function luhnSum(digits: string): number {
  return [...digits].reverse().reduce((sum, c, i) => {
    const d = Number(c) * (i % 2 === 1 ? 2 : 1);
    return sum + (d > 9 ? d - 9 : d);
  }, 0);
}

/** Completes 13 digits with the Luhn key that makes the 14-digit SIRET valid. */
export function withLuhnKey(thirteen: string): string {
  for (let key = 0; key <= 9; key++) {
    const candidate = `${thirteen}${key}`;
    if (luhnSum(candidate) % 10 === 0) return candidate;
  }
  throw new Error('unreachable: one key in 0..9 always fits');
}

/** Valid SIRETs (Luhn), La Poste's SIREN excluded so that only the general rule applies. */
export const luhnSiretArb = fc
  .string({ unit: fc.constantFrom(...'0123456789'), minLength: 13, maxLength: 13 })
  .map(withLuhnKey)
  .filter((s) => !s.startsWith('356000000'));
