import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../../../shared/seed/demo';
import { usePlatform } from '../../../setup/platform';
import { call, exercised, expectProblem, freshSiret, login, newUser, seed } from './http';

/** The fiche d'identité du marché over HTTP (docs/rules/marche.md): creation, reading, avenant, list per structure. */

const platform = usePlatform();
const s = DEMO.sirets;

let moa: string;
let titulaire: string;
let consultation: string;
let attente: string;

/** A valid fiche on the demo structures, as a client writes it (amounts and rates as decimal strings). */
function fiche(numero: string): Record<string, unknown> {
  return {
    numeroMarche: numero,
    objet: 'Extension du gymnase — lot 1 gros œuvre',
    lots: ['Lot 1 — Gros œuvre'],
    ccagVersion: '2021',
    acteurs: [
      {
        role: 'MOA',
        siret: s.moa,
        raisonSociale: 'Commune de Bellerive (démo)',
        codeService: DEMO.codeService,
        engagementJuridique: 'EJ-2025-000777',
      },
      { role: 'MOE', siret: s.moe, raisonSociale: 'Atelier Archi Démo' },
      { role: 'TITULAIRE', siret: s.mandataire, raisonSociale: 'Bâtiment Démo SAS' },
      {
        role: 'SOUS_TRAITANT',
        siret: s.sousTraitant,
        raisonSociale: 'Électricité Démo',
        paiementDirect: true,
        montantSousTraiteTtc: '12000.50',
        valideurSiret: s.mandataire,
      },
      { role: 'SERVICE_FINANCIER', siret: s.serviceFinancier, raisonSociale: 'Service de gestion comptable (démo)' },
    ],
    groupement: { mode: 'NONE' },
    montantInitialHt: '684500.00',
    tauxTva: ['20', '5.5'],
    retenueGarantie: '5',
    avance: { taux: '10' },
    dgpJours: 30,
    dateNotification: '2025-02-03',
  };
}

beforeAll(async () => {
  await seed(platform());
  const p = platform();
  [moa, titulaire, consultation, attente] = await Promise.all([
    login(p, DEMO.users.moa.login),
    login(p, DEMO.users.mandataire.login),
    login(p, DEMO.users.consultation.login),
    login(p, DEMO.users.pending.login),
  ]);
});

describe('POST /v1/marches', () => {
  it('creates the fiche for the MOA; amounts and rates come back as decimal strings', async () => {
    const p = platform();
    const res = await call(p, 'POST', '/v1/marches', { token: moa, body: fiche('2025-API-001') });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v1/marches/${res.body.id}`);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.body).toMatchObject({
      numeroMarche: '2025-API-001',
      version: 1,
      montantInitialHt: '684500.00',
      tauxTva: ['20.00', '5.50'],
      retenueGarantie: '5.00',
      avance: { taux: '10.00' },
      dgpJours: 30,
      delaiMoeJours: 7,
      receptionDemandesPaiement: 'MOE',
      typeAcheteur: 'ETAT_COLLECTIVITE',
      // the reminder before each deadline: 3 days unless the fiche says otherwise
      rappelJoursAvant: 3,
      groupement: { mode: 'NONE', facturationCotraitants: 'PIECES_PROPRES_VALIDEES_PAR_MANDATAIRE' },
      creePar: DEMO.users.moa.id,
    });
    expect(res.body.acteurs).toContainEqual(
      expect.objectContaining({ role: 'SOUS_TRAITANT', montantSousTraiteTtc: '12000.50', paiementDirect: true }),
    );
  });

  it('refuses anyone but the MOA in MODIFICATION: the titulaire, the commune’s consultation user', async () => {
    const p = platform();
    for (const token of [titulaire, consultation, attente]) {
      expectProblem(
        await call(p, 'POST', '/v1/marches', { token, body: fiche('2025-API-REFUS') }),
        403,
        'CREATION_MARCHE_RESERVEE_MOA',
      );
    }
    const list = await call(p, 'GET', '/v1/structures/{siret}/marches', { token: moa, params: { siret: s.moa } });
    expect(list.body.marches.map((m: { numeroMarche: string }) => m.numeroMarche)).not.toContain('2025-API-REFUS');
  });

  it('refuses a fiche the rule book rejects, naming each field by its wire name', async () => {
    const p = platform();
    const bad = { ...fiche('2025-API-002'), dgpJours: 45, retenueGarantie: '6', delaiMoeJours: 20 };
    const res = await call(p, 'POST', '/v1/marches', { token: moa, body: bad });
    expectProblem(res, 422, 'MARCHE_INVALIDE');
    expect(res.body.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      'delaiMoeJours',
      'dgpJours',
      'retenueGarantie',
    ]);
    const badSiret = fiche('2025-API-003');
    (badSiret.acteurs as { siret: string }[])[1]!.siret = '83876704400013';
    const r2 = await call(p, 'POST', '/v1/marches', { token: moa, body: badSiret });
    expectProblem(r2, 422, 'MARCHE_INVALIDE');
    expect(r2.body.fields).toEqual([expect.objectContaining({ path: 'acteurs.1.siret' })]);
    // Types are checked first: a decimal comma is no amount
    const comma = await call(p, 'POST', '/v1/marches', {
      token: moa,
      body: { ...fiche('2025-API-004'), montantInitialHt: '12,50' },
    });
    expectProblem(comma, 422, 'DONNEES_INVALIDES');
    expect(comma.body.fields).toEqual([expect.objectContaining({ path: 'montantInitialHt' })]);
    // A reminder is sent 1 to 15 days before a deadline
    const rappel = await call(p, 'POST', '/v1/marches', {
      token: moa,
      body: { ...fiche('2025-API-005'), rappelJoursAvant: 16 },
    });
    expectProblem(rappel, 422, 'DONNEES_INVALIDES');
    expect(rappel.body.fields).toEqual([expect.objectContaining({ path: 'rappelJoursAvant' })]);
  });

  it('refuses a fiche without the engagement number the MOA’s directory makes mandatory', async () => {
    const p = platform();
    const f = fiche('2025-API-005');
    delete (f.acteurs as { engagementJuridique?: string }[])[0]!.engagementJuridique;
    expectProblem(await call(p, 'POST', '/v1/marches', { token: moa, body: f }), 422, 'ENGAGEMENT_OBLIGATOIRE');
  });

  it('replays an idempotent creation: the first answer, one marché', async () => {
    const p = platform();
    const body = fiche('2025-API-REJEU');
    const first = await call(p, 'POST', '/v1/marches', { token: moa, body, idempotencyKey: 'marche-rejeu-1' });
    const second = await call(p, 'POST', '/v1/marches', { token: moa, body, idempotencyKey: 'marche-rejeu-1' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    const list = await call(p, 'GET', '/v1/structures/{siret}/marches', { token: moa, params: { siret: s.moa } });
    expect(list.body.marches.filter((m: { numeroMarche: string }) => m.numeroMarche === '2025-API-REJEU')).toHaveLength(
      1,
    );
  });
});

describe('GET and PUT /v1/marches/{marcheId}', () => {
  it('lets the acteurs read it, the MOA amend it with If-Match; refuses strangers and pending users', async () => {
    const p = platform();
    const created = await call(p, 'POST', '/v1/marches', { token: moa, body: fiche('2025-API-010') });
    const params = { marcheId: created.body.id };
    const read = await call(p, 'GET', '/v1/marches/{marcheId}', { token: titulaire, params });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    expect((await call(p, 'GET', '/v1/marches/{marcheId}', { token: consultation, params })).status).toBe(200);
    expectProblem(
      await call(p, 'GET', '/v1/marches/{marcheId}', { token: attente, params }),
      403,
      'RATTACHEMENT_EN_ATTENTE',
    );
    const stranger = await newUser(p);
    await call(p, 'POST', '/v1/structures', {
      token: stranger.token,
      body: { siret: freshSiret(), raisonSociale: 'Hors marché', type: 'PRIVE', espaces: ['FACTURES_TRAVAUX'] },
    });
    expectProblem(
      await call(p, 'GET', '/v1/marches/{marcheId}', { token: stranger.token, params }),
      403,
      'STRUCTURE_HORS_MARCHE',
    );
    expectProblem(
      await call(p, 'GET', '/v1/marches/{marcheId}', {
        token: titulaire,
        params: { marcheId: '01JZ0AAAAAAAAAAAAAAAAAAAAA' },
      }),
      404,
      'MARCHE_INCONNU',
    );

    const avenant = {
      ...fiche('2025-API-010'),
      objet: 'Extension du gymnase — avenant n° 1',
      montantInitialHt: '700000',
    };
    expectProblem(
      await call(p, 'PUT', '/v1/marches/{marcheId}', { token: moa, params, body: avenant }),
      428,
      'PRECONDITION_REQUISE',
    );
    expectProblem(
      await call(p, 'PUT', '/v1/marches/{marcheId}', { token: moa, params, body: avenant, ifMatch: 7 }),
      412,
      'VERSION_PERIMEE',
    );
    expectProblem(
      await call(p, 'PUT', '/v1/marches/{marcheId}', { token: consultation, params, body: avenant, ifMatch: 1 }),
      403,
      'CREATION_MARCHE_RESERVEE_MOA',
    );
    const amended = await call(p, 'PUT', '/v1/marches/{marcheId}', { token: moa, params, body: avenant, ifMatch: 1 });
    expect(amended.status).toBe(200);
    expect(amended.headers.get('etag')).toBe('"2"');
    expect(amended.body).toMatchObject({ version: 2, objet: avenant.objet, montantInitialHt: '700000.00' });
    // The version read before the avenant is stale now
    expectProblem(
      await call(p, 'PUT', '/v1/marches/{marcheId}', { token: moa, params, body: fiche('2025-API-010'), ifMatch: 1 }),
      412,
      'VERSION_PERIMEE',
    );
    expect((await call(p, 'GET', '/v1/marches/{marcheId}', { token: titulaire, params })).body.objet).toBe(
      avenant.objet,
    );
  });
});

describe('GET /v1/structures/{siret}/marches', () => {
  it('lists the marchés of a structure with its roles, for its members only', async () => {
    const p = platform();
    const res = await call(p, 'GET', '/v1/structures/{siret}/marches', {
      token: titulaire,
      params: { siret: s.mandataire },
    });
    expect(res.status).toBe(200);
    expect(res.body.marches).toContainEqual({
      id: DEMO.marcheId,
      numeroMarche: DEMO.numeroMarche,
      objet: expect.any(String),
      roles: ['MANDATAIRE'],
    });
    expectProblem(
      await call(p, 'GET', '/v1/structures/{siret}/marches', { token: titulaire, params: { siret: s.moa } }),
      403,
      'UTILISATEUR_NON_RATTACHE',
    );
    expectProblem(
      await call(p, 'GET', '/v1/structures/{siret}/marches', { token: attente, params: { siret: s.mandataire } }),
      403,
      'RATTACHEMENT_EN_ATTENTE',
    );
  });
});

describe('documentation', () => {
  it('answered every operation of this file with a documented success whose body matched its schema', () => {
    const expected = ['creerMarche 201', 'lireMarche 200', 'modifierMarche 200', 'listerMarchesStructure 200'];
    expect(expected.filter((e) => !exercised.has(e))).toEqual([]);
  });
});
