import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../shared/adapters/ids';
import { parseAmount } from '../../../shared/domain/money';
import { frenchErrorMap } from '../../../shared/http/zod-fr';
import {
  AMOUNT_PATTERN,
  amount,
  amountString,
  calendarDate,
  calendarDateString,
  id,
  siret,
  toAmountString,
  version,
} from '../../../shared/schemas/common';

const parse = <T>(schema: { safeParse: (v: unknown, o: object) => T }, value: unknown) =>
  schema.safeParse(value, { error: frenchErrorMap });

describe('shared zod building blocks', () => {
  it('amount: a decimal string becomes integer cents', () => {
    expect(amount.parse('1234.56')).toBe(123456);
    expect(amount.parse('-0.5')).toBe(-50);
    expect(amount.parse('7')).toBe(700);
  });

  it.each(['12,50', '1 234.56', '1.234', '+5', '.5', '5.', '1e3', ''])(
    'amount: refuses %j with the money parser’s message',
    (value) => {
      const result = parse(amount, value) as { success: boolean; error?: { issues: { message: string }[] } };
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/^Montant/);
    },
  );

  it('amount: refuses a number (amounts travel as strings)', () => {
    expect(amount.safeParse(12.5).success).toBe(false);
  });

  it('amount: the documented pattern accepts exactly what the money parser accepts', () => {
    const pattern = new RegExp(AMOUNT_PATTERN);
    const candidates = fc.oneof(fc.string(), fc.stringMatching(/^[-+]?[\d.,e ]{0,8}$/));
    fc.assert(
      fc.property(candidates, (s) => {
        let accepted = true;
        try {
          parseAmount(s);
        } catch {
          accepted = false;
        }
        // The parser also refuses amounts beyond 2^53 cents; the pattern cannot say that.
        if (accepted || s.replace(/\D/g, '').length < 15) expect(pattern.test(s)).toBe(accepted);
      }),
      { numRuns: 2000 },
    );
  });

  it('amountString: the response form, always two decimals', () => {
    expect(amountString.safeParse(toAmountString(123450)).success).toBe(true);
    expect(toAmountString(123450)).toBe('1234.50');
    expect(amountString.safeParse('1234.5').success).toBe(false);
  });

  it('siret: a valid SIRET passes, La Poste included; a wrong key is refused with the domain message', () => {
    expect(siret.parse('21310555400017')).toBe('21310555400017');
    expect(siret.safeParse('35600000052135').success).toBe(true); // La Poste: digit sum, not Luhn
    const refused = parse(siret, '21310555400018') as { success: boolean; error?: { issues: { message: string }[] } };
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toContain('clé de contrôle');
  });

  it('calendarDate: only dates that exist', () => {
    expect(calendarDate.parse('2024-02-29')).toBe('2024-02-29');
    for (const bad of ['2025-02-29', '2025-13-01', '31/03/2025', '2025-3-31']) {
      expect(calendarDate.safeParse(bad).success).toBe(false);
      expect(calendarDateString.safeParse(bad).success).toBe(false);
    }
  });

  it('id: what the id generator makes', () => {
    expect(id.safeParse(newId(new Date('2025-03-31T08:00:00Z'))).success).toBe(true);
    for (const bad of ['01JQ8Z6X4C5V7B9N2M3K4J5H6', '01jq8z6x4c5v7b9n2m3k4j5h6g', '01JQ8Z6X4C5V7B9N2M3K4J5H6I']) {
      expect(id.safeParse(bad).success).toBe(false);
    }
  });

  it('version: a non-negative integer', () => {
    expect(version.safeParse(0).success).toBe(true);
    expect(version.safeParse(-1).success).toBe(false);
    expect(version.safeParse(1.5).success).toBe(false);
  });
});
