import { describe, expect, it } from 'vitest';
import { marcheSchema } from '../../../../shared/domain/marche';
import {
  A,
  marcheGroupement,
  marcheGroupementGlobal,
  marcheSolo,
  montants,
  paris,
  piece,
  refusalOf,
  Scenario,
  SIRET,
} from './fixtures';

/** docs/rules/circuits.md#validation. */

function a10(marche = marcheSolo, who = A.stTitulaire, date = '2025-04-05'): Scenario {
  const s = new Scenario(marche);
  s.act(
    who,
    {
      type: 'DEPOSER',
      dossierId: 'ST1',
      piece: { id: 'a10', numero: 'ST-1', cadre: 'A10', montants: montants(500_000) },
    },
    paris(date),
  );
  return s;
}

describe('sous-traitant in paiement direct (CCP R2193-10 to R2193-16)', () => {
  it('waits 15 days from the deposit for the titulaire, not extended to a working day (CCP R2193-12, R2193-16)', () => {
    const s = a10();
    expect(s.dossier).toMatchObject({
      origin: 'SOUS_TRAITANT',
      state: 'VALIDATION_1',
      status: 'A_VALIDER_1',
      dgp: null,
    });
    expect(s.dossier?.pieces[0]).toMatchObject({ cadre: 'A10', depositorRole: 'SOUS_TRAITANT', status: 'A_VALIDER_1' });
    expect(s.last?.clockEffects).toEqual([]);
    expect(s.last?.events[1]).toMatchObject({
      type: 'MISE_A_DISPOSITION',
      details: { destinataireSiret: SIRET.titulaire },
    });
    // Saturday 5 April + 15 = Easter Sunday 20 April: a CCP delay, not moved to the next working day
    expect(s.last?.pending).toMatchObject({
      step: 'VALIDATION_1',
      actorSiret: SIRET.titulaire,
      actorRole: 'TITULAIRE',
      allowedActions: ['VALIDER', 'REFUSER'],
      lastDay: '2025-04-20',
      deadlineAt: '2025-04-20T22:00:00.000Z',
      reminderAt: '2025-04-16T22:00:00.000Z',
      deadline: {
        trigger: '2025-04-05',
        days: 15,
        extendedToWorkingDay: false,
        source: 'CCP R2193-12, R2193-13, R2193-16',
      },
      onTimeout: { effect: 'ACCEPTATION_TACITE' },
    });
  });

  it('starts the sous-traitant’s DGP on the titulaire’s acceptance, then follows the MOE → MOA path (CCP R2192-23)', () => {
    const s = a10();
    const r = s.act(A.titulaire, { type: 'VALIDER' }, paris('2025-04-10'));
    expect(r.dossier).toMatchObject({
      state: 'EXAMEN_MOE',
      status: 'MISE_A_DISPOSITION_MOE',
      validations: [{ niveau: 1, siret: SIRET.titulaire, outcome: 'VALIDEE', on: '2025-04-10' }],
    });
    expect(r.dossier.pieces[0]?.status).toBe('VALIDEE_1');
    expect(r.events.map((e) => e.type)).toEqual(['PIECE_VALIDEE', 'MISE_A_DISPOSITION']);
    expect(r.clockEffects).toEqual([{ kind: 'START', on: '2025-04-10', holder: 'MOE' }]);
    expect(r.pending).toMatchObject({ step: 'EXAMEN_MOE', actorSiret: SIRET.moe, lastDay: '2025-04-17' });
    const r2 = s.act(
      A.moe,
      { type: 'DEPOSER_ETAT_ACOMPTE', piece: piece({ montants: montants(500_000) }) },
      paris('2025-04-14'),
    );
    expect(r2.dossier.pieces[0]?.status).toBe('PRISE_EN_COMPTE_MOE');
    expect(r2.clockEffects).toEqual([{ kind: 'HAND_OVER', on: '2025-04-14', holder: 'MOA' }]);
  });

  it('ends the dossier on a refusal with reasons (CCP R2193-12)', () => {
    const s = a10();
    expect(refusalOf(() => s.act(A.titulaire, { type: 'REFUSER', motifs: '  ' }, paris('2025-04-08'))).code).toBe(
      'ACTION_INVALIDE',
    );
    const r = s.act(A.titulaire, { type: 'REFUSER', motifs: 'Travaux non réalisés' }, paris('2025-04-08'));
    expect(r.dossier).toMatchObject({
      state: 'CLOS',
      status: 'REFUSEE_1',
      outcome: 'REFUSE_VALIDEUR',
      refus: { by: { siret: SIRET.titulaire, role: 'TITULAIRE' }, motif: 'Travaux non réalisés', on: '2025-04-08' },
    });
    expect(r.dossier.pieces[0]?.status).toBe('REFUSEE_1');
    expect(r.clockEffects).toEqual([]);
    expect(r.pending).toBeNull();
  });

  it('accepts silence as acceptance after 15 days; the DGP starts on the last day (CCP R2193-13, R2192-23)', () => {
    const s = a10();
    expect(refusalOf(() => s.act('SYSTEM', { type: 'DELAI_EXPIRE' }, paris('2025-04-20', '23:00'))).code).toBe(
      'DELAI_NON_EXPIRE',
    );
    const r = s.expire();
    expect(r.dossier).toMatchObject({
      state: 'EXAMEN_MOE',
      validations: [{ niveau: 1, siret: SIRET.titulaire, outcome: 'TACITE', on: '2025-04-20' }],
    });
    expect(r.dossier.pieces[0]?.status).toBe('ABSENCE_VALIDATION_1_HORS_DELAI');
    expect(r.events).toMatchObject([
      { type: 'VALIDATION_TACITE', role: 'SYSTEM', details: { niveau: 1, le: '2025-04-20' } },
      { type: 'MISE_A_DISPOSITION', details: { destinataireRole: 'MOE' } },
    ]);
    expect(r.clockEffects).toEqual([{ kind: 'START', on: '2025-04-20', holder: 'MOE' }]);
    // MOE: 20 April + 7 = Sunday 27 April → Monday 28 April (CCAG-T 2014 art. 3.2.4)
    expect(r.pending).toMatchObject({ step: 'EXAMEN_MOE', lastDay: '2025-04-28' });
  });

  it('refuses a titulaire’s answer after the 15 days: the acceptance is acquired (CCP R2193-13)', () => {
    const s = a10();
    const e = refusalOf(() =>
      s.act(A.titulaire, { type: 'REFUSER', motifs: 'Trop tard' }, paris('2025-04-21', '09:00')),
    );
    expect(e).toMatchObject({ code: 'DELAI_DEPASSE', kind: 'CONFLICT' });
    expect(refusalOf(() => s.act(A.titulaire, { type: 'VALIDER' }, paris('2025-04-21', '09:00'))).code).toBe(
      'DELAI_DEPASSE',
    );
  });

  it('takes an invoice (A9) through the same circuit', () => {
    const s = new Scenario(marcheSolo);
    const r = s.act(
      A.stTitulaire,
      { type: 'DEPOSER', dossierId: 'ST9', piece: piece({ cadre: 'A9' }) },
      paris('2025-04-05'),
    );
    expect(r.dossier).toMatchObject({ kind: 'ACOMPTE_MENSUEL', state: 'VALIDATION_1' });
  });

  it('refuses a sous-traitant that is not in paiement direct (CCP R2193-10)', () => {
    const s = new Scenario(marcheGroupement);
    const e = refusalOf(() =>
      s.act(
        A.stSansPaiementDirect,
        { type: 'DEPOSER', dossierId: 'X', piece: piece({ cadre: 'A10' }) },
        paris('2025-06-02'),
      ),
    );
    expect(e).toMatchObject({ code: 'SOUS_TRAITANT_SANS_PAIEMENT_DIRECT', kind: 'FORBIDDEN' });
  });

  it('has the sous-traitant of a cotraitant validated by the cotraitant, then by the mandataire (A_VALIDER_2)', () => {
    const s = a10(marcheGroupement, A.stCotraitant, '2025-06-02');
    expect(s.last?.pending).toMatchObject({
      actorSiret: SIRET.cotraitant,
      actorRole: 'COTRAITANT',
      lastDay: '2025-06-17',
    });
    // The mandataire is not the first valideur; another cotraitant is not the one named
    expect(refusalOf(() => s.act(A.mandataire, { type: 'VALIDER' }, paris('2025-06-03'))).code).toBe(
      'ROLE_NON_AUTORISE',
    );
    expect(refusalOf(() => s.act(A.cotraitant2, { type: 'VALIDER' }, paris('2025-06-03')))).toMatchObject({
      code: 'ACTEUR_NON_DESIGNE',
      kind: 'FORBIDDEN',
    });

    const r1 = s.act(A.cotraitant, { type: 'VALIDER' }, paris('2025-06-05'));
    expect(r1.dossier).toMatchObject({ state: 'VALIDATION_2', status: 'A_VALIDER_2' });
    expect(r1.dossier.pieces[0]?.status).toBe('A_VALIDER_2');
    expect(r1.events.map((e) => e.type)).toEqual(['PIECE_VALIDEE', 'MISE_A_DISPOSITION']);
    expect(r1.clockEffects).toEqual([]);
    // 15 days from the first acceptance (assumption)
    expect(r1.pending).toMatchObject({
      step: 'VALIDATION_2',
      actorSiret: SIRET.mandataire,
      actorRole: 'MANDATAIRE',
      lastDay: '2025-06-20',
      onTimeout: { effect: 'ACCEPTATION_TACITE' },
    });

    const r2 = s.expire();
    expect(r2.dossier.pieces[0]?.status).toBe('ABSENCE_VALIDATION_2_HORS_DELAI');
    expect(r2.dossier.validations).toMatchObject([
      { niveau: 1, siret: SIRET.cotraitant, outcome: 'VALIDEE', on: '2025-06-05' },
      { niveau: 2, siret: SIRET.mandataire, outcome: 'TACITE', on: '2025-06-20' },
    ]);
    expect(r2.clockEffects).toEqual([{ kind: 'START', on: '2025-06-20', holder: 'MOE' }]);
    // CCAG-T 2021 marché, delaiMoeJours 10: 20 June + 10 = Monday 30 June
    expect(r2.pending).toMatchObject({ step: 'EXAMEN_MOE', lastDay: '2025-06-30' });
    expect(r2.pending?.deadline?.source).toContain('CCAG-T 2021 art. 12.2.2');
  });

  it('ends the dossier when the mandataire refuses at the second level (REFUSEE_2)', () => {
    const s = a10(marcheGroupement, A.stCotraitant, '2025-06-02');
    s.act(A.cotraitant, { type: 'VALIDER' }, paris('2025-06-05'));
    const r = s.act(A.mandataire, { type: 'REFUSER', motifs: 'Hors du périmètre sous-traité' }, paris('2025-06-06'));
    expect(r.dossier).toMatchObject({ status: 'REFUSEE_2', outcome: 'REFUSE_VALIDEUR' });
    expect(r.dossier.validations.map((v) => v.outcome)).toEqual(['VALIDEE', 'REFUSEE']);
  });
});

describe('cotraitant of a groupement (docs/rules/circuits.md#validation)', () => {
  it('is validated by the mandataire, then reaches the MOE, where the DGP starts (receiver MOE)', () => {
    const s = new Scenario(marcheGroupement);
    const r0 = s.act(
      A.cotraitant,
      { type: 'DEPOSER', dossierId: 'C1', piece: piece({ cadre: 'A13' }) },
      paris('2025-06-02'),
    );
    expect(r0.dossier).toMatchObject({ origin: 'COTRAITANT', state: 'VALIDATION_1' });
    expect(r0.pending).toMatchObject({ actorSiret: SIRET.mandataire, actorRole: 'MANDATAIRE', lastDay: '2025-06-17' });
    const r1 = s.act(A.mandataire, { type: 'VALIDER' }, paris('2025-06-04'));
    expect(r1.dossier.state).toBe('EXAMEN_MOE');
    expect(r1.clockEffects).toEqual([{ kind: 'START', on: '2025-06-04', holder: 'MOE' }]);
    // 4 June + 10 = Saturday 14 June → Monday 16 June
    expect(r1.pending).toMatchObject({ lastDay: '2025-06-16' });
  });

  it('refuses a cotraitant’s own piece when the mandataire bills for the groupement, or without a groupement', () => {
    const global = new Scenario(marcheGroupementGlobal);
    expect(
      refusalOf(() =>
        global.act(
          A.cotraitant,
          { type: 'DEPOSER', dossierId: 'C', piece: piece({ cadre: 'A13' }) },
          paris('2025-06-02'),
        ),
      ),
    ).toMatchObject({ code: 'COTRAITANT_NON_AUTORISE', kind: 'FORBIDDEN' });
    const sansGroupement = marcheSchema.parse({
      ...marcheSolo,
      acteurs: [
        ...marcheSolo.acteurs,
        { role: 'COTRAITANT', siret: SIRET.cotraitant, raisonSociale: 'Cotraitant', valideurSiret: SIRET.titulaire },
      ],
    });
    const solo = new Scenario(sansGroupement);
    expect(
      refusalOf(() =>
        solo.act(
          A.cotraitant,
          { type: 'DEPOSER', dossierId: 'C', piece: piece({ cadre: 'A12' }) },
          paris('2025-06-02'),
        ),
      ).code,
    ).toBe('COTRAITANT_NON_AUTORISE');
    // A structure the fiche does not name as cotraitant holds no cotraitant cadre
    expect(
      refusalOf(() =>
        new Scenario(marcheSolo).act(
          A.cotraitant,
          { type: 'DEPOSER', dossierId: 'C', piece: piece({ cadre: 'A12' }) },
          paris('2025-06-02'),
        ),
      ).code,
    ).toBe('CADRE_NON_AUTORISE_POUR_ROLE');
  });
});
