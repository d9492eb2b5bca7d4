import { describe, expect, it } from 'vitest';
import { REFUSAL_CODES } from '../../../../shared/domain/circuits';
import { A, marcheReceptionMoa, marcheSolo, montants, paris, piece, refusalOf, Scenario, SIRET } from './fixtures';

/** docs/rules/circuits.md#monthly-acompte: titulaire PDM (A4) → MOE (A15) → MOA (A19) → service financier. */

function pdmDepose(date = '2025-04-11', marche = marcheSolo) {
  const s = new Scenario(marche);
  s.act(
    A.titulaire,
    {
      type: 'DEPOSER',
      dossierId: 'D1',
      piece: { id: 'pdm', numero: 'PDM-04', cadre: 'A4', montants: montants(10_000_000) },
    },
    paris(date),
  );
  return s;
}

describe('monthly acompte of the titulaire (CCAG-T 2014 art. 13.1, 13.2)', () => {
  it('runs PDM → état d’acompte corrected by the MOE → A19 → service fait → mandatement → mise en paiement', () => {
    const s = new Scenario(marcheSolo);

    // Friday 11 April 2025: the titulaire deposits its PDM; it is made available to the MOE
    const r1 = s.act(
      A.titulaire,
      {
        type: 'DEPOSER',
        dossierId: 'D1',
        piece: { id: 'pdm', numero: 'PDM-2025-04', cadre: 'A4', montants: montants(10_000_000) },
      },
      paris('2025-04-11'),
    );
    expect(r1.dossier).toMatchObject({
      kind: 'ACOMPTE_MENSUEL',
      origin: 'TITULAIRE',
      state: 'EXAMEN_MOE',
      status: 'MISE_A_DISPOSITION_MOE',
      version: 1,
      closed: false,
    });
    expect(r1.dossier.pieces).toMatchObject([
      { id: 'pdm', cadre: 'A4', status: 'MISE_A_DISPOSITION_MOE', previousPieceId: null },
    ]);
    expect(r1.events.map((e) => e.type)).toEqual(['PIECE_DEPOSEE', 'MISE_A_DISPOSITION']);
    expect(r1.events[0]).toMatchObject({ actorSiret: SIRET.titulaire, role: 'TITULAIRE', pieceId: 'pdm' });
    // docs/rules/dgp.md#start: DGP starts the day the PDM reaches the MOE (receiver named in the marché)
    expect(r1.clockEffects).toEqual([{ kind: 'START', on: '2025-04-11', holder: 'MOE' }]);
    // CCAG-T 2014 art. 13.2.2: 7 days; last day Friday 18 April (Good Friday is not a national holiday)
    expect(r1.pending).toMatchObject({
      step: 'EXAMEN_MOE',
      actorSiret: SIRET.moe,
      actorRole: 'MOE',
      allowedActions: ['DEPOSER_ETAT_ACOMPTE', 'REFUSER_MOE'],
      otherActors: [],
      lastDay: '2025-04-18',
      deadlineAt: '2025-04-18T22:00:00.000Z',
      reminderAt: '2025-04-14T22:00:00.000Z',
      onTimeout: { effect: 'ABSENCE_VALIDATION_MOE' },
    });
    expect(r1.pending?.deadline?.source).toContain('13.2.2');

    // The MOE corrects the amounts and deposits the état d'acompte (A15): never a refusal for amounts
    const r2 = s.act(
      A.moe,
      { type: 'DEPOSER_ETAT_ACOMPTE', piece: { id: 'ea', numero: 'EA-04', montants: montants(9_500_000) } },
      paris('2025-04-16'),
    );
    expect(r2.dossier).toMatchObject({
      state: 'VALIDATION_MOA',
      status: 'MISE_A_DISPOSITION_MOA',
      version: 2,
      currentPieceId: 'ea',
    });
    expect(r2.dossier.pieces).toMatchObject([
      { id: 'pdm', status: 'PRISE_EN_COMPTE_MOE' },
      { id: 'ea', cadre: 'A15', depositorRole: 'MOE', status: 'MISE_A_DISPOSITION_MOA', previousPieceId: 'pdm' },
    ]);
    expect(r2.events.map((e) => e.type)).toEqual(['PIECE_DEPOSEE', 'MONTANTS_CORRIGES', 'MISE_A_DISPOSITION']);
    expect(r2.events[1]?.details).toEqual({ avant: montants(10_000_000), apres: montants(9_500_000) });
    expect(r2.clockEffects).toEqual([{ kind: 'HAND_OVER', on: '2025-04-16', holder: 'MOA' }]);
    // No legal delay for the MOA: the DGP échéance (11 April + 30 days) dates the wait (assumption)
    expect(r2.pending).toMatchObject({
      step: 'VALIDATION_MOA',
      actorSiret: SIRET.moa,
      // CCP R2192-27: the MOA may also suspend the DGP (once per dossier)
      allowedActions: ['VALIDER_ETAT_ACOMPTE', 'REFUSER_MOA', 'SUSPENDRE'],
      lastDay: '2025-05-11',
      deadlineAt: '2025-05-11T22:00:00.000Z',
      onTimeout: { effect: 'RETARD_SIGNALE' },
    });

    // The MOA validates (A19) → service financier
    const r3 = s.act(
      A.moa,
      { type: 'VALIDER_ETAT_ACOMPTE', piece: { id: 'eav', numero: 'EAV-04', montants: montants(9_500_000) } },
      paris('2025-04-23'),
    );
    expect(r3.dossier).toMatchObject({ state: 'TRAITEMENT_SERVICE_FINANCIER', status: 'MISE_A_DISPOSITION' });
    expect(r3.dossier.pieces[2]).toMatchObject({
      cadre: 'A19',
      status: 'MISE_A_DISPOSITION',
      destinataire: { siret: SIRET.sf, codeService: 'SF-1', engagementJuridique: '1000000001' },
    });
    expect(r3.dossier.pieces[1]?.status).toBe('PRISE_EN_COMPTE_MOA');
    expect(r3.events.map((e) => e.type)).toEqual(['PIECE_DEPOSEE', 'MISE_A_DISPOSITION']);
    expect(r3.clockEffects).toEqual([{ kind: 'HAND_OVER', on: '2025-04-23', holder: 'SERVICE_FINANCIER' }]);
    expect(r3.pending).toMatchObject({
      step: 'TRAITEMENT_SERVICE_FINANCIER',
      actorSiret: SIRET.sf,
      allowedActions: ['SERVICE_FAIT', 'MANDATER', 'METTRE_EN_PAIEMENT', 'SUSPENDRE', 'METTRE_A_RECYCLER', 'REJETER'],
      lastDay: '2025-05-11',
    });

    const r4 = s.act(A.sf, { type: 'SERVICE_FAIT' }, paris('2025-04-28'));
    expect(r4.dossier.status).toBe('SERVICE_FAIT');
    expect(r4.clockEffects).toEqual([]);
    const r5 = s.act(A.sf, { type: 'MANDATER' }, paris('2025-05-02'));
    expect(r5.dossier.status).toBe('MANDATEE');
    expect(r5.pending?.allowedActions).toEqual(['METTRE_EN_PAIEMENT']);

    const r6 = s.act(A.sf, { type: 'METTRE_EN_PAIEMENT' }, paris('2025-05-06'));
    expect(r6.dossier).toMatchObject({
      state: 'CLOS',
      status: 'MISE_EN_PAIEMENT',
      closed: true,
      outcome: 'PAYE',
      version: 6,
    });
    expect(r6.events.map((e) => e.type)).toEqual(['MISE_EN_PAIEMENT', 'DOSSIER_CLOS']);
    expect(r6.clockEffects).toEqual([{ kind: 'PAY', on: '2025-05-06' }]);
    expect(r6.pending).toBeNull();
  });

  it('moves a MOE last day on Easter Monday 2025-04-21 to Tuesday 2025-04-22 (CCAG-T 2014 art. 3.2.4)', () => {
    const s = pdmDepose('2025-04-14');
    expect(s.last?.pending).toMatchObject({ lastDay: '2025-04-22', deadlineAt: '2025-04-22T22:00:00.000Z' });
    expect(s.last?.pending?.deadline).toMatchObject({ trigger: '2025-04-14', days: 7, extendedToWorkingDay: true });
  });

  it('refuses a MOE refusal for an amount error: the MOE corrects instead (Chorus Pro KB0011867, CCP R2192-34)', () => {
    const s = pdmDepose();
    const e = refusalOf(() => s.act(A.moe, { type: 'REFUSER_MOE', motif: 'ERREUR_MONTANT' }, paris('2025-04-14')));
    expect(e.code).toBe('REFUS_POUR_MONTANT_INTERDIT');
    expect(e.message).toContain('A15');
    expect(s.dossier?.state).toBe('EXAMEN_MOE');
    expect(refusalOf(() => s.act(A.moe, { type: 'REFUSER_MOE', motif: 'PAS_CONTENT' }, paris('2025-04-14'))).code).toBe(
      'MOTIF_REFUS_INVALIDE',
    );
  });

  it('stops the dossier on a MOE refusal for a wrong addressee; the titulaire starts a new one (docs/rules/circuits.md#refusals)', () => {
    const s = pdmDepose();
    const r = s.act(
      A.moe,
      { type: 'REFUSER_MOE', motif: 'MAUVAIS_DESTINATAIRE', commentaire: 'Autre lot' },
      paris('2025-04-14'),
    );
    expect(r.dossier).toMatchObject({ state: 'CLOS', status: 'REFUSEE_MOE', outcome: 'REFUSE_MOE', closed: true });
    expect(r.dossier.pieces[0]?.status).toBe('REFUSEE_MOE');
    expect(r.events.map((e) => e.type)).toEqual(['PIECE_REFUSEE', 'DOSSIER_CLOS']);
    expect(r.events[0]?.details).toEqual({ motif: 'MAUVAIS_DESTINATAIRE', commentaire: 'Autre lot' });
    expect(r.clockEffects).toEqual([
      { kind: 'CANCEL', on: '2025-04-14', reason: 'Pièce refusée (MAUVAIS_DESTINATAIRE)' },
    ]);
    expect(r.pending).toBeNull();
    const closed = refusalOf(() => s.act(A.titulaire, { type: 'SAISIR_MOA_DIRECTEMENT' }, paris('2025-04-15')));
    expect(closed).toMatchObject({ code: 'DOSSIER_CLOS', kind: REFUSAL_CODES.DOSSIER_CLOS });
    const fresh = new Scenario(marcheSolo);
    expect(
      fresh.act(A.titulaire, { type: 'DEPOSER', dossierId: 'D2', piece: piece({ cadre: 'A4' }) }, paris('2025-04-15'))
        .dossier.state,
    ).toBe('EXAMEN_MOE');
  });

  it('lets the titulaire address the MOA directly after the MOE’s silence (CCAG-T 2014 art. 13.2.2)', () => {
    const s = pdmDepose();
    // Not before midnight ending the last day
    expect(refusalOf(() => s.act('SYSTEM', { type: 'DELAI_EXPIRE' }, paris('2025-04-18', '23:59'))).code).toBe(
      'DELAI_NON_EXPIRE',
    );
    const r1 = s.expire();
    expect(r1.dossier).toMatchObject({
      state: 'MOE_HORS_DELAI',
      status: 'ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE',
      moeHorsDelai: true,
    });
    expect(r1.dossier.pieces[0]?.status).toBe('ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE');
    expect(r1.events).toMatchObject([
      { type: 'DELAI_MOE_DEPASSE', role: 'SYSTEM', actorSiret: null, details: { dernierJour: '2025-04-18' } },
    ]);
    expect(r1.clockEffects).toEqual([]);
    expect(r1.pending).toMatchObject({
      step: 'MOE_HORS_DELAI',
      actorSiret: SIRET.titulaire,
      allowedActions: ['SAISIR_MOA_DIRECTEMENT'],
      otherActors: [
        { actorSiret: SIRET.moe, actorRole: 'MOE', allowedActions: ['DEPOSER_ETAT_ACOMPTE', 'REFUSER_MOE'] },
      ],
      lastDay: '2025-05-11',
      onTimeout: { effect: 'RETARD_SIGNALE' },
    });

    const r2 = s.act(A.titulaire, { type: 'SAISIR_MOA_DIRECTEMENT' }, paris('2025-04-22'));
    expect(r2.dossier).toMatchObject({
      state: 'VALIDATION_MOA',
      status: 'MISE_A_DISPOSITION_MOA',
      currentPieceId: 'pdm',
    });
    expect(r2.dossier.pieces[0]?.status).toBe('MISE_A_DISPOSITION_MOA');
    expect(r2.events.map((e) => e.type)).toEqual(['SAISINE_DIRECTE_MOA', 'MISE_A_DISPOSITION']);
    expect(r2.clockEffects).toEqual([{ kind: 'HAND_OVER', on: '2025-04-22', holder: 'MOA' }]);

    // The MOA pays the sums it admits: its A19 follows the PDM itself
    const r3 = s.act(
      A.moa,
      { type: 'VALIDER_ETAT_ACOMPTE', piece: piece({ montants: montants(9_000_000) }) },
      paris('2025-04-24'),
    );
    expect(r3.dossier.pieces.map((p) => [p.cadre, p.previousPieceId])).toEqual([
      ['A4', null],
      ['A19', 'pdm'],
    ]);
    expect(r3.events.map((e) => e.type)).toContain('MONTANTS_CORRIGES');
  });

  it('accepts a late état d’acompte from the MOE after its delay (CCAG-T 2014 art. 13.2.2)', () => {
    const s = pdmDepose();
    s.expire();
    const r = s.act(
      A.moe,
      { type: 'DEPOSER_ETAT_ACOMPTE', piece: piece({ montants: montants(10_000_000) }) },
      paris('2025-04-22'),
    );
    expect(r.dossier.state).toBe('VALIDATION_MOA');
    expect(r.events[0]?.details).toMatchObject({ cadre: 'A15', horsDelai: true });
    expect(r.events.map((e) => e.type)).not.toContain('MONTANTS_CORRIGES');
    expect(r.clockEffects).toEqual([{ kind: 'HAND_OVER', on: '2025-04-22', holder: 'MOA' }]);
  });

  it('starts the DGP when the MOA receives the request if the marché names the MOA as receiver (CCP R2192-12)', () => {
    const s = pdmDepose('2025-04-11', marcheReceptionMoa);
    expect(s.last?.clockEffects).toEqual([]);
    expect(s.dossier?.dgp).toBeNull();
    const r = s.act(
      A.moe,
      { type: 'DEPOSER_ETAT_ACOMPTE', piece: piece({ montants: montants(10_000_000) }) },
      paris('2025-04-15'),
    );
    expect(r.clockEffects).toEqual([{ kind: 'START', on: '2025-04-15', holder: 'MOA' }]);
    expect(r.pending?.lastDay).toBe('2025-05-15');
  });

  it('stops the dossier on a MOA refusal, never for amounts (CCP R2192-34)', () => {
    const s = pdmDepose();
    s.act(
      A.moe,
      { type: 'DEPOSER_ETAT_ACOMPTE', piece: piece({ montants: montants(10_000_000) }) },
      paris('2025-04-15'),
    );
    expect(
      refusalOf(() => s.act(A.moa, { type: 'REFUSER_MOA', motif: 'erreur_montant' }, paris('2025-04-16'))).code,
    ).toBe('REFUS_POUR_MONTANT_INTERDIT');
    const r = s.act(A.moa, { type: 'REFUSER_MOA', motif: 'MAUVAIS_MARCHE' }, paris('2025-04-16'));
    expect(r.dossier).toMatchObject({ status: 'REFUSEE_MOA', outcome: 'REFUSE_MOA', closed: true });
    expect(r.dossier.pieces[1]?.status).toBe('REFUSEE_MOA');
    expect(r.clockEffects).toEqual([{ kind: 'CANCEL', on: '2025-04-16', reason: 'Pièce refusée (MAUVAIS_MARCHE)' }]);
  });

  it('flags the MOA late at the DGP échéance, without tacit effect, and keeps waiting (assumption, docs/rules/dgp.md#échéance)', () => {
    const s = pdmDepose();
    s.act(
      A.moe,
      { type: 'DEPOSER_ETAT_ACOMPTE', piece: piece({ montants: montants(10_000_000) }) },
      paris('2025-04-15'),
    );
    const r = s.expire();
    expect(r.dossier).toMatchObject({ state: 'VALIDATION_MOA', wait: { lateSince: '2025-05-12' } });
    expect(r.events).toMatchObject([
      { type: 'RETARD_SIGNALE', details: { dernierJour: '2025-05-11', etape: 'VALIDATION_MOA' } },
    ]);
    expect(r.clockEffects).toEqual([]);
    expect(r.pending).toMatchObject({
      step: 'VALIDATION_MOA',
      actorSiret: SIRET.moa,
      lastDay: null,
      deadlineAt: null,
      reminderAt: null,
      onTimeout: null,
      lateSince: '2025-05-12',
    });
    expect(refusalOf(() => s.act('SYSTEM', { type: 'DELAI_EXPIRE' }, paris('2025-06-01'))).code).toBe(
      'AUCUN_DELAI_EN_COURS',
    );
    expect(
      s.act(
        A.moa,
        { type: 'VALIDER_ETAT_ACOMPTE', piece: piece({ montants: montants(10_000_000) }) },
        paris('2025-05-20'),
      ).dossier.state,
    ).toBe('TRAITEMENT_SERVICE_FINANCIER');
  });

  it('refuses acts of structures not on the marché, and of roles that have no say at this step (docs/rules/actors.md)', () => {
    const s = pdmDepose();
    // Claiming a role the fiche du marché does not give is holding no role
    const otherMoe = { siret: SIRET.outsider, roles: ['MOE' as const] };
    expect(
      refusalOf(() => s.act(otherMoe, { type: 'REFUSER_MOE', motif: 'MAUVAIS_MARCHE' }, paris('2025-04-14'))),
    ).toMatchObject({ code: 'ROLE_NON_AUTORISE', kind: 'FORBIDDEN' });
    expect(
      refusalOf(() => s.act(A.moa, { type: 'REFUSER_MOE', motif: 'MAUVAIS_MARCHE' }, paris('2025-04-14'))),
    ).toMatchObject({ code: 'ROLE_NON_AUTORISE', kind: 'FORBIDDEN' });
    expect(refusalOf(() => s.act(A.moe, { type: 'MANDATER' }, paris('2025-04-14')))).toMatchObject({
      code: 'ACTION_NON_AUTORISEE_DANS_CET_ETAT',
      kind: 'CONFLICT',
    });
    expect(refusalOf(() => s.act('SYSTEM', { type: 'SERVICE_FAIT' }, paris('2025-04-14'))).code).toBe(
      'ROLE_NON_AUTORISE',
    );
    expect(refusalOf(() => s.act(A.moe, { type: 'DELAI_EXPIRE' }, paris('2025-04-30'))).code).toBe('ROLE_NON_AUTORISE');
    expect(
      refusalOf(() => s.act('SYSTEM', { type: 'DELAI_EXPIRE', step: 'VALIDATION_MOA' }, paris('2025-04-30'))).code,
    ).toBe('ETAPE_PERIMEE');
    // A request dated before the dossier's last change is refused
    expect(
      refusalOf(() => s.act(A.moe, { type: 'REFUSER_MOE', motif: 'MAUVAIS_MARCHE' }, paris('2025-04-10'))).code,
    ).toBe('HORODATAGE_INVALIDE');
  });

  it('refuses amounts that do not add up, in integer cents (docs/rules/money.md)', () => {
    const s = pdmDepose();
    const bad = { htCents: 100, tvaCents: 20, ttcCents: 121 };
    expect(
      refusalOf(() =>
        s.act(A.moe, { type: 'DEPOSER_ETAT_ACOMPTE', piece: piece({ montants: bad }) }, paris('2025-04-14')),
      ).code,
    ).toBe('MONTANTS_INCOHERENTS');
    const float = { htCents: 100.5, tvaCents: 20, ttcCents: 120.5 };
    expect(
      refusalOf(() =>
        s.act(A.moe, { type: 'DEPOSER_ETAT_ACOMPTE', piece: piece({ montants: float }) }, paris('2025-04-14')),
      ).code,
    ).toBe('ACTION_INVALIDE');
  });
});
