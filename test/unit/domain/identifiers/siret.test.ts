import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../../shared/domain/errors';
import { isValidSiret, sirenOf, validateSiret } from '../../../../shared/domain/siret';
import { luhnSiretArb, luhnSum } from './siret-arbitraries';

function errorCode(input: string): string | undefined {
  const v = validateSiret(input);
  return v.ok ? undefined : v.error.code;
}

describe('SIRET (INSEE; docs/rules/structures.md#siret)', () => {
  it.each([
    ['21300202500012', 'Ville de Marseille'],
    ['83876704400012', 'entreprise privée'],
    ['53819959700013', 'entreprise privée'],
    ['21750001608202', 'Ville de Paris'],
    ['35600000000048', 'La Poste, siège (Luhn)'],
  ])('accepts the real SIRET %s (%s)', (siret) => {
    expect(validateSiret(siret)).toEqual({ ok: true, value: siret });
    expect(isValidSiret(siret)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['2130020250001', '13 digits'],
    ['213002025000120', '15 digits'],
    ['213 002 025 00012', 'spaces are not stripped'],
    ['2130020250001A', 'a letter'],
    [' 21300202500012', 'leading space'],
    ['２１３００２０２５０００１２', 'full-width digits'],
  ])('refuses %j with SIRET_FORMAT (%s) and says 14 digits are expected', (input) => {
    const v = validateSiret(input);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.error).toBeInstanceOf(DomainError);
    expect(v.error.code).toBe('SIRET_FORMAT');
    expect(v.error.message).toContain('14 chiffres attendus');
    expect(v.error.fields).toEqual([{ path: 'siret', message: v.error.message }]);
  });

  it.each([
    ['21300202500013', 'last digit changed'],
    ['21300202500021', 'two digits swapped'],
    ['83876704400010', 'wrong key'],
  ])('refuses %s with SIRET_CLE_INVALIDE (%s)', (input) => {
    const v = validateSiret(input);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.error.code).toBe('SIRET_CLE_INVALIDE');
    expect(v.error.message).toContain('clé de contrôle invalide');
  });

  it('uses the path given by the caller in the field issue', () => {
    const v = validateSiret('123', 'acteurs.0.siret');
    expect(v.ok ? [] : v.error.fields.map((f) => f.path)).toEqual(['acteurs.0.siret']);
  });

  describe('La Poste exception (SIREN 356000000: Luhn or digit sum multiple of 5)', () => {
    it.each([
      ['35600000000051', 'digit sum 20, Luhn fails'],
      ['35600000012341', 'digit sum 25, Luhn fails'],
      ['35600000000048', 'digit sum 26, Luhn passes'],
    ])('accepts %s (%s)', (siret) => {
      expect(validateSiret(siret).ok).toBe(true);
    });

    it('the examples really exercise each branch', () => {
      expect(luhnSum('35600000000051') % 10).not.toBe(0);
      expect(luhnSum('35600000012341') % 10).not.toBe(0);
      expect(luhnSum('35600000000048') % 10).toBe(0);
    });

    it.each([['35600000000049'], ['35600000000050']])('refuses %s (Luhn fails, digit sum not a multiple of 5)', (s) => {
      expect(errorCode(s)).toBe('SIRET_CLE_INVALIDE');
    });

    it('does not extend the digit-sum rule to other SIRENs', () => {
      // 21300202500000: digit sum 15, Luhn fails
      expect(errorCode('21300202500000')).toBe('SIRET_CLE_INVALIDE');
    });
  });

  it('accepts every number carrying a computed Luhn key (property)', () => {
    fc.assert(fc.property(luhnSiretArb, (siret) => validateSiret(siret).ok));
  });

  it('refuses any one-digit change of a valid SIRET outside the La Poste rule (property)', () => {
    fc.assert(
      fc.property(luhnSiretArb, fc.nat(13), fc.integer({ min: 1, max: 9 }), (siret, position, delta) => {
        const digit = (Number(siret[position]) + delta) % 10;
        const changed = `${siret.slice(0, position)}${digit}${siret.slice(position + 1)}`;
        fc.pre(!changed.startsWith('356000000'));
        expect(errorCode(changed)).toBe('SIRET_CLE_INVALIDE');
      }),
    );
  });

  it('returns a Validation, never throws, for any string (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (s) => {
        const v = validateSiret(s);
        expect(typeof v.ok).toBe('boolean');
      }),
    );
  });

  describe('sirenOf', () => {
    it('returns the first 9 digits of a valid SIRET', () => {
      expect(sirenOf('21300202500012')).toBe('213002025');
      expect(sirenOf('35600000000051')).toBe('356000000');
    });

    it('throws the validation error for an invalid SIRET', () => {
      expect(() => sirenOf('21300202500013')).toThrow(expect.objectContaining({ code: 'SIRET_CLE_INVALIDE' }));
      expect(() => sirenOf('213002025')).toThrow(DomainError);
    });
  });
});
