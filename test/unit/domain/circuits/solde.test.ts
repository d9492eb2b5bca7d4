import { describe, expect, it } from 'vitest';
import { A, marcheGroupement, marcheSolo, montants, paris, piece, refusalOf, Scenario, SIRET } from './fixtures';

/**
 * docs/rules/circuits.md#solde: A7 → MOE (A17) → MOA (A20) → titulaire (A8 / reserves / refusal / silence), and the tacit
 * route (A22 → A23). marcheSolo names the CCAG-T 2009 as amended in 2014 (art. 13.x).
 */
function a7(extra: { receptionNotifieeLe?: string; pdfRecuMoaLe?: string } = { receptionNotifieeLe: '2025-03-03' }) {
  const s = new Scenario(marcheSolo);
  s.act(
    A.titulaire,
    {
      type: 'DEPOSER',
      dossierId: 'S1',
      piece: { id: 'a7', numero: 'PDF-1', cadre: 'A7', montants: montants(20_000_000) },
      ...(extra as object),
    },
    paris('2025-03-20'),
  );
  return s;
}

function a17(s: Scenario, date = '2025-04-01') {
  return s.act(A.moe, { type: 'DEPOSER_PROJET_DECOMPTE_GENERAL', piece: { id: 'a17', numero: 'PDG-1' } }, paris(date));
}

function a20(s: Scenario, date = '2025-04-10') {
  return s.act(A.moa, { type: 'NOTIFIER_DECOMPTE_GENERAL', piece: { id: 'a20', numero: 'DG-1' } }, paris(date));
}

describe('solde: projet de décompte final → décompte général → DGD (CCAG-T 2014 art. 13.3, 13.4)', () => {
  it('gives the MOE and MOA until 30 days after the PDF was received, moved past Easter Monday (13.4.2, 3.2.4)', () => {
    const s = a7();
    expect(s.dossier).toMatchObject({
      kind: 'SOLDE',
      state: 'ETABLISSEMENT_PROJET_DG_MOE',
      status: 'MISE_A_DISPOSITION_MOE',
      dgp: null,
      solde: { receptionNotifieeLe: '2025-03-03', pdfRecuMoeLe: '2025-03-20', pdfRecuMoaLe: '2025-03-20' },
    });
    expect(s.last?.events.map((e) => e.type)).toEqual(['PIECE_DEPOSEE', 'MISE_A_DISPOSITION']);
    expect(s.last?.clockEffects).toEqual([]);
    // 20 March + 30 = Saturday 19 April → Sunday → Easter Monday 21 → Tuesday 22 April
    expect(s.last?.pending).toMatchObject({
      step: 'ETABLISSEMENT_PROJET_DG_MOE',
      actorSiret: SIRET.moe,
      allowedActions: ['DEPOSER_PROJET_DECOMPTE_GENERAL', 'REFUSER_MOE'],
      lastDay: '2025-04-22',
      deadline: { source: 'CCAG-T 2009 mod. 2014 art. 13.4.2' },
      onTimeout: { effect: 'DG_NON_NOTIFIE' },
    });
  });

  it('counts the DG delay from the later receipt when the MOA received the PDF after the MOE (13.4.2)', () => {
    const s = a7({ pdfRecuMoaLe: '2025-03-20' });
    expect(s.last?.pending?.lastDay).toBe('2025-04-22');
    const later = new Scenario(marcheSolo);
    later.act(
      A.titulaire,
      { type: 'DEPOSER', dossierId: 'S2', piece: piece({ cadre: 'A7' }), pdfRecuMoaLe: '2025-03-25' },
      paris('2025-03-26'),
    );
    // MOE 26 March, MOA 25 March → from 26 March: 25 April (Friday)
    expect(later.last?.pending?.lastDay).toBe('2025-04-25');
    expect(
      refusalOf(() =>
        new Scenario(marcheSolo).act(
          A.titulaire,
          { type: 'DEPOSER', dossierId: 'S3', piece: piece({ cadre: 'A7' }), pdfRecuMoaLe: '2025-03-30' },
          paris('2025-03-26'),
        ),
      ).code,
    ).toBe('DATE_INVALIDE');
  });

  it('records a PDF deposited more than 30 days after the réception, without refusing it (13.3.2, 13.3.3)', () => {
    const s = a7({ receptionNotifieeLe: '2025-01-02' });
    // 2 January + 30 = Saturday 1 February → Monday 3 February
    expect(s.last?.events.map((e) => e.type)).toEqual(['PIECE_DEPOSEE', 'DEPOT_HORS_DELAI', 'MISE_A_DISPOSITION']);
    expect(s.last?.events[1]?.details).toMatchObject({
      dernierJour: '2025-02-03',
      source: 'CCAG-T 2009 mod. 2014 art. 13.3.2',
    });
  });

  it('runs A17 → A20 → signed DG (A8 = DGD): the solde’s DGP starts at the MOA (CCP R2192-16)', () => {
    const s = a7();
    const r1 = a17(s);
    expect(r1.dossier).toMatchObject({
      state: 'NOTIFICATION_DG_MOA',
      status: 'MISE_A_DISPOSITION_MOA',
      currentPieceId: 'a17',
    });
    expect(r1.dossier.pieces).toMatchObject([
      { id: 'a7', status: 'PRISE_EN_COMPTE_MOE' },
      { id: 'a17', cadre: 'A17', status: 'MISE_A_DISPOSITION_MOA', previousPieceId: 'a7' },
    ]);
    expect(r1.clockEffects).toEqual([]);
    expect(r1.pending).toMatchObject({ step: 'NOTIFICATION_DG_MOA', actorSiret: SIRET.moa, lastDay: '2025-04-22' });

    const r2 = a20(s);
    expect(r2.dossier).toMatchObject({
      state: 'SIGNATURE_DG_TITULAIRE',
      status: 'A_ASSOCIER_FOURNISSEUR',
      solde: { dgNotifieLe: '2025-04-10' },
    });
    expect(r2.dossier.pieces[1]?.status).toBe('PRISE_EN_COMPTE_MOA');
    expect(r2.events.map((e) => e.type)).toEqual(['PIECE_DEPOSEE', 'DECOMPTE_GENERAL_NOTIFIE', 'MISE_A_DISPOSITION']);
    expect(r2.events[1]?.details).toEqual({ le: '2025-04-10', horsDelai: false });
    // 10 April + 30 = Saturday 10 May → Monday 12 May (13.4.3)
    expect(r2.pending).toMatchObject({
      step: 'SIGNATURE_DG_TITULAIRE',
      actorSiret: SIRET.titulaire,
      allowedActions: ['SIGNER_DG', 'SIGNER_DG_AVEC_RESERVES', 'REFUSER_DG'],
      lastDay: '2025-05-12',
      onTimeout: { effect: 'DGD_PAR_SILENCE' },
    });
    expect(r2.pending?.deadline?.source).toContain('13.4.3');

    const r3 = s.act(A.titulaire, { type: 'SIGNER_DG', piece: { id: 'a8', numero: 'DGD-1' } }, paris('2025-04-25'));
    expect(r3.dossier).toMatchObject({
      state: 'TRAITEMENT_SERVICE_FINANCIER',
      status: 'MISE_A_DISPOSITION',
      currentPieceId: 'a8',
      solde: { dgdLe: '2025-04-25', issueDg: 'SIGNE' },
    });
    expect(r3.dossier.pieces.map((p) => [p.cadre, p.status])).toEqual([
      ['A7', 'PRISE_EN_COMPTE_MOE'],
      ['A17', 'PRISE_EN_COMPTE_MOA'],
      ['A20', 'ASSOCIEE'],
      ['A8', 'MISE_A_DISPOSITION'],
    ]);
    expect(r3.events.map((e) => e.type)).toEqual(['PIECE_DEPOSEE', 'DGD_SIGNE', 'MISE_A_DISPOSITION']);
    expect(r3.clockEffects).toEqual([
      { kind: 'START', on: '2025-04-25', holder: 'MOA' },
      { kind: 'HAND_OVER', on: '2025-04-25', holder: 'SERVICE_FINANCIER' },
    ]);
    expect(r3.pending).toMatchObject({ step: 'TRAITEMENT_SERVICE_FINANCIER', lastDay: '2025-05-25' });
    expect(s.act(A.sf, { type: 'METTRE_EN_PAIEMENT' }, paris('2025-05-15')).dossier.outcome).toBe('PAYE');
  });

  it('pays the sums admitted when the DG is signed with reserves and records the réclamation (13.4.3)', () => {
    const s = a7();
    a17(s);
    a20(s);
    const r = s.act(
      A.titulaire,
      {
        type: 'SIGNER_DG_AVEC_RESERVES',
        piece: piece(),
        memoireReclamation: 'MR-2025-01',
        sommesAdmisesCents: 12_000_000,
      },
      paris('2025-04-25'),
    );
    expect(r.dossier).toMatchObject({
      state: 'TRAITEMENT_SERVICE_FINANCIER',
      solde: {
        issueDg: 'SIGNE_AVEC_RESERVES',
        dgdLe: null,
        reclamation: { memoire: 'MR-2025-01', sommesAdmisesCents: 12_000_000, le: '2025-04-25' },
      },
    });
    expect(r.events.map((e) => e.type)).toEqual(['PIECE_DEPOSEE', 'DGD_SIGNE_AVEC_RESERVES', 'MISE_A_DISPOSITION']);
    expect(r.clockEffects).toEqual([
      { kind: 'START', on: '2025-04-25', holder: 'MOA' },
      { kind: 'HAND_OVER', on: '2025-04-25', holder: 'SERVICE_FINANCIER' },
    ]);
  });

  it('closes the dossier when the titulaire refuses the DG with reasons: the différend goes on outside (13.4.3)', () => {
    const s = a7();
    a17(s);
    a20(s);
    const r = s.act(A.titulaire, { type: 'REFUSER_DG', motifs: 'Pénalités de retard contestées' }, paris('2025-04-25'));
    expect(r.dossier).toMatchObject({
      state: 'CLOS',
      status: 'REFUSEE_FOURNISSEUR',
      outcome: 'DG_REFUSE',
      solde: { issueDg: 'REFUSE', refusMotifs: 'Pénalités de retard contestées' },
    });
    expect(r.dossier.pieces[2]?.status).toBe('REFUSEE_FOURNISSEUR');
    expect(r.events.map((e) => e.type)).toEqual(['DG_REFUSE', 'DOSSIER_CLOS']);
    expect(r.clockEffects).toEqual([]);
  });

  it('makes the DG the DGD after 30 days of silence; the formation day is day 0 of its DGP (13.4.5, H9)', () => {
    const s = a7();
    a17(s);
    a20(s);
    expect(
      refusalOf(() => s.act(A.titulaire, { type: 'SIGNER_DG', piece: piece() }, paris('2025-05-13', '09:00'))).code,
    ).toBe('DELAI_DEPASSE');
    const r = s.expire();
    expect(r.dossier).toMatchObject({
      state: 'TRAITEMENT_SERVICE_FINANCIER',
      status: 'MISE_A_DISPOSITION',
      currentPieceId: 'a20',
      solde: { dgdLe: '2025-05-12', issueDg: 'SILENCE' },
    });
    expect(r.dossier.pieces[2]).toMatchObject({
      cadre: 'A20',
      status: 'MISE_A_DISPOSITION',
      destinataire: { siret: SIRET.sf },
    });
    // The DG becomes the DGD on the last day of the 30, Monday 12 May 2025: day 0 of the solde's DGP (docs/rules/
    // dgp.md#start, H9); the DG reaches the service financier the next day, 13 May.
    expect(r.events).toMatchObject([
      { type: 'DGD_PAR_SILENCE', role: 'SYSTEM', details: { dernierJour: '2025-05-12', dgpDebut: '2025-05-12' } },
      { type: 'MISE_A_DISPOSITION' },
    ]);
    expect(r.clockEffects).toEqual([
      { kind: 'START', on: '2025-05-12', holder: 'MOA' },
      { kind: 'HAND_OVER', on: '2025-05-13', holder: 'SERVICE_FINANCIER' },
    ]);
    // Échéance: 12 May + 30 days = 11 June 2025 (19 days to 31 May, 11 more)
    expect(r.pending).toMatchObject({ actorSiret: SIRET.sf, lastDay: '2025-06-11' });
  });

  it('refuses a MOE refusal of the PDF for amounts: the MOE corrects in its projet de DG (Chorus Pro KB0011867)', () => {
    const s = a7();
    const e = refusalOf(() => s.act(A.moe, { type: 'REFUSER_MOE', motif: 'ERREUR_MONTANT' }, paris('2025-03-25')));
    expect(e.code).toBe('REFUS_POUR_MONTANT_INTERDIT');
    expect(e.message).toContain('A17');
    const r = s.act(A.moe, { type: 'REFUSER_MOE', motif: 'MAUVAIS_MARCHE' }, paris('2025-03-25'));
    expect(r.dossier.outcome).toBe('REFUSE_MOE');
    expect(r.clockEffects).toEqual([]);
  });
});

describe('tacit procedure (CCAG-T 2014 art. 13.4.4)', () => {
  function dgNonNotifie(withA17 = true): Scenario {
    const s = a7();
    if (withA17) a17(s);
    s.expire();
    return s;
  }

  it('opens the tacit route when the MOA has not notified the DG in time', () => {
    const s = a7();
    a17(s);
    expect(
      refusalOf(() => s.act(A.titulaire, { type: 'DEPOSER_PROJET_DG_TACITE', piece: piece() }, paris('2025-04-20')))
        .code,
    ).toBe('ACTION_NON_AUTORISEE_DANS_CET_ETAT');
    const r = s.expire();
    expect(r.dossier).toMatchObject({ state: 'DG_NON_NOTIFIE', status: 'MISE_A_DISPOSITION_MOA' });
    expect(r.events).toMatchObject([{ type: 'DG_NON_NOTIFIE_DANS_LE_DELAI', details: { dernierJour: '2025-04-22' } }]);
    expect(r.clockEffects).toEqual([]);
    expect(r.pending).toMatchObject({
      step: 'DG_NON_NOTIFIE',
      actorSiret: SIRET.titulaire,
      allowedActions: ['DEPOSER_PROJET_DG_TACITE'],
      otherActors: [{ actorSiret: SIRET.moa, allowedActions: ['NOTIFIER_DECOMPTE_GENERAL'] }],
      lastDay: null,
      onTimeout: null,
    });
  });

  it('replaces the pending A17 by the A22, then forms the tacit DGD after 10 days, day 0 of its DGP (A23; H8)', () => {
    const s = dgNonNotifie();
    const r1 = s.act(
      A.titulaire,
      { type: 'DEPOSER_PROJET_DG_TACITE', piece: { id: 'a22', numero: 'PDGT-1' } },
      paris('2025-04-28'),
    );
    expect(r1.dossier).toMatchObject({
      state: 'REPONSE_MOA_PROJET_DG_TACITE',
      status: 'MISE_A_DISPOSITION_MOA',
      solde: { projetDgTaciteLe: '2025-04-28' },
    });
    expect(r1.dossier.pieces.map((p) => [p.id, p.status])).toEqual([
      ['a7', 'PRISE_EN_COMPTE_MOE'],
      ['a17', 'REMPLACEE_PAR_A22'],
      ['a22', 'MISE_A_DISPOSITION_MOA'],
    ]);
    expect(r1.events.map((e) => e.type)).toEqual(['PIECE_DEPOSEE', 'PIECE_REMPLACEE', 'MISE_A_DISPOSITION']);
    // 28 April + 10 = Thursday 8 May, Victoire 1945 (public holiday) → Friday 9 May
    expect(r1.pending).toMatchObject({
      step: 'REPONSE_MOA_PROJET_DG_TACITE',
      actorSiret: SIRET.moa,
      allowedActions: ['NOTIFIER_DECOMPTE_GENERAL'],
      lastDay: '2025-05-09',
      onTimeout: { effect: 'DGD_TACITE' },
    });
    expect(r1.pending?.deadline?.source).toBe('CCAG-T 2009 mod. 2014 art. 13.4.4');

    expect(
      refusalOf(() => s.act(A.moa, { type: 'NOTIFIER_DECOMPTE_GENERAL', piece: piece() }, paris('2025-05-10', '09:00')))
        .code,
    ).toBe('DELAI_DEPASSE');
    const r2 = s.expire();
    expect(r2.dossier).toMatchObject({
      state: 'DEPOT_DGD_TACITE',
      status: 'DGD_TACITE',
      solde: { dgdLe: '2025-05-09', issueDg: 'TACITE' },
    });
    expect(r2.dossier.pieces[2]?.status).toBe('DGD_TACITE');
    // The tacit DGD forms on the last day of the 10, Friday 9 May 2025: day 0 of the DGP, which runs from the next
    // day, 10 May ("court à compter du lendemain de l'expiration de ce délai"; docs/rules/dgp.md#start, H8)
    expect(r2.events).toMatchObject([
      { type: 'DGD_TACITE', details: { dernierJour: '2025-05-09', dgpDebut: '2025-05-09' } },
    ]);
    expect(r2.clockEffects).toEqual([{ kind: 'START', on: '2025-05-09', holder: 'MOA' }]);
    expect(r2.dossier.dgp).toMatchObject({ startedOn: '2025-05-09', echeance: '2025-06-08' });
    expect(r2.pending).toMatchObject({
      step: 'DEPOT_DGD_TACITE',
      actorSiret: SIRET.titulaire,
      allowedActions: ['DEPOSER_DGD_TACITE'],
      otherActors: [
        { actorSiret: SIRET.moe, actorRole: 'MOE', allowedActions: ['DEPOSER_DGD_TACITE'] },
        { actorSiret: SIRET.moa, actorRole: 'MOA', allowedActions: ['DEPOSER_DGD_TACITE'] },
      ],
      // Échéance: 9 May + 30 days = 8 June 2025 (22 days to 31 May, 8 more)
      lastDay: '2025-06-08',
    });

    const r3 = s.act(
      A.titulaire,
      { type: 'DEPOSER_DGD_TACITE', piece: { id: 'a23', numero: 'DGDT-1' } },
      paris('2025-05-12'),
    );
    expect(r3.dossier.pieces[3]).toMatchObject({ cadre: 'A23', previousPieceId: 'a22', status: 'MISE_A_DISPOSITION' });
    expect(r3.dossier.state).toBe('TRAITEMENT_SERVICE_FINANCIER');
    expect(r3.clockEffects).toEqual([{ kind: 'HAND_OVER', on: '2025-05-12', holder: 'SERVICE_FINANCIER' }]);
  });

  it('names the tacit DGD piece after its depositor: A24 for the MOE, A25 for the MOA (docs/rules/cadres.md)', () => {
    for (const [who, cadre] of [
      [A.moe, 'A24'],
      [A.moa, 'A25'],
    ] as const) {
      const s = dgNonNotifie();
      s.act(A.titulaire, { type: 'DEPOSER_PROJET_DG_TACITE', piece: piece() }, paris('2025-04-28'));
      s.expire();
      expect(
        refusalOf(() => s.act(who, { type: 'DEPOSER_DGD_TACITE', piece: piece({ cadre: 'A23' }) }, paris('2025-05-12')))
          .code,
      ).toBe('CADRE_INATTENDU');
      const r = s.act(who, { type: 'DEPOSER_DGD_TACITE', piece: piece() }, paris('2025-05-12'));
      expect(r.dossier.pieces.at(-1)).toMatchObject({ cadre, depositorRole: who.roles[0] });
    }
  });

  it('goes back to the signature when the MOA notifies a DG within the 10 days (13.4.4)', () => {
    const s = dgNonNotifie();
    s.act(
      A.titulaire,
      { type: 'DEPOSER_PROJET_DG_TACITE', piece: { id: 'a22', numero: 'PDGT-1' } },
      paris('2025-04-28'),
    );
    const r = s.act(
      A.moa,
      { type: 'NOTIFIER_DECOMPTE_GENERAL', piece: { id: 'a20', numero: 'DG-1' } },
      paris('2025-05-05'),
    );
    expect(r.dossier).toMatchObject({ state: 'SIGNATURE_DG_TITULAIRE', solde: { dgNotifieLe: '2025-05-05' } });
    expect(r.dossier.pieces.find((p) => p.id === 'a22')?.status).toBe('PRISE_EN_COMPTE_MOA');
    expect(r.dossier.pieces.find((p) => p.id === 'a20')?.previousPieceId).toBe('a22');
    // Within the 10 days of 13.4.4, but still after the 13.4.2 delay
    expect(r.events[1]?.details).toEqual({ le: '2025-05-05', horsDelai: true });
  });

  it('still takes a late A17 and a late DG before the titulaire starts the tacit procedure', () => {
    const s = dgNonNotifie(false);
    expect(s.last?.pending?.otherActors).toEqual([
      { actorSiret: SIRET.moe, actorRole: 'MOE', allowedActions: ['DEPOSER_PROJET_DECOMPTE_GENERAL'] },
    ]);
    const r1 = a17(s, '2025-04-25');
    expect(r1.dossier).toMatchObject({
      state: 'DG_NON_NOTIFIE',
      status: 'MISE_A_DISPOSITION_MOA',
      currentPieceId: 'a17',
    });
    expect(r1.pending?.otherActors).toEqual([
      { actorSiret: SIRET.moa, actorRole: 'MOA', allowedActions: ['NOTIFIER_DECOMPTE_GENERAL'] },
    ]);
    const r2 = a20(s, '2025-04-28');
    expect(r2.dossier.state).toBe('SIGNATURE_DG_TITULAIRE');
    expect(r2.events[1]?.details).toEqual({ le: '2025-04-28', horsDelai: true });
  });

  it('replaces nothing when the MOE never deposited its projet de DG', () => {
    const s = dgNonNotifie(false);
    const r = s.act(A.titulaire, { type: 'DEPOSER_PROJET_DG_TACITE', piece: piece() }, paris('2025-04-28'));
    expect(r.events.map((e) => e.type)).toEqual(['PIECE_DEPOSEE', 'MISE_A_DISPOSITION']);
    expect(r.dossier.pieces[1]?.previousPieceId).toBe('a7');
  });
});

describe('solde of a cotraitant (CCAG-T 2021 art. 12.4, 12.5)', () => {
  it('is validated by the mandataire, and the mandataire answers the DG for the groupement', () => {
    const s = new Scenario(marcheGroupement);
    s.act(A.cotraitant, { type: 'DEPOSER', dossierId: 'C14', piece: piece({ cadre: 'A14' }) }, paris('2025-06-02'));
    const r1 = s.act(A.mandataire, { type: 'VALIDER' }, paris('2025-06-04'));
    expect(r1.dossier).toMatchObject({
      state: 'ETABLISSEMENT_PROJET_DG_MOE',
      solde: { pdfRecuMoeLe: '2025-06-04', pdfRecuMoaLe: '2025-06-04' },
    });
    expect(r1.clockEffects).toEqual([]);
    expect(r1.pending).toMatchObject({ lastDay: '2025-07-04', deadline: { source: 'CCAG-T 2021 art. 12.4.2' } });
    s.act(A.moe, { type: 'DEPOSER_PROJET_DECOMPTE_GENERAL', piece: piece() }, paris('2025-06-10'));
    const r2 = s.act(A.moa, { type: 'NOTIFIER_DECOMPTE_GENERAL', piece: piece() }, paris('2025-06-20'));
    expect(r2.pending).toMatchObject({ actorSiret: SIRET.mandataire, actorRole: 'MANDATAIRE' });
    expect(refusalOf(() => s.act(A.cotraitant, { type: 'SIGNER_DG', piece: piece() }, paris('2025-06-25'))).code).toBe(
      'ROLE_NON_AUTORISE',
    );
    const r3 = s.act(A.mandataire, { type: 'SIGNER_DG', piece: piece() }, paris('2025-06-25'));
    expect(r3.clockEffects[0]).toEqual({ kind: 'START', on: '2025-06-25', holder: 'MOA' });
    // Suspended, the cotraitant (the fournisseur paid) completes it
    const r4 = s.act(A.sf, { type: 'SUSPENDRE', documentsManquants: ['RIB'] }, paris('2025-06-26'));
    expect(r4.pending).toMatchObject({ actorSiret: SIRET.cotraitant, actorRole: 'COTRAITANT' });
  });
});
