import { describe, expect, it } from 'vitest';
import { cadreByCode } from '../../../../shared/domain/cadres';
import type { CalendarDate } from '../../../../shared/domain/calendar';
import { validateFileName } from '../../../../shared/domain/documents';
import { DomainError } from '../../../../shared/domain/errors';
import { admitsNegativeAmounts, checkAmountSigns, checkPieceDate } from '../../../../shared/domain/piece-inputs';

const refusal = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};
const d = (s: string) => s as CalendarDate;

describe('amounts’ signs per cadre (docs/rules/money.md)', () => {
  // −1 000,00 € HT, −200,00 € TVA, −1 200,00 € TTC: −100 000 − 20 000 = −120 000 cents
  const negative = { htCents: -100_000, tvaCents: -20_000, ttcCents: -120_000 };

  it('refuses a negative amount on a subcontractor’s invoice, PDM or a company’s PDM', () => {
    for (const code of ['A9', 'A10', 'A4', 'A12', 'A13']) {
      const e = refusal(() => checkAmountSigns(cadreByCode(code), negative));
      expect(e.code).toBe('MONTANT_NEGATIF');
      expect(e.kind).toBe('INVALID');
      expect(e.message).toContain(code);
    }
  });

  it('admits a negative solde on décomptes and états d’acompte (CCAG-T 2021 art. 12.4, 12.2.1)', () => {
    for (const code of ['A7', 'A8', 'A15', 'A17', 'A19', 'A20', 'A23']) {
      expect(admitsNegativeAmounts(cadreByCode(code))).toBe(true);
      expect(() => checkAmountSigns(cadreByCode(code), negative)).not.toThrow();
    }
  });

  it('refuses HT, TVA and TTC of opposite signs even where negatives are admitted', () => {
    // HT −1 000,00 + TVA +200,00 = TTC −800,00: the sum holds, the signs do not
    const e = refusal(() =>
      checkAmountSigns(cadreByCode('A8'), { htCents: -100_000, tvaCents: 20_000, ttcCents: -80_000 }),
    );
    expect(e.code).toBe('MONTANTS_SIGNES_CONTRAIRES');
  });

  it('admits zero amounts everywhere', () => {
    expect(() => checkAmountSigns(cadreByCode('A9'), { htCents: 0, tvaCents: 0, ttcCents: 0 })).not.toThrow();
  });
});

describe('a piece’s date', () => {
  const today = d('2030-01-07');
  it('refuses a date after today (9999-12-31)', () => {
    expect(refusal(() => checkPieceDate(d('9999-12-31'), today, '2029-03-01')).code).toBe('DATE_PIECE_FUTURE');
    expect(refusal(() => checkPieceDate(d('2030-01-08'), today)).code).toBe('DATE_PIECE_FUTURE');
  });
  it('refuses a date before the marché’s notification, or 1900-01-01 when it is unknown', () => {
    expect(refusal(() => checkPieceDate(d('2029-02-28'), today, '2029-03-01')).code).toBe('DATE_PIECE_AVANT_MARCHE');
    expect(refusal(() => checkPieceDate(d('1900-01-01'), today)).code).toBe('DATE_PIECE_TROP_ANCIENNE');
  });
  it('accepts today and the notification day', () => {
    expect(() => checkPieceDate(today, today, '2029-03-01')).not.toThrow();
    expect(() => checkPieceDate(d('2029-03-01'), today, '2029-03-01')).not.toThrow();
  });
});

describe('file names without hidden characters or reserved names', () => {
  const code = (name: string) => {
    const v = validateFileName(name);
    return v.ok ? 'OK' : v.error.code;
  };
  it('refuses NUL and other control characters', () => {
    expect(code('facture\u0000.pdf')).toBe('NOM_FICHIER_CARACTERE_INTERDIT');
    expect(code('facture\u0007.pdf')).toBe('NOM_FICHIER_CARACTERE_INTERDIT');
    expect(code('facture\u0085.pdf')).toBe('NOM_FICHIER_CARACTERE_INTERDIT');
  });
  it('refuses a right-to-left override and the other bidirectional controls', () => {
    const e = validateFileName('facture\u202Egnp.pdf');
    expect(e.ok ? 'OK' : e.error.code).toBe('NOM_FICHIER_CARACTERE_INTERDIT');
    expect(e.ok ? '' : e.error.message).toContain('U+202E');
    expect(code('a\u2066b.pdf')).toBe('NOM_FICHIER_CARACTERE_INTERDIT');
    expect(code('a\u200Fb.pdf')).toBe('NOM_FICHIER_CARACTERE_INTERDIT');
  });
  it('refuses Windows device names, whatever the case or extension', () => {
    for (const name of ['CON.pdf', 'con.pdf', 'Nul.txt', 'COM1.csv', 'lpt9.pdf', 'AUX.tar.gz', 'PRN .pdf']) {
      expect(code(name)).toBe('NOM_FICHIER_RESERVE');
    }
  });
  it('keeps ordinary names, accents and names that only start like a device', () => {
    for (const name of ['facture.pdf', 'décompte général.pdf', 'CONTRAT.pdf', 'console.txt', 'COM10.pdf']) {
      expect(code(name)).toBe('OK');
    }
  });
});
