import { describe, expect, it } from 'vitest';
import { depositableCadres } from '../../../../shared/domain/circuits';

const offered = (list: ReturnType<typeof depositableCadres>) => list.filter((c) => c.depositable).map((c) => c.code);
const byCode = (list: ReturnType<typeof depositableCadres>, code: string) => list.find((c) => c.code === code);

describe('cadres a structure may deposit to open a dossier (docs/rules/cadres.md, docs/rules/circuits.md)', () => {
  it('offers the sous-traitant its invoice and its PDM only (A9, A10), with a one-line explanation each', () => {
    const list = depositableCadres(['SOUS_TRAITANT'], 'STANDARD');
    expect(offered(list)).toEqual(['A9', 'A10']);
    expect(byCode(list, 'A9')?.explanation).toMatch(/titulaire la valide sous 15 jours/);
    // Every works cadre is listed, offered or not: A4 … A25 is 25 − 3 = 22 codes, less A21 (not works): 21
    expect(list).toHaveLength(21);
  });

  it('says why the others are not offered: role, follow-up piece, unconfirmed cadre', () => {
    const list = depositableCadres(['SOUS_TRAITANT'], 'STANDARD');
    expect(byCode(list, 'A4')).toMatchObject({ depositable: false, reason: 'ROLE' });
    expect(byCode(list, 'A4')?.explanation).toBe('Réservé au titulaire ou au mandataire du marché.');
    expect(byCode(list, 'A11')).toMatchObject({ depositable: false, reason: 'CADRE_NON_GERE' });
    const moe = depositableCadres(['MOE'], 'STANDARD');
    expect(byCode(moe, 'A15')).toMatchObject({ depositable: false, reason: 'PIECE_SUIVANTE' });
    expect(offered(moe)).toEqual([]);
  });

  it('offers the titulaire A4 on a marché with a MOE and A5 on one without (never both)', () => {
    expect(offered(depositableCadres(['MANDATAIRE'], 'STANDARD'))).toEqual(['A4', 'A7']);
    const sansMoe = depositableCadres(['TITULAIRE'], 'SANS_MOE');
    expect(offered(sansMoe)).toEqual(['A5', 'A7']);
    expect(byCode(sansMoe, 'A4')).toMatchObject({ depositable: false, reason: 'CIRCUIT' });
  });

  it('offers a cotraitant A12, A13, A14 and nothing to a structure without a role', () => {
    expect(offered(depositableCadres(['COTRAITANT'], 'STANDARD'))).toEqual(['A12', 'A13', 'A14']);
    expect(offered(depositableCadres([], 'STANDARD'))).toEqual([]);
  });
});
