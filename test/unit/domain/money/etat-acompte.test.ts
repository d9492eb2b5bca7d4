import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../../shared/domain/errors';
import { type EtatAcompteInput, etatAcompte } from '../../../../shared/domain/money';

/** Oracle: round(base × rateBp / 10 000) half away from zero, on bigint. */
function rateOracle(base: number, rateBp: number): number {
  const p = BigInt(base) * BigInt(rateBp);
  const abs = p < 0n ? -p : p;
  const r = abs % 10000n >= 5000n ? abs / 10000n + 1n : abs / 10000n;
  const n = Number(p < 0n ? -r : r);
  return n === 0 ? 0 : n;
}

describe("état d'acompte (CCAG-T 2014 art. 13.2.1, 2021 art. 12.2.1)", () => {
  it('computes a, b, d, g and the amount due a + b + d + e − (c + f + g) on a worked example', () => {
    const e = etatAcompte({
      lignes: [
        {
          tauxTvaBp: 2000,
          cumulMoisHtCents: 15_000_000,
          cumulPrecedentHtCents: 10_000_000,
          revisionPrixHtCents: 12_345,
        },
      ],
      penalitesCents: 50_000,
      remboursementAvanceCents: 250_000,
      retenueGarantieBp: 500,
    });
    expect(e).toMatchObject({
      montantAcompteHtCents: 5_000_000, // a = 150 000,00 € − 100 000,00 €
      revisionPrixHtCents: 12_345, // d
      tvaCents: 1_002_469, // b = 20 % × (a + d) = 1 002 469,00
      tvaParTaux: [{ tauxTvaBp: 2000, baseHtCents: 5_012_345, montantTvaCents: 1_002_469 }],
      montantTtcCents: 6_014_814, // a + b + d
      retenueGarantieBase: 'TTC',
      retenueGarantieAssietteCents: 6_014_814,
      retenueGarantieCents: 300_741, // 5 % × 60 148,14 € = 3 007,407 → 3 007,41 €
      penalitesCents: 50_000,
      avanceCents: 0,
      remboursementAvanceCents: 250_000,
      montantDuCents: 5_414_073, // 60 148,14 − (500 + 2 500 + 3 007,41)
    });
  });

  it('computes TVA per rate on a + d, each rounded to the cent (CCAG-T 2014 art. 13.1.5)', () => {
    const e = etatAcompte({
      lignes: [
        { tauxTvaBp: 2000, cumulMoisHtCents: 1_000_000, cumulPrecedentHtCents: 400_000 },
        { tauxTvaBp: 1000, cumulMoisHtCents: 333_333, cumulPrecedentHtCents: 111_111, revisionPrixHtCents: 1 },
      ],
      retenueGarantieBp: 500,
    });
    expect(e.tvaParTaux).toEqual([
      { tauxTvaBp: 1000, baseHtCents: 222_223, montantTvaCents: 22_222 }, // 2 222,23 € × 10 % = 222,223 €
      { tauxTvaBp: 2000, baseHtCents: 600_000, montantTvaCents: 120_000 },
    ]);
    expect(e.montantAcompteHtCents).toBe(822_222);
    expect(e.tvaCents).toBe(142_222);
    expect(e.montantTtcCents).toBe(964_445);
    expect(e.retenueGarantieCents).toBe(48_222); // 482,2225 €
    expect(e.montantDuCents).toBe(916_223);
  });

  it('adds lines of the same rate before computing their TVA', () => {
    const e = etatAcompte({
      lignes: [
        { tauxTvaBp: 550, cumulMoisHtCents: 101, cumulPrecedentHtCents: 0 },
        { tauxTvaBp: 550, cumulMoisHtCents: 101, cumulPrecedentHtCents: 0 },
      ],
      retenueGarantieBp: 0,
    });
    // 5,5 % × 2,02 € = 0,1111 € → 0,11 € (two separate roundings would give 0,12 €)
    expect(e.tvaParTaux).toEqual([{ tauxTvaBp: 550, baseHtCents: 202, montantTvaCents: 11 }]);
  });

  it('applies the retenue de garantie to the HT acompte when configured so (assumption parameter)', () => {
    const e = etatAcompte({
      lignes: [
        { tauxTvaBp: 2000, cumulMoisHtCents: 1_000_000, cumulPrecedentHtCents: 400_000 },
        { tauxTvaBp: 1000, cumulMoisHtCents: 333_333, cumulPrecedentHtCents: 111_111, revisionPrixHtCents: 1 },
      ],
      retenueGarantieBp: 500,
      retenueGarantieBase: 'HT',
    });
    expect(e.retenueGarantieAssietteCents).toBe(822_223);
    expect(e.retenueGarantieCents).toBe(41_111); // 411,1115 €
  });

  it('adds the avance (e) and subtracts its remboursement (f)', () => {
    const e = etatAcompte({
      lignes: [{ tauxTvaBp: 2000, cumulMoisHtCents: 100_000, cumulPrecedentHtCents: 0 }],
      avanceCents: 30_000,
      remboursementAvanceCents: 5_000,
      retenueGarantieBp: 0,
    });
    expect(e.montantDuCents).toBe(120_000 + 30_000 - 5_000);
  });

  it('a cumulative décompte that decreases gives a negative acompte and gives back its retenue', () => {
    const e = etatAcompte({
      lignes: [{ tauxTvaBp: 2000, cumulMoisHtCents: 900_000, cumulPrecedentHtCents: 1_000_000 }],
      retenueGarantieBp: 500,
    });
    expect(e.montantAcompteHtCents).toBe(-100_000);
    expect(e.tvaCents).toBe(-20_000);
    expect(e.retenueGarantieCents).toBe(-6_000);
    expect(e.montantDuCents).toBe(-114_000);
  });

  it.each([
    [500, undefined],
    [501, 'RETENUE_GARANTIE_TROP_ELEVEE'],
    [1000, 'RETENUE_GARANTIE_TROP_ELEVEE'],
  ])('retenue de garantie of %d bp → %s (CCP R2191-33: 5 % at most)', (bp, code) => {
    const run = () =>
      etatAcompte({
        lignes: [{ tauxTvaBp: 2000, cumulMoisHtCents: 1, cumulPrecedentHtCents: 0 }],
        retenueGarantieBp: bp,
      });
    if (code)
      expect(run).toThrow(
        expect.objectContaining({ code, fields: [expect.objectContaining({ path: 'retenueGarantieBp' })] }),
      );
    else expect(run).not.toThrow();
  });

  it.each<[string, Partial<EtatAcompteInput>, string]>([
    ['negative pénalités', { penalitesCents: -1 }, 'MONTANT_INVALIDE'],
    ['negative avance', { avanceCents: -1 }, 'MONTANT_INVALIDE'],
    ['fractional remboursement', { remboursementAvanceCents: 0.5 }, 'MONTANT_INVALIDE'],
    ['no line', { lignes: [] }, 'LIGNES_TVA_MANQUANTES'],
    [
      'fractional cumul',
      { lignes: [{ tauxTvaBp: 2000, cumulMoisHtCents: 1.5, cumulPrecedentHtCents: 0 }] },
      'MONTANT_INVALIDE',
    ],
    [
      'negative TVA rate',
      { lignes: [{ tauxTvaBp: -1, cumulMoisHtCents: 1, cumulPrecedentHtCents: 0 }] },
      'TAUX_INVALIDE',
    ],
  ])('refuses %s', (_label, patch, code) => {
    const input: EtatAcompteInput = {
      lignes: [{ tauxTvaBp: 2000, cumulMoisHtCents: 100, cumulPrecedentHtCents: 0 }],
      retenueGarantieBp: 500,
      ...patch,
    };
    expect(() => etatAcompte(input)).toThrow(DomainError);
    expect(() => etatAcompte(input)).toThrow(expect.objectContaining({ code }));
  });

  describe('properties: no cent lost or created', () => {
    const amount = fc.integer({ min: 0, max: 100_000_000_000 });
    const ligne = fc.record({
      tauxTvaBp: fc.constantFrom(0, 210, 550, 850, 1000, 2000),
      cumulMoisHtCents: amount,
      cumulPrecedentHtCents: amount,
      revisionPrixHtCents: fc.integer({ min: -10_000_000, max: 10_000_000 }),
    });
    const input = fc.record({
      lignes: fc.array(ligne, { minLength: 1, maxLength: 6 }),
      penalitesCents: fc.integer({ min: 0, max: 10_000_000 }),
      avanceCents: fc.integer({ min: 0, max: 10_000_000 }),
      remboursementAvanceCents: fc.integer({ min: 0, max: 10_000_000 }),
      retenueGarantieBp: fc.integer({ min: 0, max: 500 }),
      retenueGarantieBase: fc.constantFrom('TTC' as const, 'HT' as const),
    });

    it('the lines add up exactly to the amount due, and TVA per rate sums to b', () => {
      fc.assert(
        fc.property(input, (i) => {
          const e = etatAcompte(i);
          const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
          const a = sum(i.lignes.map((l) => l.cumulMoisHtCents - l.cumulPrecedentHtCents));
          const d = sum(i.lignes.map((l) => l.revisionPrixHtCents));
          expect(e.montantAcompteHtCents).toBe(a);
          expect(e.revisionPrixHtCents).toBe(d);
          expect(sum(e.tvaParTaux.map((t) => t.baseHtCents))).toBe(a + d);
          expect(sum(e.tvaParTaux.map((t) => t.montantTvaCents))).toBe(e.tvaCents);
          expect(e.montantTtcCents).toBe(a + e.tvaCents + d);
          expect(e.montantDuCents).toBe(
            a +
              e.tvaCents +
              d +
              i.avanceCents -
              (i.penalitesCents + i.remboursementAvanceCents + e.retenueGarantieCents),
          );
        }),
      );
    });

    it('each rate appears once, with the TVA of its base rounded half up', () => {
      fc.assert(
        fc.property(input, (i) => {
          const e = etatAcompte(i);
          const rates = [...new Set(i.lignes.map((l) => l.tauxTvaBp))];
          expect(e.tvaParTaux.map((t) => t.tauxTvaBp).sort((x, y) => x - y)).toEqual(rates.sort((x, y) => x - y));
          for (const t of e.tvaParTaux) {
            const base = i.lignes
              .filter((l) => l.tauxTvaBp === t.tauxTvaBp)
              .reduce((s, l) => s + l.cumulMoisHtCents - l.cumulPrecedentHtCents + l.revisionPrixHtCents, 0);
            expect(t.baseHtCents).toBe(base);
            expect(t.montantTvaCents).toBe(rateOracle(base, t.tauxTvaBp));
          }
          const assiette =
            i.retenueGarantieBase === 'TTC' ? e.montantTtcCents : e.montantAcompteHtCents + e.revisionPrixHtCents;
          expect(e.retenueGarantieCents).toBe(rateOracle(assiette, i.retenueGarantieBp));
        }),
      );
    });

    it('successive monthly acomptes add up to the last cumulative décompte', () => {
      fc.assert(
        fc.property(fc.array(amount, { minLength: 1, maxLength: 12 }), (cumuls) => {
          let previous = 0;
          let total = 0;
          for (const cumul of cumuls) {
            total += etatAcompte({
              lignes: [{ tauxTvaBp: 2000, cumulMoisHtCents: cumul, cumulPrecedentHtCents: previous }],
              retenueGarantieBp: 500,
            }).montantAcompteHtCents;
            previous = cumul;
          }
          expect(total).toBe(cumuls.at(-1));
        }),
      );
    });
  });
});
