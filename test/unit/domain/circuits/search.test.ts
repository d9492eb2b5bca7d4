import { describe, expect, it } from 'vitest';
import { amountDue } from '../../../../shared/domain/circuits/amounts';
import { isOverdue, matchesCriteria } from '../../../../shared/domain/circuits/search';
import { A, d, marcheSolo, montants, paris, piece, Scenario, SIRET } from './fixtures';

/**
 * « Rechercher »: which dossiers meet which criteria. A monthly acompte opened on 11 April 2025 (PDM, 12 000,00 € TTC),
 * corrected by the MOE on 16 April (12 600,00 € TTC), with the MOA from then; DGP échéance 11 May 2025.
 */
function acompte(): Scenario {
  const s = new Scenario(marcheSolo);
  s.act(
    A.titulaire,
    {
      type: 'DEPOSER',
      dossierId: 'D1',
      piece: { ...piece({ cadre: 'A4', montants: montants(1_000_000) }), numero: 'PDM-2025-04' },
    },
    paris('2025-04-11'),
  );
  s.act(
    A.moe,
    { type: 'DEPOSER_ETAT_ACOMPTE', piece: { ...piece({ montants: montants(1_050_000) }), numero: 'EA-2025-04' } },
    paris('2025-04-16'),
  );
  return s;
}

describe('search criteria (Rechercher)', () => {
  const dossier = acompte().dossier!;
  const today = d('2025-04-20');

  it('matches every piece number by prefix, whatever the case', () => {
    expect(matchesCriteria(dossier, { numero: 'pdm-2025' }, today)).toBe(true);
    expect(matchesCriteria(dossier, { numero: 'EA-' }, today)).toBe(true);
    expect(matchesCriteria(dossier, { numero: '2025' }, today)).toBe(false);
  });

  it('matches marché, depositor of any piece, cadre of any piece, open or closed', () => {
    expect(matchesCriteria(dossier, { marcheId: marcheSolo.id }, today)).toBe(true);
    expect(matchesCriteria(dossier, { marcheId: 'AUTRE' }, today)).toBe(false);
    expect(matchesCriteria(dossier, { deposant: SIRET.moe }, today)).toBe(true);
    expect(matchesCriteria(dossier, { deposant: SIRET.moa }, today)).toBe(false);
    expect(matchesCriteria(dossier, { cadre: 'A15' }, today)).toBe(true);
    expect(matchesCriteria(dossier, { cadre: 'A19' }, today)).toBe(false);
    expect(matchesCriteria(dossier, { ouvert: true }, today)).toBe(true);
    expect(matchesCriteria(dossier, { ouvert: false }, today)).toBe(false);
  });

  it('bounds the opening day (Paris), both ends included', () => {
    expect(matchesCriteria(dossier, { depuis: d('2025-04-11'), jusquA: d('2025-04-11') }, today)).toBe(true);
    expect(matchesCriteria(dossier, { depuis: d('2025-04-12') }, today)).toBe(false);
    expect(matchesCriteria(dossier, { jusquA: d('2025-04-10') }, today)).toBe(false);
  });

  it('bounds the amount TTC of the latest piece with amounts', () => {
    // MOE's état d'acompte: 10 500,00 HT + 2 100,00 TVA (1/5) = 12 600,00 € TTC = 1 260 000 cents
    expect(amountDue(dossier)).toBe(1_260_000);
    expect(matchesCriteria(dossier, { montantMinCents: 1_260_000, montantMaxCents: 1_260_000 }, today)).toBe(true);
    expect(matchesCriteria(dossier, { montantMinCents: 1_260_001 }, today)).toBe(false);
    expect(matchesCriteria(dossier, { montantMaxCents: 1_200_000 }, today)).toBe(false);
  });

  it('is late once the DGP échéance (11 May 2025) is behind today, not on the échéance itself', () => {
    // DGP of 30 days from 11 April 2025 (day 0): échéance 11 May.
    expect(dossier.dgp?.echeance).toBe('2025-05-11');
    expect(isOverdue(dossier, d('2025-05-11'))).toBe(false);
    expect(isOverdue(dossier, d('2025-05-12'))).toBe(true);
    expect(matchesCriteria(dossier, { enRetard: true }, d('2025-05-12'))).toBe(true);
    expect(matchesCriteria(dossier, { enRetard: false }, d('2025-05-12'))).toBe(false);
  });
});
