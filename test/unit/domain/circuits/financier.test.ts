import { describe, expect, it } from 'vitest';
import { parseAction } from '../../../../shared/domain/circuits';
import { A, marcheSolo, montants, paris, piece, refusalOf, Scenario, SIRET } from './fixtures';

/**
 * docs/rules/circuits.md#service-financier service financier: SERVICE_FAIT → MANDATEE → MISE_EN_PAIEMENT (intermediate statuses optional),
 * SUSPENDUE (once) → COMPLETEE, A_RECYCLER → recycled, REJETEE. The acompte reaches it on 23 April 2025; the DGP
 * started on 11 April, échéance 11 May.
 */
function auServiceFinancier(): Scenario {
  const s = new Scenario(marcheSolo);
  s.act(
    A.titulaire,
    { type: 'DEPOSER', dossierId: 'D1', piece: piece({ cadre: 'A4', montants: montants(1_000_000) }) },
    paris('2025-04-11'),
  );
  s.act(A.moe, { type: 'DEPOSER_ETAT_ACOMPTE', piece: piece({ montants: montants(1_000_000) }) }, paris('2025-04-16'));
  s.act(
    A.moa,
    { type: 'VALIDER_ETAT_ACOMPTE', piece: { id: 'a19', numero: 'EAV-1', montants: montants(1_000_000) } },
    paris('2025-04-23'),
  );
  return s;
}

describe('service financier (CCP R2192-27 to R2192-29; Chorus Pro statuses)', () => {
  it('enters the next wait already late when the DGP échéance has passed: no expired timer, no extra version (assumption, docs/rules/dgp.md#échéance)', () => {
    const s = auServiceFinancier();
    // Échéance 11 May 2025; service fait on 20 May: the next wait (mandatement) is late from its first day.
    const r = s.act(A.sf, { type: 'SERVICE_FAIT' }, paris('2025-05-20'));
    expect(r.dossier).toMatchObject({ status: 'SERVICE_FAIT', wait: { lateSince: '2025-05-12' } });
    expect(r.events.map((e) => e.type)).toEqual(['SERVICE_FAIT']);
    expect(r.pending).toMatchObject({ step: 'TRAITEMENT_SERVICE_FINANCIER', deadlineAt: null, onTimeout: null });
    expect(refusalOf(() => s.act('SYSTEM', { type: 'DELAI_EXPIRE' }, paris('2025-05-21'))).code).toBe(
      'AUCUN_DELAI_EN_COURS',
    );
  });

  it('pays without the optional intermediate statuses', () => {
    const s = auServiceFinancier();
    const r = s.act(A.sf, { type: 'METTRE_EN_PAIEMENT' }, paris('2025-04-30'));
    expect(r.dossier).toMatchObject({ status: 'MISE_EN_PAIEMENT', outcome: 'PAYE' });
    expect(r.clockEffects).toEqual([{ kind: 'PAY', on: '2025-04-30' }]);
  });

  it('suspends once with the list of missing documents, then restarts a delay of max(30, days left) (CCP R2192-28, R2192-29)', () => {
    const s = auServiceFinancier();
    const r1 = s.act(
      A.sf,
      { type: 'SUSPENDRE', documentsManquants: ['Attestation URSSAF', 'Copie de la caution'] },
      paris('2025-04-25'),
    );
    expect(r1.dossier).toMatchObject({
      state: 'COMPLEMENT_FOURNISSEUR',
      status: 'SUSPENDUE',
      suspensionUsed: true,
      suspension: {
        on: '2025-04-25',
        documentsManquants: ['Attestation URSSAF', 'Copie de la caution'],
        completedOn: null,
      },
      dgp: { echeance: null, suspendedOn: '2025-04-25', remainingDaysAtSuspension: 16 },
    });
    expect(r1.dossier.pieces[2]?.status).toBe('SUSPENDUE');
    expect(r1.events.map((e) => e.type)).toEqual(['SUSPENDUE']);
    expect(r1.clockEffects).toEqual([
      { kind: 'SUSPEND', on: '2025-04-25', missingDocuments: ['Attestation URSSAF', 'Copie de la caution'] },
    ]);
    // The fournisseur answers; the service financier may still reject; 30 days to answer (assumption)
    expect(r1.pending).toMatchObject({
      step: 'COMPLEMENT_FOURNISSEUR',
      actorSiret: SIRET.titulaire,
      allowedActions: ['COMPLETER'],
      otherActors: [{ actorSiret: SIRET.sf, actorRole: 'SERVICE_FINANCIER', allowedActions: ['REJETER'] }],
      lastDay: '2025-05-25',
      onTimeout: { effect: 'RETARD_SIGNALE' },
    });

    const r2 = s.act(A.titulaire, { type: 'COMPLETER', documents: ['urssaf.pdf', 'caution.pdf'] }, paris('2025-05-05'));
    expect(r2.dossier).toMatchObject({
      state: 'TRAITEMENT_SERVICE_FINANCIER',
      status: 'COMPLETEE',
      suspension: { completedOn: '2025-05-05' },
      dgp: { runsFrom: '2025-05-05', days: 30, echeance: '2025-06-04' },
    });
    expect(r2.clockEffects).toEqual([{ kind: 'RESUME', on: '2025-05-05' }]);
    // Once only: SUSPENDRE is no longer offered, and refused
    expect(r2.pending).toMatchObject({ lastDay: '2025-06-04' });
    expect(r2.pending?.allowedActions).toEqual([
      'SERVICE_FAIT',
      'MANDATER',
      'METTRE_EN_PAIEMENT',
      'METTRE_A_RECYCLER',
      'REJETER',
    ]);
    const e = refusalOf(() => s.act(A.sf, { type: 'SUSPENDRE', documentsManquants: ['RIB'] }, paris('2025-05-06')));
    expect(e).toMatchObject({ code: 'SUSPENSION_DEJA_UTILISEE', kind: 'CONFLICT' });

    expect(s.act(A.sf, { type: 'SERVICE_FAIT' }, paris('2025-05-07')).dossier.status).toBe('SERVICE_FAIT');
  });

  it('refuses a suspension without any missing document (CCP R2192-28)', () => {
    const s = auServiceFinancier();
    expect(refusalOf(() => s.act(A.sf, { type: 'SUSPENDRE', documentsManquants: [] }, paris('2025-04-25'))).code).toBe(
      'LISTE_DOCUMENTS_VIDE',
    );
  });

  it('refuses a suspension after the payment order (CCP R2192-27)', () => {
    const s = auServiceFinancier();
    s.act(A.sf, { type: 'MANDATER' }, paris('2025-04-25'));
    expect(
      refusalOf(() => s.act(A.sf, { type: 'SUSPENDRE', documentsManquants: ['RIB'] }, paris('2025-04-26'))).code,
    ).toBe('SUSPENSION_APRES_MANDATEMENT');
    expect(refusalOf(() => s.act(A.sf, { type: 'SERVICE_FAIT' }, paris('2025-04-26'))).code).toBe(
      'ACTION_NON_AUTORISEE_DANS_CET_ETAT',
    );
  });

  it('sends back for a wrong addressee; the depositor recycles the same piece, changing only SIRET, code service, EJ', () => {
    const s = auServiceFinancier();
    const r1 = s.act(A.sf, { type: 'METTRE_A_RECYCLER', motif: 'Mauvais service' }, paris('2025-04-25'));
    expect(r1.dossier).toMatchObject({ state: 'RECYCLAGE', status: 'A_RECYCLER' });
    expect(r1.clockEffects).toEqual([]);
    // The A19 was deposited by the MOA: the MOA re-addresses it
    expect(r1.pending).toMatchObject({
      step: 'RECYCLAGE',
      actorSiret: SIRET.moa,
      actorRole: 'MOA',
      allowedActions: ['RECYCLER'],
    });
    expect(refusalOf(() => s.act(A.titulaire, { type: 'RECYCLER', codeService: 'X' }, paris('2025-04-26'))).code).toBe(
      'ROLE_NON_AUTORISE',
    );
    expect(refusalOf(() => s.act(A.moa, { type: 'RECYCLER' }, paris('2025-04-26'))).code).toBe('RECYCLAGE_VIDE');
    expect(refusalOf(() => s.act(A.moa, { type: 'RECYCLER', siret: '123' }, paris('2025-04-26'))).code).toBe(
      'SIRET_INVALIDE',
    );
    const extra = { type: 'RECYCLER', engagementJuridique: '2000000002', numero: 'AUTRE' } as unknown as Parameters<
      Scenario['act']
    >[1];
    expect(refusalOf(() => s.act(A.moa, extra, paris('2025-04-26'))).code).toBe('RECYCLAGE_CHAMP_NON_MODIFIABLE');

    const r2 = s.act(
      A.moa,
      { type: 'RECYCLER', siret: SIRET.sfBis, engagementJuridique: '2000000002' },
      paris('2025-04-28'),
    );
    const a19 = r2.dossier.pieces.find((p) => p.id === 'a19');
    expect(a19).toMatchObject({
      numero: 'EAV-1',
      status: 'MISE_A_DISPOSITION',
      destinataire: { siret: SIRET.sfBis, codeService: 'SF-1', engagementJuridique: '2000000002' },
    });
    expect(r2.dossier.pieces).toHaveLength(3);
    expect(r2.events).toMatchObject([{ type: 'RECYCLEE', pieceId: 'a19', details: { numero: 'EAV-1' } }]);
    // The new addressee processes it; the former one no longer may
    expect(r2.pending).toMatchObject({ step: 'TRAITEMENT_SERVICE_FINANCIER', actorSiret: SIRET.sfBis });
    expect(refusalOf(() => s.act(A.sf, { type: 'SERVICE_FAIT' }, paris('2025-04-29'))).code).toBe('ACTEUR_NON_DESIGNE');
    expect(s.act(A.sfBis, { type: 'SERVICE_FAIT' }, paris('2025-04-29')).dossier.status).toBe('SERVICE_FAIT');
  });

  it('rejects for good: the DGP is cancelled and a new piece needs a new number', () => {
    const s = auServiceFinancier();
    const r = s.act(A.sf, { type: 'REJETER', motif: 'Pièce non conforme' }, paris('2025-04-25'));
    expect(r.dossier).toMatchObject({
      state: 'CLOS',
      status: 'REJETEE',
      outcome: 'REJETE',
      refus: { motif: 'Pièce non conforme' },
    });
    expect(r.clockEffects).toEqual([
      { kind: 'CANCEL', on: '2025-04-25', reason: 'Pièce rejetée : Pièce non conforme' },
    ]);
    expect(refusalOf(() => s.act(A.sf, { type: 'METTRE_EN_PAIEMENT' }, paris('2025-04-26'))).code).toBe('DOSSIER_CLOS');
  });

  it('lets the service financier reject a suspended piece the fournisseur never completes (assumption)', () => {
    const s = auServiceFinancier();
    s.act(A.sf, { type: 'SUSPENDRE', documentsManquants: ['RIB'] }, paris('2025-04-25'));
    const late = s.expire();
    expect(late.dossier.wait.lateSince).toBe('2025-05-26');
    expect(late.pending).toMatchObject({ actorSiret: SIRET.titulaire, lastDay: null, lateSince: '2025-05-26' });
    const r = s.act(A.sf, { type: 'REJETER', motif: 'Documents jamais reçus' }, paris('2025-06-10'));
    expect(r.dossier.outcome).toBe('REJETE');
  });

  it('parses the recyclable fields only (Chorus Pro « recycler »)', () => {
    expect(parseAction({ type: 'RECYCLER', codeService: 'SF-2' })).toEqual({ type: 'RECYCLER', codeService: 'SF-2' });
  });
});
