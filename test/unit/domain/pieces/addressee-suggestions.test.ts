import { describe, expect, it } from 'vitest';
import { checkSuggestedEngagement, checkSuggestedSiret } from '../../../../shared/domain/addressee-suggestions';
import { DomainError } from '../../../../shared/domain/errors';
import type { Marche, MarcheActeur } from '../../../../shared/domain/marche';

/** Only what the rule reads of a marché: its number and its acteurs. */
const marche = (acteurs: Partial<MarcheActeur>[]): Marche =>
  ({ numeroMarche: '2025-TEST-001', acteurs: acteurs.map((a) => ({ raisonSociale: 'X', ...a })) }) as Marche;

const COMMUNE = '21300202500012';
const SGC = '21750001608202';
const MOE = '83876704400012';
const withBuyer = (moaEngagement?: string, sfEngagement?: string) =>
  marche([
    { role: 'MOA', siret: COMMUNE, raisonSociale: 'Commune', engagementJuridique: moaEngagement },
    { role: 'SERVICE_FINANCIER', siret: SGC, raisonSociale: 'SGC', engagementJuridique: sfEngagement },
    { role: 'MOE', siret: MOE, raisonSociale: 'Atelier' },
  ]);

function fault(f: () => unknown): DomainError | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  return undefined;
}

describe('the SIRET read in the PDF must be the marché’s buyer (docs/rules/documents.md#pre-fill)', () => {
  it('accepts the MOA’s or the service financier’s SIRET, written with spaces or dots', () => {
    expect(checkSuggestedSiret(withBuyer(), COMMUNE)).toBe(COMMUNE);
    expect(checkSuggestedSiret(withBuyer(), '217 500 016 08202')).toBe(SGC);
    expect(checkSuggestedSiret(withBuyer(), '217.500.016.08202')).toBe(SGC);
  });

  it('refuses another acteur’s SIRET (the MOE is not the buyer) with a 422 naming both expected ones', () => {
    const e = fault(() => checkSuggestedSiret(withBuyer(), MOE));
    expect(e?.code).toBe('SIRET_DESTINATAIRE_HORS_MARCHE');
    expect(e?.kind).toBe('INVALID');
    expect(e?.message).toContain(`(${MOE})`);
    expect(e?.message).toContain(`${COMMUNE} (maître d'ouvrage, Commune) ou ${SGC} (service financier, SGC)`);
    expect(e?.message).toContain('2025-TEST-001');
    expect(e?.fields[0]?.path).toBe('appliquerSuggestions');
  });
});

describe('the engagement number read in the PDF is checked against the marché’s', () => {
  it('accepts the MOA’s number, whatever its case and spaces', () => {
    expect(checkSuggestedEngagement(withBuyer('EJ-2025-000142'), 'EJ-2025-000142')).toBe('EJ-2025-000142');
    expect(checkSuggestedEngagement(withBuyer('EJ-2025-000142'), ' ej-2025-000142 ')).toBe('ej-2025-000142');
    expect(checkSuggestedEngagement(withBuyer('EJ-2025 000142'), 'EJ-2025000142')).toBe('EJ-2025000142');
  });

  it('accepts the service financier’s number when the MOA records another', () => {
    expect(checkSuggestedEngagement(withBuyer('EJ-1', '1300012345'), '1300012345')).toBe('1300012345');
  });

  it('refuses a number the marché does not record, naming the marché’s', () => {
    const e = fault(() => checkSuggestedEngagement(withBuyer('EJ-2025-000142'), 'EJ-2024-999'));
    expect(e?.code).toBe('ENGAGEMENT_DIFFERENT_DU_MARCHE');
    expect(e?.kind).toBe('INVALID');
    expect(e?.message).toContain('(EJ-2024-999)');
    expect(e?.message).toContain('(EJ-2025-000142)');
  });

  it('keeps the number read when the marché records none (nothing to compare it with)', () => {
    expect(checkSuggestedEngagement(withBuyer(), '1300012345')).toBe('1300012345');
  });
});
