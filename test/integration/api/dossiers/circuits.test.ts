import { beforeAll, describe, expect, it } from 'vitest';
import { IdentityStore } from '../../../../shared/adapters/dynamo/identity-store';
import { MarcheStore } from '../../../../shared/adapters/dynamo/marche-store';
import { IdentityService } from '../../../../shared/services/identity-service';
import { MarcheService } from '../../../../shared/services/marche-service';
import { FIXED_START } from '../../../setup/platform';
import { type Json, type Session, signInAs } from './client';
import { DEMO, useWorld } from './world';

/**
 * The circuits chosen from the fiche du marché and the buyer's directory (shared/domain/circuits/organisation.ts),
 * through the API on the embedded platform, with dates fixed by moving the platform clock:
 * - a marché without a maître d'œuvre: the titulaire's état d'acompte (A5) → MOA validation → A6 → paid;
 * - « MOA présente : non »: the MOE's A15 → its état d'acompte validé (A16), and A17 → its décompte général (A18);
 * - a buyer that does not report the mise en paiement: the dossier ends at « mandatée », payment day unknown;
 * - the MOA suspends the DGP; the service financier's second suspension is refused.
 * Every figure is computed by hand in the comments (DGP day 0 = its start day; échéance = day 0 + 30, CCP
 * R2192-10; days per holder = days from the day the holder received the dossier to the day it passed it on).
 */
// Absolute dates below: the clock starts at a fixed instant, whatever the machine's date
const world = useWorld({ startAt: FIXED_START });
const S = DEMO.sirets;
const M = (ht: string, tva: string, ttc: string) => ({ ht, tva, ttc });

/** Structures of the buyer without MOA (Luhn-valid: 13 chosen digits + key). */
const SIRET_COMMUNE_SANS_MOA = '21930001900011';
const SIRET_SF_SANS_REMONTEE = '21930002700014';
const MARCHE_SANS_MOE = '01JZ0CRCT00000000000SANSM1';
const MARCHE_DELEGUE = '01JZ0CRCT000000000000DEG01';
const USERS = {
  communeSansMoa: { id: '01JZ0CRCT00000000000000001', login: 'commune-sans-moa@circuits.test' },
  sfSansRemontee: { id: '01JZ0CRCT00000000000000002', login: 'sf-sans-remontee@circuits.test' },
};

let communeSansMoa: Session;
let sfSansRemontee: Session;

async function at(instant: string): Promise<void> {
  const w = world();
  await w.platform.advanceClock({ to: instant });
  await w.refreshSessions();
  communeSansMoa = await signInAs(w.platform.url, USERS.communeSansMoa.login);
  sfSansRemontee = await signInAs(w.platform.url, USERS.sfSansRemontee.login);
}

const acteurs = (moa: string, sf: string, withMoe: boolean) => [
  { role: 'MOA', siret: moa, raisonSociale: 'Acheteur', ...(moa === S.moa ? DEMO_MOA_REFS : {}) },
  ...(withMoe ? [{ role: 'MOE', siret: S.moe, raisonSociale: 'Atelier Archi Démo' }] : []),
  { role: 'TITULAIRE', siret: S.mandataire, raisonSociale: 'Bâtiment Démo SAS' },
  { role: 'SERVICE_FINANCIER', siret: sf, raisonSociale: 'Service financier' },
];
const DEMO_MOA_REFS = { codeService: DEMO.codeService, engagementJuridique: DEMO.engagementJuridique };

function fiche(id: string, numero: string, acteursList: unknown[], reception: 'MOE' | 'MOA') {
  return {
    id,
    numeroMarche: numero,
    objet: 'Voirie communale',
    ccagVersion: '2021',
    acteurs: acteursList,
    groupement: { mode: 'NONE' },
    montantInitialHtCents: 20_000_000,
    tauxTvaBp: [2000],
    retenueGarantieBp: 500,
    dgpJours: 30,
    delaiMoeJours: 7,
    receptionDemandesPaiement: reception,
  };
}

beforeAll(async () => {
  const p = world().platform;
  const store = new IdentityStore(p.clients.document, p.tableName);
  const identity = new IdentityService(store);
  const marches = new MarcheService(new MarcheStore(p.clients.document, p.tableName), store);
  const now = p.clock.now();
  for (const u of Object.values(USERS)) await identity.registerUser({ id: u.id, loginAddress: u.login }, now);
  // Chorus Pro directory: « Structure avec MOA : non » — the MOA delegated validation to the MOE
  await identity.createStructure(
    {
      userId: USERS.communeSansMoa.id,
      structure: {
        siret: SIRET_COMMUNE_SANS_MOA,
        raisonSociale: 'Commune sans MOA',
        type: 'PUBLIC',
        directory: { moaPresente: false, statutMiseEnPaiementRemonte: false },
        spaces: ['FACTURES_TRAVAUX'],
      },
    },
    now,
  );
  // A service financier that does not report the mise en paiement
  await identity.createStructure(
    {
      userId: USERS.sfSansRemontee.id,
      structure: {
        siret: SIRET_SF_SANS_REMONTEE,
        raisonSociale: 'Trésorerie sans remontée',
        type: 'PUBLIC',
        directory: { moaPresente: true, statutMiseEnPaiementRemonte: false },
        spaces: ['FACTURES_TRAVAUX'],
      },
    },
    now,
  );
  // No MOE: payment requests are received by the MOA (CCP R2192-12)
  await marches.createMarche(
    {
      userId: DEMO.users.moa.id,
      marche: fiche(MARCHE_SANS_MOE, '2027-SANS-MOE', acteurs(S.moa, S.serviceFinancier, false), 'MOA'),
    },
    now,
  );
  await marches.createMarche(
    {
      userId: USERS.communeSansMoa.id,
      marche: fiche(
        MARCHE_DELEGUE,
        '2027-DELEGUE',
        acteurs(SIRET_COMMUNE_SANS_MOA, SIRET_SF_SANS_REMONTEE, true),
        'MOE',
      ),
    },
    now,
  );
}, 60_000);

async function open(s: Session, marcheId: string, spec: { cadre: string; numero: string; montants?: Json }) {
  const w = world();
  const d = await w.draft(s, `/v1/marches/${marcheId}/pieces`, spec);
  const sent = await s.post(`/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}/envoyer`, {});
  expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  await w.platform.settle();
  const read = await s.get(`/v1/dossiers/${d.dossierId}`);
  return { id: d.dossierId as string, version: sent.version as number, body: sent.body, dossier: read.body as Json };
}

/** The dossier as a reader of the marché sees it. */
async function read(s: Session, id: string): Promise<Json> {
  return (await s.get(`/v1/dossiers/${id}`)).body;
}

const types = (actions: { type: string }[]) => actions.map((a) => a.type);

describe('a marché without a maître d’œuvre (A5 → A6)', () => {
  it('runs the titulaire’s état d’acompte to the MOA, its validation, the A6 to the service financier, paid', async () => {
    const w = world();
    // Monday 1 March 2027, 10:00 Paris: the titulaire deposits its état d'acompte (A5) to the MOA
    await at('2027-03-01T10:00:00+01:00');
    const opened = await open(w.as.mandataire, MARCHE_SANS_MOE, {
      cadre: 'A5',
      numero: 'EA-SANS-MOE-01',
      montants: M('10000.00', '2000.00', '12000.00'),
    });
    expect(opened.dossier).toMatchObject({
      circuit: 'SANS_MOE',
      etat: 'VALIDATION_MOA',
      statut: 'MISE_A_DISPOSITION_MOA',
    });
    expect(opened.dossier.parties.moe).toBeNull();
    // DGP: received by the MOA on 1 March = day 0; échéance 1 March + 30 days = 31 March 2027
    expect(opened.body.delai).toMatchObject({ debut: '2027-03-01', echeance: '2027-03-31', detenteur: 'MOA' });
    const moaView = await w.as.moa.get(`/v1/dossiers/${opened.id}`);
    expect(types(moaView.body.mesActions)).toEqual(['VALIDER_ETAT_ACOMPTE_FOURNISSEUR', 'REFUSER_MOA', 'SUSPENDRE']);
    // The MOA's decisions send no piece: they go through /actions
    expect(moaView.body.mesActions.map((a: { envoieUnePiece: boolean }) => a.envoieUnePiece)).toEqual([
      false,
      false,
      false,
    ]);

    // Friday 5 March: the MOA validates, correcting the amounts (9 500 + 1 900 = 11 400)
    await at('2027-03-05T10:00:00+01:00');
    let r = await w.act(w.as.moa, opened.id, opened.version, {
      type: 'VALIDER_ETAT_ACOMPTE_FOURNISSEUR',
      montants: M('9500.00', '1900.00', '11400.00'),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ etat: 'DEPOT_ETAT_ACOMPTE_VALIDE', statut: 'A_ASSOCIER_FOURNISSEUR' });
    // The A6 is a piece: the API says so, and the portal sends it through the piece's « envoyer »
    expect((await w.as.mandataire.get(`/v1/dossiers/${opened.id}`)).body.mesActions).toEqual([
      { type: 'DEPOSER_ETAT_ACOMPTE_VALIDE', libelle: "déposer l'état d'acompte validé (A6)", envoieUnePiece: true },
    ]);

    // Tuesday 9 March: the titulaire deposits the état d'acompte validé (A6) with the validated amounts
    await at('2027-03-09T10:00:00+01:00');
    r = await w.follow(w.as.mandataire, opened.id, r.version, {
      type: 'DEPOSER_ETAT_ACOMPTE_VALIDE',
      cadre: 'A6',
      numero: 'EAV-SANS-MOE-01',
      montants: M('9500.00', '1900.00', '11400.00'),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.etat).toBe('TRAITEMENT_SERVICE_FINANCIER');

    // Monday 15 March: service fait, mandatement, mise en paiement
    await at('2027-03-15T10:00:00+01:00');
    let v = r.version;
    for (const type of ['SERVICE_FAIT', 'MANDATER', 'METTRE_EN_PAIEMENT']) {
      const done = await w.act(w.as.serviceFinancier, opened.id, v, { type });
      expect(done.status, `${type}: ${JSON.stringify(done.body)}`).toBe(200);
      v = done.version;
    }
    const delai = (await w.as.moa.get(`/v1/dossiers/${opened.id}/delai`)).body;
    // MOA 1 → 9 March = 8 days; service financier 9 → 15 March = 6 days; 14 days in all, paid on time
    expect(delai).toMatchObject({
      statut: 'PAYE',
      datePaiement: '2027-03-15',
      echeance: '2027-03-31',
      joursEcoules: 14,
      joursParActeur: { MOE: 0, MOA: 8, SERVICE_FINANCIER: 6 },
      joursDeRetard: 0,
    });
    const pieces = (await w.as.moa.get(`/v1/dossiers/${opened.id}`)).body.pieces;
    expect(pieces.map((p: Json) => p.cadre)).toEqual(['A5', 'A6']);
  });

  it('refuses a PDM (A4) on that marché and says to deposit the A5', async () => {
    const w = world();
    const d = await w.draft(w.as.mandataire, `/v1/marches/${MARCHE_SANS_MOE}/pieces`, {
      cadre: 'A4',
      numero: 'PDM-SANS-MOE-01',
    });
    const sent = await w.as.mandataire.post(`/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}/envoyer`, {});
    expect(sent.status).toBe(422);
    expect(sent.body.code).toBe('CADRE_INADAPTE_AU_CIRCUIT');
    expect(sent.body.detail).toContain('A5');
  });
});

describe('« MOA présente : non »: the MOE validates for the MOA (A15 → A16, A17 → A18)', () => {
  it('runs A4 → A15 → A16 to a service financier that does not report the payment: the dossier ends mandated', async () => {
    const w = world();
    // Thursday 1 April 2027: the titulaire's PDM reaches the MOE, which receives the payment requests
    await at('2027-04-01T10:00:00+02:00');
    const opened = await open(w.as.mandataire, MARCHE_DELEGUE, {
      cadre: 'A4',
      numero: 'PDM-DELEGUE-04',
      montants: M('20000.00', '4000.00', '24000.00'),
    });
    expect(opened.dossier).toMatchObject({
      circuit: 'VALIDATION_DELEGUEE_MOE',
      miseEnPaiementRemontee: false,
      etat: 'EXAMEN_MOE',
    });
    // Day 0 = 1 April; échéance 1 April + 30 days = 1 May 2027 (the DGP is not moved to a working day)
    expect(opened.body.delai).toMatchObject({ debut: '2027-04-01', echeance: '2027-05-01', detenteur: 'MOE' });

    // Friday 2 April: the MOE's état d'acompte (A15); the validation step is the MOE's own
    await at('2027-04-02T10:00:00+02:00');
    let r = await w.follow(w.as.moe, opened.id, opened.version, {
      type: 'DEPOSER_ETAT_ACOMPTE',
      cadre: 'A15',
      numero: 'EA-DELEGUE-04',
      montants: M('20000.00', '4000.00', '24000.00'),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ etat: 'VALIDATION_MOA', attente: { acteur: { siret: S.moe } } });
    expect(types((await w.as.moe.get(`/v1/dossiers/${opened.id}`)).body.mesActions)).toEqual([
      'VALIDER_ETAT_ACOMPTE',
      'SUSPENDRE',
    ]);
    expect((await communeSansMoa.get(`/v1/dossiers/${opened.id}`)).body.mesActions).toEqual([]);

    // Tuesday 6 April: the MOE's état d'acompte validé (A16) goes to the service financier
    await at('2027-04-06T10:00:00+02:00');
    r = await w.follow(w.as.moe, opened.id, r.version, {
      type: 'VALIDER_ETAT_ACOMPTE',
      cadre: 'A16',
      numero: 'EAV-DELEGUE-04',
      montants: M('20000.00', '4000.00', '24000.00'),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.etat).toBe('TRAITEMENT_SERVICE_FINANCIER');
    expect((await read(w.as.moe, opened.id)).pieces.map((p: Json) => p.cadre)).toEqual(['A4', 'A15', 'A16']);

    // Thursday 6 May (5 days past the échéance): no mise en paiement to offer; the mandatement ends the dossier
    await at('2027-05-06T10:00:00+02:00');
    const sfView = await sfSansRemontee.get(`/v1/dossiers/${opened.id}`);
    expect(types(sfView.body.mesActions)).not.toContain('METTRE_EN_PAIEMENT');
    const done = await w.act(sfSansRemontee, opened.id, sfView.version as number, { type: 'MANDATER' });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ clos: true, statut: 'MANDATEE' });
    expect((await read(w.as.mandataire, opened.id)).issue).toBe('MANDATE');
    const delai = (await w.as.mandataire.get(`/v1/dossiers/${opened.id}/delai`)).body;
    // MOE 1 → 6 April = 5 days; service financier 6 April → 6 May = 30 days; late from 2 May: 1 May → 6 May = 5
    // days at least (counted to the mandatement); no interest computed, the payment day is unknown
    expect(delai).toMatchObject({
      statut: 'PAIEMENT_NON_REMONTE',
      datePaiement: null,
      joursParActeur: { MOE: 5, MOA: 0, SERVICE_FINANCIER: 30 },
      joursEcoules: 35,
      joursDeRetard: 5,
    });
    expect(delai.datePaiementInconnue).toMatch(/inconnue/);
    expect(delai.interetsMoratoires).toBeUndefined();
  });

  it('runs the solde A7 → A17 → A18 with the MOE notifying the décompte général, and its deadlines', async () => {
    const w = world();
    // Monday 7 June 2027: the projet de décompte final reaches the MOE (and the MOA, the same day by default)
    await at('2027-06-07T10:00:00+02:00');
    const opened = await open(w.as.mandataire, MARCHE_DELEGUE, { cadre: 'A7', numero: 'PDF-DELEGUE-01' });
    expect(opened.body.etat).toBe('ETABLISSEMENT_PROJET_DG_MOE');
    // CCAG-T 2021 art. 12.4.2: DG within 30 days of 7 June → Wednesday 7 July 2027
    expect(opened.body.attente.dernierJour).toBe('2027-07-07');

    await at('2027-06-14T10:00:00+02:00');
    let r = await w.follow(w.as.moe, opened.id, opened.version, {
      type: 'DEPOSER_PROJET_DECOMPTE_GENERAL',
      cadre: 'A17',
      numero: 'PDG-DELEGUE-01',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // The notification of the DG is the MOE's step, same deadline
    expect(r.body).toMatchObject({
      etat: 'NOTIFICATION_DG_MOA',
      attente: { acteur: { siret: S.moe }, dernierJour: '2027-07-07' },
    });

    // Wednesday 16 June: the MOE notifies the décompte général (A18)
    await at('2027-06-16T10:00:00+02:00');
    r = await w.follow(w.as.moe, opened.id, r.version, {
      type: 'NOTIFIER_DECOMPTE_GENERAL',
      cadre: 'A18',
      numero: 'DG-DELEGUE-01',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // CCAG-T 2021 art. 12.4.3: the titulaire answers within 30 days of 16 June → Friday 16 July 2027
    expect(r.body).toMatchObject({
      etat: 'SIGNATURE_DG_TITULAIRE',
      attente: { acteur: { siret: S.mandataire }, dernierJour: '2027-07-16' },
    });

    // Friday 18 June: signed (A8) = DGD; its DGP starts that day: échéance 18 June + 30 = 18 July 2027
    await at('2027-06-18T10:00:00+02:00');
    r = await w.follow(w.as.mandataire, opened.id, r.version, {
      type: 'SIGNER_DG',
      cadre: 'A8',
      numero: 'DGD-DELEGUE-01',
      montants: M('50000.00', '10000.00', '60000.00'),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.etat).toBe('TRAITEMENT_SERVICE_FINANCIER');
    expect(r.body.delai).toMatchObject({ debut: '2027-06-18', echeance: '2027-07-18' });
    expect((await read(w.as.moe, opened.id)).pieces.map((p: Json) => p.cadre)).toEqual(['A7', 'A17', 'A18', 'A8']);
  });
});

describe('the MOA suspends the DGP (once per dossier, shared with the service financier)', () => {
  it('suspends with the missing documents, restarts on the answer, and refuses the service financier’s suspension', async () => {
    const w = world();
    // Monday 6 September 2027: PDM on the demo marché (received by the MOE): day 0; échéance 6 Sept + 30 = 6 Oct
    await at('2027-09-06T10:00:00+02:00');
    const opened = await w.open(w.as.mandataire, {
      cadre: 'A4',
      numero: 'PDM-SUSP-09',
      montants: M('10000.00', '2000.00', '12000.00'),
    });
    let r = await w.follow(w.as.moe, opened.dossierId, opened.version, {
      type: 'DEPOSER_ETAT_ACOMPTE',
      cadre: 'A15',
      numero: 'EA-SUSP-09',
      montants: M('10000.00', '2000.00', '12000.00'),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);

    // Wednesday 15 September: the MOA suspends; days left = 15 Sept → 6 Oct = 21
    await at('2027-09-15T10:00:00+02:00');
    r = await w.act(w.as.moa, opened.dossierId, r.version, {
      type: 'SUSPENDRE',
      documentsManquants: ['Attestation d’assurance décennale'],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ etat: 'COMPLEMENT_FOURNISSEUR', statut: 'SUSPENDUE' });
    expect(r.body.delai).toMatchObject({
      statut: 'SUSPENDU',
      suspension: { le: '2027-09-15', documentsManquants: ['Attestation d’assurance décennale'] },
    });
    expect(r.body.delai.suspension.joursRestantsALaSuspension).toBe(21);

    // Monday 20 September: the documents; CCP R2192-29: new delay max(30, 21) = 30 days → échéance 20 Oct 2027
    await at('2027-09-20T10:00:00+02:00');
    r = await w.act(w.as.mandataire, opened.dossierId, r.version, {
      type: 'COMPLETER',
      documents: ['attestation-decennale.pdf'],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ etat: 'VALIDATION_MOA', delai: { statut: 'EN_COURS', echeance: '2027-10-20' } });
    expect(types((await w.as.moa.get(`/v1/dossiers/${opened.dossierId}`)).body.mesActions)).toEqual([
      'VALIDER_ETAT_ACOMPTE',
      'REFUSER_MOA',
    ]);

    r = await w.follow(w.as.moa, opened.dossierId, r.version, {
      type: 'VALIDER_ETAT_ACOMPTE',
      cadre: 'A19',
      numero: 'EAV-SUSP-09',
      montants: M('10000.00', '2000.00', '12000.00'),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // CCP R2192-27: the one suspension is used; the service financier's is refused
    const second = await w.act(w.as.serviceFinancier, opened.dossierId, r.version, {
      type: 'SUSPENDRE',
      documentsManquants: ['RIB'],
    });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('SUSPENSION_DEJA_UTILISEE');
  });
});
