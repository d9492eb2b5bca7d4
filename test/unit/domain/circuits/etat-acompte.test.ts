import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkCumulMarche,
  checkDraftEtatAcompte,
  checkEtatAcompte,
  checkEtatAcompteCadre,
  correctionsEtatAcompte,
} from '../../../../shared/domain/circuits/etat-acompte';
import { DomainError } from '../../../../shared/domain/errors';

/**
 * The structured état d'acompte (docs/rules/money.md#état-dacompte; CCAG-T 2014 art. 13.2.1, 2021 art. 12.2.1):
 * amount due = a + b + d + e − (c + f + g), every line in integer cents.
 */

/** A PDM with every line filled: two TVA rates, a price revision, penalties, an avance and its recovery. */
const PDM = {
  lignes: [
    { tauxTvaBp: 2000, cumulMoisHtCents: 15_000_000, cumulPrecedentHtCents: 10_000_000, revisionPrixHtCents: 12_345 },
    { tauxTvaBp: 1000, cumulMoisHtCents: 3_000_000, cumulPrecedentHtCents: 2_000_000 },
  ],
  penalitesCents: 50_000,
  avanceCents: 200_000,
  remboursementAvanceCents: 150_000,
};
const RG_5 = { retenueGarantieBp: 500 };

function refusal(f: () => unknown): DomainError {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('no refusal');
}

describe("état d'acompte: checked lines and derived amounts", () => {
  it('computes a worked example with every line filled, to the cent', () => {
    const { etat, montants } = checkEtatAcompte(RG_5, PDM, undefined);
    // a = (150 000,00 − 100 000,00) + (30 000,00 − 20 000,00) = 60 000,00 € → 6 000 000 cents
    expect(etat.calcul.montantAcompteHtCents).toBe(6_000_000);
    // d = 123,45 € (on the 20 % line)
    expect(etat.calcul.revisionPrixHtCents).toBe(12_345);
    // b = 20 % × (5 000 000 + 12 345) + 10 % × 1 000 000 = 1 002 469 + 100 000 = 1 102 469
    expect(etat.calcul.tvaParTaux).toEqual([
      { tauxTvaBp: 1000, baseHtCents: 1_000_000, montantTvaCents: 100_000 },
      { tauxTvaBp: 2000, baseHtCents: 5_012_345, montantTvaCents: 1_002_469 },
    ]);
    expect(etat.calcul.tvaCents).toBe(1_102_469);
    // TTC = a + b + d = 6 000 000 + 1 102 469 + 12 345 = 7 114 814
    expect(etat.calcul.montantTtcCents).toBe(7_114_814);
    // g = 5 % × 7 114 814 = 355 740,7 → 355 741 (half-up)
    expect(etat.calcul.retenueGarantieCents).toBe(355_741);
    // due = 7 114 814 + 200 000 − (50 000 + 150 000 + 355 741) = 6 759 073
    expect(etat.calcul.montantDuCents).toBe(6_759_073);
    // the piece's amounts: HT = a + d, TVA = b, TTC = a + b + d
    expect(montants).toEqual({ htCents: 6_012_345, tvaCents: 1_102_469, ttcCents: 7_114_814 });
  });

  it('accepts the piece amounts when they are those of the lines, refuses them line by line otherwise', () => {
    const good = { htCents: 6_012_345, tvaCents: 1_102_469, ttcCents: 7_114_814 };
    expect(checkEtatAcompte(RG_5, PDM, good).montants).toEqual(good);
    const e = refusal(() => checkEtatAcompte(RG_5, PDM, { ...good, tvaCents: 1_102_470, ttcCents: 7_114_815 }));
    expect(e.code).toBe('ETAT_ACOMPTE_INCOHERENT');
    expect(e.kind).toBe('INVALID');
    expect(e.fields.map((f) => f.path)).toEqual(['piece.montants.tvaCents', 'piece.montants.ttcCents']);
    expect(e.message).toMatch(/^Les montants de la pièce ne sont pas ceux de son état d'acompte/);
  });

  it('refuses a cumulative amount that decreases from one acompte to the next', () => {
    const e = refusal(() =>
      checkEtatAcompte(
        RG_5,
        { lignes: [{ tauxTvaBp: 2000, cumulMoisHtCents: 9_999_999, cumulPrecedentHtCents: 10_000_000 }] },
        undefined,
      ),
    );
    expect(e.code).toBe('CUMUL_DECROISSANT');
    expect(e.fields).toEqual([{ path: 'etatAcompte.lignes.0.cumulMoisHtCents', message: expect.any(String) }]);
  });

  it.each([
    ['a negative penalty', { ...PDM, penalitesCents: -1 }],
    ['cents as a decimal', { ...PDM, avanceCents: 10.5 }],
    ['no line', { ...PDM, lignes: [] }],
    ['eleven lines', { ...PDM, lignes: Array.from({ length: 11 }, () => PDM.lignes[1]) }],
    ['a TVA rate above 100 %', { ...PDM, lignes: [{ ...PDM.lignes[1], tauxTvaBp: 10_001 }] }],
    ['not an object', 'beaucoup'],
  ])('refuses malformed lines: %s (ETAT_ACOMPTE_INVALIDE, French message)', (_label, input) => {
    const e = refusal(() => checkEtatAcompte(RG_5, input, undefined));
    expect(e.code).toBe('ETAT_ACOMPTE_INVALIDE');
    expect(e.message).toMatch(/^État d'acompte mal formé/);
    expect(e.fields.length).toBeGreaterThan(0);
  });

  it('refuses a retenue de garantie above 5 % (CCP R2191-33)', () => {
    expect(refusal(() => checkEtatAcompte({ retenueGarantieBp: 501 }, PDM, undefined)).code).toBe(
      'RETENUE_GARANTIE_TROP_ELEVEE',
    );
  });

  it('shows the MOE’s corrections as a line-by-line difference against the PDM', () => {
    const pdm = checkEtatAcompte(RG_5, PDM, undefined).etat;
    // The MOE admits 140 000,00 € of cumulative work at 20 % instead of 150 000,00 €
    const moe = checkEtatAcompte(
      RG_5,
      { ...PDM, lignes: [{ ...PDM.lignes[0]!, cumulMoisHtCents: 14_000_000 }, PDM.lignes[1]!] },
      undefined,
    ).etat;
    // after: a = 5 000 000; b = 20 % × 4 012 345 + 100 000 = 802 469 + 100 000 = 902 469;
    // TTC = 5 000 000 + 902 469 + 12 345 = 5 914 814; g = 5 % × 5 914 814 = 295 740,7 → 295 741;
    // due = 5 914 814 + 200 000 − (50 000 + 150 000 + 295 741) = 5 619 073
    expect(correctionsEtatAcompte(pdm, moe)).toEqual([
      { ligne: 'cumul du mois HT (TVA 20 %)', avantCents: 15_000_000, apresCents: 14_000_000, ecartCents: -1_000_000 },
      { ligne: 'a) acompte HT', avantCents: 6_000_000, apresCents: 5_000_000, ecartCents: -1_000_000 },
      { ligne: 'b) TVA', avantCents: 1_102_469, apresCents: 902_469, ecartCents: -200_000 },
      { ligne: 'g) retenue de garantie', avantCents: 355_741, apresCents: 295_741, ecartCents: -60_000 },
      { ligne: 'montant dû', avantCents: 6_759_073, apresCents: 5_619_073, ecartCents: -1_140_000 },
    ]);
    expect(correctionsEtatAcompte(pdm, pdm)).toEqual([]);
  });
});

describe("état d'acompte: invariants (fast-check)", () => {
  const cents = fc.integer({ min: 0, max: 1_000_000_000_00 });
  const ligne = fc
    .record({
      tauxTvaBp: fc.constantFrom(0, 210, 550, 1000, 2000),
      precedent: cents,
      progres: cents,
      revision: fc.integer({ min: -1_000_000_00, max: 1_000_000_00 }),
    })
    .map((l) => ({
      tauxTvaBp: l.tauxTvaBp,
      cumulPrecedentHtCents: l.precedent,
      cumulMoisHtCents: l.precedent + l.progres,
      revisionPrixHtCents: l.revision,
    }));
  const input = fc.record({
    lignes: fc.array(ligne, { minLength: 1, maxLength: 10 }),
    penalitesCents: fc.integer({ min: 0, max: 10_000_000_00 }),
    avanceCents: fc.integer({ min: 0, max: 10_000_000_00 }),
    remboursementAvanceCents: fc.integer({ min: 0, max: 10_000_000_00 }),
  });

  it('due = a + b + d + e − (c + f + g); TTC = HT + TVA; a = Σ(cumul − précédent); g ≤ 5 % of TTC, rounded', () => {
    fc.assert(
      fc.property(input, fc.integer({ min: 0, max: 500 }), (lines, rg) => {
        const { etat, montants } = checkEtatAcompte({ retenueGarantieBp: rg }, lines, undefined);
        const c = etat.calcul;
        const a = lines.lignes.reduce((s, l) => s + l.cumulMoisHtCents - l.cumulPrecedentHtCents, 0);
        const d = lines.lignes.reduce((s, l) => s + l.revisionPrixHtCents, 0);
        expect(c.montantAcompteHtCents).toBe(a);
        expect(c.revisionPrixHtCents).toBe(d);
        expect(c.montantDuCents).toBe(
          c.montantAcompteHtCents +
            c.tvaCents +
            c.revisionPrixHtCents +
            c.avanceCents -
            (c.penalitesCents + c.remboursementAvanceCents + c.retenueGarantieCents),
        );
        expect(montants.ttcCents).toBe(montants.htCents + montants.tvaCents);
        expect(Number.isSafeInteger(c.montantDuCents)).toBe(true);
        // |g| within half a cent of rg × TTC / 10 000, and never more than 5 % of |TTC| + half a cent
        expect(Math.abs(c.retenueGarantieCents * 10_000 - rg * c.montantTtcCents)).toBeLessThanOrEqual(5_000);
        expect(Math.abs(c.retenueGarantieCents) * 10_000).toBeLessThanOrEqual(
          500 * Math.abs(c.montantTtcCents) + 5_000,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('never accepts a decreasing cumul, whatever the other lines', () => {
    fc.assert(
      fc.property(input, fc.nat({ max: 9 }), fc.integer({ min: 1, max: 1_000_00 }), (lines, i, drop) => {
        const k = i % lines.lignes.length;
        const l = lines.lignes[k]!;
        const bad = {
          ...lines,
          lignes: lines.lignes.map((x, j) =>
            j === k ? { ...x, cumulMoisHtCents: Math.max(0, l.cumulPrecedentHtCents - drop) } : x,
          ),
        };
        fc.pre(bad.lignes[k]!.cumulMoisHtCents < l.cumulPrecedentHtCents);
        expect(refusal(() => checkEtatAcompte(RG_5, bad, undefined)).code).toBe('CUMUL_DECROISSANT');
      }),
      { numRuns: 200 },
    );
  });
});

describe("état d'acompte: the cadres that carry it and the cumul of the marché", () => {
  it('refuses the lines on a piece that is not an état d’acompte (ETAT_ACOMPTE_NON_PREVU)', () => {
    for (const cadre of ['A4', 'A5', 'A6', 'A15', 'A16', 'A19'])
      expect(() => checkEtatAcompteCadre(cadre)).not.toThrow();
    expect(refusal(() => checkEtatAcompteCadre('A7')).code).toBe('ETAT_ACOMPTE_NON_PREVU');
  });

  it("refuses a cumul below the previous acompte's latest état, accepts an equal or higher one", () => {
    const previous = { dossierId: 'D1', numero: 'EA-1', cumulHtCents: 18_000_000 };
    // cumul of PDM = 15 000 000 + 3 000 000 = 18 000 000: equal to the previous one, accepted
    expect(() => checkCumulMarche(PDM, previous)).not.toThrow();
    const lower = { ...previous, cumulHtCents: 18_000_001 };
    const e = refusal(() => checkCumulMarche(PDM, lower));
    expect(e.code).toBe('CUMUL_INFERIEUR_ETAT_PRECEDENT');
    expect(e.message).toMatch(/n° EA-1 du dossier D1/);
    expect(() => checkCumulMarche(PDM, undefined)).not.toThrow();
  });

  it("refuses a cumul above a later acompte's latest état already sent (dossiers sent out of order)", () => {
    const next = { dossierId: 'D3', numero: 'EA-3', cumulHtCents: 18_000_000 };
    // cumul of PDM = 18 000 000: equal to the later one, accepted; one cent less there and it is refused
    expect(() => checkCumulMarche(PDM, undefined, next)).not.toThrow();
    const e = refusal(() => checkCumulMarche(PDM, undefined, { ...next, cumulHtCents: 17_999_999 }));
    expect(e.code).toBe('CUMUL_SUPERIEUR_ETAT_SUIVANT');
    expect(e.message).toMatch(/n° EA-3 du dossier D3/);
  });

  it('checks a draft’s TVA rates against the marché', () => {
    const marche = { tauxTvaBp: [2000], retenueGarantieBp: 500 };
    const e = refusal(() => checkDraftEtatAcompte('A4', PDM, undefined, marche));
    // the second line is at 10 %, which the marché does not have
    expect(e.code).toBe('ETAT_ACOMPTE_INVALIDE');
    expect(e.fields).toEqual([
      { path: 'etatAcompte.lignes.1.tauxTva', message: expect.stringMatching(/^Taux de TVA de 10 %/) },
    ]);
    expect(checkDraftEtatAcompte('A4', PDM, undefined, { ...marche, tauxTvaBp: [1000, 2000] })).toEqual(PDM);
  });
});
