import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pagesToRead, prefillFromPages } from '../../../shared/domain/prefill';
import { firstDate, parseFrenchAmount } from '../../../shared/domain/printed-values';

const one = (text: string) => prefillFromPages([{ number: 1, text }]);

describe('pagesToRead (docs/rules/documents.md#pre-fill: first, penultimate and last page)', () => {
  it.each([
    [1, [1]],
    [2, [1, 2]],
    [3, [1, 2, 3]],
    [4, [1, 3, 4]],
    [5, [1, 4, 5]],
    [200, [1, 199, 200]],
  ])('%i page(s) → %j', (count, expected) => {
    expect(pagesToRead(count)).toEqual(expected);
  });

  it('no page, or nonsense, → nothing to read', () => {
    expect(pagesToRead(0)).toEqual([]);
    expect(pagesToRead(-3)).toEqual([]);
    expect(pagesToRead(2.5)).toEqual([]);
  });
});

describe('parseFrenchAmount: exact integer cents, no floating point', () => {
  it.each([
    ['114 000,00', 11_400_000],
    ['114.000,00', 11_400_000],
    ['114000.00', 11_400_000],
    ['114000,00', 11_400_000],
    ['114,000.00', 11_400_000],
    ["114'000.00", 11_400_000],
    ['0,10', 10],
    ['0,1', 10],
    ['19 000,05', 1_900_005],
    ['1 234 567,89', 123_456_789],
    ['-1 500,50', -150_050],
    ['95 000', 9_500_000],
    ['1.000', 100_000],
    ['90 071 992 547 409,91', 9_007_199_254_740_991],
  ])('%s → %i cents', (text, cents) => {
    expect(parseFrenchAmount(text)?.cents).toBe(cents);
  });

  it('values the binary floating point would get wrong are exact', () => {
    // 0.29 * 100 = 28.999999999999996 in IEEE 754
    expect(parseFrenchAmount('0,29')?.cents).toBe(29);
    expect(parseFrenchAmount('1 234 567,29')?.cents).toBe(123_456_729);
  });

  it.each([
    '90 071 992 547 409,92', // beyond Number.MAX_SAFE_INTEGER cents
    '1.000.00', // thousands separator equal to the decimal mark
    '1 000.000,00', // mixed thousands separators
    '12 34,00', // a group of two
    '12,345,67', // a comma both as thousands separator and decimal mark
  ])('%s is not an amount', (text) => {
    expect(parseFrenchAmount(text)).toBeUndefined();
  });
});

describe('prefillFromPages: amounts', () => {
  it('reads HT, TVA (skipping the rate) and TTC exactly', () => {
    const s = one('Total HT : 95 000,00 €\nTVA 20 % : 19 000,00 €\nTotal TTC : 114 000,00 €');
    expect(s.montantHtCents).toEqual({ value: 9_500_000, page: 1, keyword: 'Total HT' });
    expect(s.montantTvaCents).toEqual({ value: 1_900_000, page: 1, keyword: 'TVA' });
    expect(s.montantTtcCents).toEqual({ value: 11_400_000, page: 1, keyword: 'Total TTC' });
  });

  it('reads the formats "114.000,00" and "114000.00", no-break spaces, and an amount printed before "HT"', () => {
    expect(one('Total TTC : 114.000,00').montantTtcCents?.value).toBe(11_400_000);
    expect(one('Montant TTC 114000.00 EUR').montantTtcCents?.value).toBe(11_400_000);
    expect(one('Total HT :\u00a095\u202f000,00\u00a0€').montantHtCents?.value).toBe(9_500_000);
    expect(one('Montant des travaux : 95 000,00 € HT').montantHtCents?.value).toBe(9_500_000);
  });

  it('reads a value printed on the line under its label', () => {
    expect(one('Total TTC\n114 000,00 €\nArrêté à la somme de...').montantTtcCents?.value).toBe(11_400_000);
  });

  it('columns on one line read as separate numbers', () => {
    expect(one('Total HT 95 000,00 19 000,00').montantHtCents?.value).toBe(9_500_000);
  });

  it('a VAT number or a rate is not an amount', () => {
    const s = one('N° TVA intracommunautaire : FR32123456789\nTaux de TVA : 20 %\nTVA 20,00 %');
    expect(s.montantTvaCents).toBeUndefined();
  });

  it('the grand total (last occurrence, last page first) wins over sub-totals', () => {
    const s = prefillFromPages([
      { number: 1, text: 'Lot 1 - Total HT : 10 000,00 €' },
      { number: 5, text: 'Lot 2 - Total HT : 20 000,00 €\nTotal HT : 95 000,00 €' },
    ]);
    expect(s.montantHtCents).toEqual({ value: 9_500_000, page: 5, keyword: 'Total HT' });
  });
});

describe('prefillFromPages: addressee SIRET', () => {
  it('after "SIRET client", "SIRET destinataire", with or without spaces', () => {
    expect(one('SIRET client : 21300202500012').siretDestinataire).toEqual({
      value: '21300202500012',
      page: 1,
      keyword: 'SIRET client',
    });
    expect(one('SIRET destinataire : 838 767 044 00012').siretDestinataire?.value).toBe('83876704400012');
    expect(one('SIRET dest. 53819959700013').siretDestinataire?.value).toBe('53819959700013');
  });

  it('near "Ministère" (address block)', () => {
    const s = one('MINISTÈRE DE LA CULTURE\n182 rue Saint-Honoré\n75001 Paris\nSIRET 217 500 016 08202');
    expect(s.siretDestinataire).toEqual({ value: '21750001608202', page: 1, keyword: 'MINISTÈRE' });
  });

  it('an invalid SIRET (Luhn) is never suggested; the next valid one on the window is', () => {
    expect(one('SIRET client : 21300202500013').siretDestinataire).toBeUndefined();
    expect(one('SIRET client : 21300202500013 ou 21300202500012').siretDestinataire?.value).toBe('21300202500012');
  });

  it('La Poste (digit-sum rule) is accepted', () => {
    expect(one('SIRET client : 35600000000048').siretDestinataire?.value).toBe('35600000000048');
  });

  it('"SIRET client" wins over "Ministère"; the titulaire\'s own SIRET is not the addressee', () => {
    const s = one(
      'Ministère des Armées\nSIRET : 21750001608202\nEntreprise SIRET : 83876704400012\nSIRET client : 21300202500012',
    );
    expect(s.siretDestinataire?.value).toBe('21300202500012');
    expect(one('Entreprise Dupont SIRET : 83876704400012').siretDestinataire).toBeUndefined();
  });
});

describe('prefillFromPages: engagement number', () => {
  it.each([
    ['Engagement : 1300012345', '1300012345', 'Engagement'],
    ["N° d'engagement juridique : 1300012345", '1300012345', 'engagement juridique'],
    ['N° EJ : 2100123456', '2100123456', 'EJ'],
    ['Bon de commande n° BC-2025-001 du 14/04/2025', 'BC-2025-001', 'Bon de commande'],
    ['Commande du 14/04/2025 n° 4500012345', '4500012345', 'Commande'],
    ['Engagement :\n1300012345', '1300012345', 'Engagement'],
  ])('%j → %s', (text, value, keyword) => {
    expect(one(text).engagementJuridique).toEqual({ value, page: 1, keyword });
  });

  it('no value when the word is not followed by a number', () => {
    expect(one("Code de la commande publique, engagement de l'entreprise").engagementJuridique).toBeUndefined();
  });
});

describe('prefillFromPages: piece number', () => {
  it.each([
    ['N° facture : F-2025-0042', 'F-2025-0042'],
    ['Facture n° 2025.042', '2025.042'],
    ['Facture N°FA2025+7', 'FA2025+7'],
    ['N° de pièce : DEC_12', 'DEC_12'],
    ['Numéro de facture : 42', '42'],
    ['Décompte n° 3', '3'],
  ])('%j → %s', (text, value) => {
    expect(one(text).numeroPiece?.value).toBe(value);
  });

  it('a number Chorus Pro would refuse is not suggested; "Numéro SIRET" is no piece number', () => {
    expect(one('Facture n° FA/2025/001').numeroPiece).toBeUndefined();
    expect(one('Numéro SIRET : 21300202500012\nN° de TVA : FR32123456789').numeroPiece).toBeUndefined();
  });

  it('an EJ number is not taken for the piece number', () => {
    expect(one('N° EJ : 2100123456').numeroPiece).toBeUndefined();
  });
});

describe('prefillFromPages: piece date', () => {
  it.each([
    ['Date de facture : 14/04/2025', '2025-04-14'],
    ["Date d'émission : 14 avril 2025", '2025-04-14'],
    ['Date : 2025-04-14', '2025-04-14'],
    ['Fait à Paris, le 1er avril 2025', '2025-04-01'],
    ['Facture n° F-42 du 14.04.2025', '2025-04-14'],
    ['Date : 3 févr. 2025', '2025-02-03'],
    ['Date : 14/04/25', '2025-04-14'],
  ])('%j → %s', (text, value) => {
    expect(one(text).datePiece?.value).toBe(value);
  });

  it('an impossible date is not suggested; a due date is not the piece date', () => {
    expect(one('Date : 31/02/2025').datePiece).toBeUndefined();
    expect(one("Date d'échéance : 14/05/2025").datePiece).toBeUndefined();
  });

  it('firstDate takes the earliest date of a text, whatever its format', () => {
    expect(firstDate('du 14 avril 2025 au 30/04/2025')).toBe('2025-04-14');
    expect(firstDate('rien')).toBeUndefined();
  });
});

describe('prefillFromPages: page preference', () => {
  it('identifiers from the first page first', () => {
    const s = prefillFromPages([
      { number: 5, text: 'SIRET client : 83876704400012' },
      { number: 1, text: 'SIRET client : 21300202500012' },
    ]);
    expect(s.siretDestinataire).toMatchObject({ value: '21300202500012', page: 1 });
  });

  it('nothing found → no key at all', () => {
    expect(one('Détail des travaux exécutés ce mois-ci.')).toEqual({});
    expect(prefillFromPages([])).toEqual({});
  });
});

describe('prefillFromPages: fuzz', () => {
  const vocabulary = fc.constantFrom(
    'SIRET client',
    'SIRET dest',
    'Ministère',
    'engagement',
    'EJ',
    'commande',
    'N° facture',
    'Facture n°',
    'Numéro',
    'Date :',
    'Total HT',
    'TVA',
    'Total TTC',
    '€',
    ':',
    '\n',
    ' ',
    '21300202500012',
    '114 000,00',
    '14/04/2025',
    '99999999999999999999,99',
  );
  const text = fc.oneof(
    fc.string({ maxLength: 400 }),
    fc.array(vocabulary, { maxLength: 60 }).map((a) => a.join(' ')),
  );

  it('never throws, and every value is well formed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ number: fc.integer({ min: 1, max: 300 }), text }), { maxLength: 3 }),
        (pages) => {
          const s = prefillFromPages(pages);
          if (s.siretDestinataire) expect(s.siretDestinataire.value).toMatch(/^\d{14}$/);
          if (s.datePiece) expect(s.datePiece.value).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          for (const amount of [s.montantHtCents, s.montantTvaCents, s.montantTtcCents]) {
            if (amount) expect(Number.isSafeInteger(amount.value)).toBe(true);
          }
          for (const v of Object.values(s)) expect(pages.map((p) => p.number)).toContain(v.page);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a long single line full of keywords is read in reasonable time (no quadratic blow-up)', () => {
    const line = 'Total HT TVA Numéro engagement SIRET client 1 2 3 '.repeat(5_000);
    const s = one(line);
    expect(s.montantHtCents).toBeUndefined();
  });
});
