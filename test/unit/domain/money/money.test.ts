import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../../shared/domain/errors';
import { applyRateBp, formatAmount, formatEuros, parseAmount, sumCents } from '../../../../shared/domain/money';

const safeCents = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

describe('parseAmount (decimal strings at the API; docs/rules/money.md)', () => {
  it.each([
    ['1234.5', 123450],
    ['1234.56', 123456],
    ['1234', 123400],
    ['0', 0],
    ['0.01', 1],
    ['-12.05', -1205],
    ['-0.00', 0],
    ['007.10', 710],
    ['90071992547409.91', Number.MAX_SAFE_INTEGER],
  ])('%j → %d cents', (s, cents) => {
    expect(parseAmount(s)).toBe(cents);
  });

  it('never returns -0', () => {
    expect(Object.is(parseAmount('-0'), 0)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['1,234.56', 'thousands separator'],
    ['1234,56', 'decimal comma'],
    ['1 234.56', 'space'],
    [' 12', 'leading space'],
    ['12 ', 'trailing space'],
    ['1e3', 'exponent'],
    ['12.345', 'three decimals: no silent rounding'],
    ['+5', 'plus sign'],
    ['.5', 'no units'],
    ['5.', 'no decimals after the dot'],
    ['NaN', 'NaN'],
    ['Infinity', 'Infinity'],
    ['--5', 'double minus'],
    ['0x10', 'hexadecimal'],
    ['90071992547409.92', 'beyond the safe integer range'],
    ['١٢٣', 'non-ASCII digits'],
  ])('refuses %j with MONTANT_INVALIDE (%s)', (s) => {
    expect(() => parseAmount(s)).toThrow(DomainError);
    expect(() => parseAmount(s)).toThrow(expect.objectContaining({ code: 'MONTANT_INVALIDE', kind: 'INVALID' }));
  });

  it('names the field given by the caller', () => {
    try {
      parseAmount('abc', 'lignes.0.montantHt');
      expect.unreachable();
    } catch (e) {
      expect((e as DomainError).fields.map((f) => f.path)).toEqual(['lignes.0.montantHt']);
    }
  });
});

describe('formatAmount / formatEuros', () => {
  it.each([
    [123450, '1234.50', '1\u202f234,50\u00a0€'],
    [0, '0.00', '0,00\u00a0€'],
    [5, '0.05', '0,05\u00a0€'],
    [-5, '-0.05', '-0,05\u00a0€'],
    [-123456789, '-1234567.89', '-1\u202f234\u202f567,89\u00a0€'],
    [100000, '1000.00', '1\u202f000,00\u00a0€'],
    [99999, '999.99', '999,99\u00a0€'],
    [8_999_999_999_999_999, '89999999999999.99', '89\u202f999\u202f999\u202f999\u202f999,99\u00a0€'],
  ])('%d cents → %j / %j', (cents, api, display) => {
    expect(formatAmount(cents)).toBe(api);
    expect(formatEuros(cents)).toBe(display);
  });

  it.each([[0.5], [Number.NaN], [Number.MAX_SAFE_INTEGER + 1], [Number.POSITIVE_INFINITY]])(
    'refuses %d (not a safe integer of cents)',
    (v) => {
      expect(() => formatAmount(v)).toThrow(expect.objectContaining({ code: 'MONTANT_INVALIDE' }));
    },
  );

  it('parse(format(x)) === x for any safe number of cents (property)', () => {
    fc.assert(fc.property(safeCents, (c) => parseAmount(formatAmount(c)) === c));
  });

  it('formatEuros writes what Intl fr-FR writes, without its floats (property, |x| ≤ 10^12)', () => {
    const intl = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (c) => {
        expect(formatEuros(c)).toBe(intl.format(c / 100));
      }),
    );
  });
});

describe('applyRateBp (basis points, half away from zero to the cent)', () => {
  it.each([
    [10000, 2000, 2000, '20 % of 100 €'],
    [12345, 2000, 2469, '2469.0 cents'],
    [12345, 550, 679, '678.975 → 679 (half up)'],
    [10, 500, 1, '0.5 cent → 1'],
    [9, 500, 0, '0.45 cent → 0'],
    [-10, 500, -1, '−0.5 cent → −1 (symmetric)'],
    [-12345, 550, -679, 'symmetric'],
    [1, 10000, 1, '100 %'],
    [123456, 0, 0, '0 %'],
    [Number.MAX_SAFE_INTEGER, 100, 90071992547410, 'no float error on a large base'],
  ])('%d × %d bp = %d (%s)', (base, rate, expected) => {
    expect(applyRateBp(base, rate)).toBe(expected);
  });

  it.each([[-1], [12.5], [Number.NaN]])('refuses the rate %d with TAUX_INVALIDE', (rate) => {
    expect(() => applyRateBp(100, rate)).toThrow(expect.objectContaining({ code: 'TAUX_INVALIDE' }));
  });

  it('matches an exact rational oracle and is odd in the base (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), fc.integer({ min: 0, max: 10000 }), (base, rate) => {
        const product = BigInt(base) * BigInt(rate);
        const abs = product < 0n ? -product : product;
        // round(abs / 10000) half up, by comparing the remainder with one half
        const q = abs / 10000n;
        const rounded = abs % 10000n >= 5000n ? q + 1n : q;
        const expected = Number(product < 0n ? -rounded : rounded);
        expect(applyRateBp(base, rate)).toBe(expected === 0 ? 0 : expected);
        expect(applyRateBp(-base, rate) + applyRateBp(base, rate)).toBe(0);
      }),
    );
  });
});

describe('sumCents', () => {
  it('adds exactly and refuses to leave the safe range', () => {
    expect(sumCents([Number.MAX_SAFE_INTEGER, -1, 1])).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => sumCents([Number.MAX_SAFE_INTEGER, 1])).toThrow(expect.objectContaining({ code: 'MONTANT_INVALIDE' }));
  });
});
