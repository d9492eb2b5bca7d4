import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '../../../../shared/adapters/dynamo/document-client';
import { DEMO } from '../../../../shared/seed/demo';
import { usePlatform } from '../../../setup/platform';
import { call, exercised, expectProblem, freshSiret, login, newUser, seed, tokenFor, wrongKey } from './http';

/** Structures over HTTP (docs/rules/structures.md#siret-change): creation, directory, services, spaces, technical account, SIRET change. */

const platform = usePlatform();
const DAY_MS = 86_400_000;

let moa: string; // GP of the commune (public, codes service and engagement mandatory)
let consultation: string; // member of the commune, CONSULTATION only

beforeAll(async () => {
  await seed(platform());
  moa = await login(platform(), DEMO.users.moa.login);
  consultation = await login(platform(), DEMO.users.consultation.login);
});

describe('POST /v1/structures', () => {
  it('creates a structure whose creator becomes gestionnaire principal, subscribed in MODIFICATION', async () => {
    const p = platform();
    const me = await newUser(p, 'createur');
    const siret = freshSiret();
    const res = await call(p, 'POST', '/v1/structures', {
      token: me.token,
      body: {
        siret,
        raisonSociale: 'Mairie de Test',
        type: 'PUBLIC',
        services: [{ code: 'TRAVAUX', libelle: 'Service des travaux' }],
        parametresAnnuaire: { codeServiceObligatoire: true },
        espaces: ['FACTURES_TRAVAUX'],
      },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v1/structures/${siret}`);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.body).toMatchObject({
      siret,
      type: 'PUBLIC',
      active: true,
      services: [{ code: 'TRAVAUX', libelle: 'Service des travaux', active: true }],
      parametresAnnuaire: {
        codeServiceObligatoire: true,
        engagementObligatoire: false,
        moaPresente: false,
        statutMiseEnPaiementRemonte: false,
      },
      espaces: ['FACTURES_TRAVAUX'],
    });
    const moi = await call(p, 'GET', '/v1/moi', { token: me.token });
    expect(moi.status).toBe(200);
    expect(moi.body.structures).toEqual([
      expect.objectContaining({
        siret,
        raisonSociale: 'Mairie de Test',
        statut: 'ACCEPTE',
        role: 'GESTIONNAIRE_PRINCIPAL',
        espaces: [{ espace: 'FACTURES_TRAVAUX', mode: 'MODIFICATION' }],
      }),
    ]);
  });

  it('refuses an invalid SIRET, naming the fault', async () => {
    const p = platform();
    const me = await newUser(p);
    const body = { raisonSociale: 'Entreprise', type: 'PRIVE' };
    expectProblem(
      await call(p, 'POST', '/v1/structures', { token: me.token, body: { ...body, siret: wrongKey(freshSiret()) } }),
      422,
      'SIRET_CLE_INVALIDE',
    );
    const short = await call(p, 'POST', '/v1/structures', {
      token: me.token,
      body: { ...body, siret: '2130020250001' },
    });
    expectProblem(short, 422, 'SIRET_FORMAT');
    expect(short.body.detail).toContain('14 chiffres');
    // In the path, the SIRET is validated with the request
    const inPath = await call(p, 'GET', '/v1/structures/{siret}', {
      token: me.token,
      params: { siret: '21300202500013' },
    });
    expectProblem(inPath, 422, 'DONNEES_INVALIDES');
    expect(inPath.body.fields).toEqual([expect.objectContaining({ path: 'path.siret' })]);
    expect((await call(p, 'GET', '/v1/moi', { token: me.token })).body.structures).toEqual([]);
  });

  it('refuses a SIRET already registered, a private structure with directory parameters, an unregistered caller', async () => {
    const p = platform();
    const me = await newUser(p);
    expectProblem(
      await call(p, 'POST', '/v1/structures', {
        token: me.token,
        body: { siret: DEMO.sirets.moa, raisonSociale: 'Doublon', type: 'PUBLIC' },
      }),
      409,
      'SIRET_DEJA_ENREGISTRE',
    );
    expectProblem(
      await call(p, 'POST', '/v1/structures', {
        token: me.token,
        body: { siret: freshSiret(), raisonSociale: 'SARL', type: 'PRIVE', parametresAnnuaire: { moaPresente: true } },
      }),
      422,
      'PARAMETRES_ANNUAIRE_RESERVES_PUBLIC',
    );
    const stranger = await tokenFor(p, 'u-jamais-inscrit', 'jamais@essai.test');
    expectProblem(
      await call(p, 'POST', '/v1/structures', {
        token: stranger,
        body: { siret: freshSiret(), raisonSociale: 'SARL', type: 'PRIVE' },
      }),
      403,
      'UTILISATEUR_INCONNU',
    );
    expect((await call(p, 'POST', '/v1/structures', { body: {} })).status).toBe(401);
  });
});

describe('GET /v1/structures/{siret} and GET /v1/annuaire', () => {
  it('lets anyone authenticated read a structure; 404 for an unknown SIRET', async () => {
    const p = platform();
    const me = await newUser(p);
    const res = await call(p, 'GET', '/v1/structures/{siret}', { token: me.token, params: { siret: DEMO.sirets.moe } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ siret: DEMO.sirets.moe, type: 'PRIVE', raisonSociale: 'Atelier Archi Démo' });
    expectProblem(
      await call(p, 'GET', '/v1/structures/{siret}', { token: me.token, params: { siret: freshSiret() } }),
      404,
      'STRUCTURE_INCONNUE',
    );
  });

  it('finds public structures by the start of their name, with their directory parameters, and no private one', async () => {
    const p = platform();
    const me = await newUser(p);
    const res = await call(p, 'GET', '/v1/annuaire', { token: me.token, query: { nom: 'commune de bel' } });
    expect(res.status).toBe(200);
    expect(res.body.structures).toEqual([
      {
        siret: DEMO.sirets.moa,
        raisonSociale: 'Commune de Bellerive (démo)',
        parametresAnnuaire: {
          codeServiceObligatoire: true,
          engagementObligatoire: true,
          moaPresente: true,
          statutMiseEnPaiementRemonte: true,
        },
      },
    ]);
    const prive = await call(p, 'GET', '/v1/annuaire', { token: me.token, query: { nom: 'Atelier' } });
    expect(prive.body.structures).toEqual([]);
    expectProblem(await call(p, 'GET', '/v1/annuaire', { token: me.token }), 422, 'DONNEES_INVALIDES');
  });
});

describe('the public directory (GET /v1/annuaire, GET /v1/annuaire.csv without a token)', () => {
  it('is read without a token, by name prefix a page at a time, and by SIRET; refuses both or neither', async () => {
    const p = platform();
    const gp = await newUser(p, 'annuaire');
    // Three public structures whose names share a prefix, and a private one with the same prefix
    const sirets: string[] = [];
    for (const suffix of ['A', 'B', 'C']) {
      const siret = freshSiret();
      sirets.push(siret);
      const made = await call(p, 'POST', '/v1/structures', {
        token: gp.token,
        body: {
          siret,
          raisonSociale: `Syndicat Annuaire ${suffix}`,
          type: 'PUBLIC',
          espaces: ['FACTURES_TRAVAUX'],
          ...(suffix === 'B' ? { parametresAnnuaire: { moaPresente: true, engagementObligatoire: true } } : {}),
        },
      });
      expect(made.status).toBe(201);
    }
    const privee = await call(p, 'POST', '/v1/structures', {
      token: gp.token,
      body: { siret: freshSiret(), raisonSociale: 'Syndicat Annuaire Privé', type: 'PRIVE' },
    });
    expect(privee.status).toBe(201);

    // No token: pages of 2 in name order (A, B), then the last one (C) with no further cursor
    const first = await call(p, 'GET', '/v1/annuaire', { query: { nom: 'syndicat annuaire', limite: 2 } });
    expect(first.status).toBe(200);
    expect(first.body.structures.map((s: { raisonSociale: string }) => s.raisonSociale)).toEqual([
      'Syndicat Annuaire A',
      'Syndicat Annuaire B',
    ]);
    expect(typeof first.body.suivant).toBe('string');
    const second = await call(p, 'GET', '/v1/annuaire', {
      query: { nom: 'syndicat annuaire', limite: 2, suivant: first.body.suivant },
    });
    expect(second.body.structures.map((s: { siret: string }) => s.siret)).toEqual([sirets[2]]);
    expect(second.body.suivant).toBeUndefined();
    // Exactly a page's worth left: no cursor to an empty page
    const whole = await call(p, 'GET', '/v1/annuaire', { query: { nom: 'syndicat annuaire', limite: 3 } });
    expect(whole.body.structures).toHaveLength(3);
    expect(whole.body.suivant).toBeUndefined();

    // By SIRET: the public one, with only its public fields; a private structure is not in the directory
    const bySiret = await call(p, 'GET', '/v1/annuaire', { query: { siret: sirets[1]! } });
    expect(bySiret.body).toEqual({
      structures: [
        {
          siret: sirets[1],
          raisonSociale: 'Syndicat Annuaire B',
          parametresAnnuaire: {
            codeServiceObligatoire: false,
            engagementObligatoire: true,
            moaPresente: true,
            statutMiseEnPaiementRemonte: false,
          },
        },
      ],
    });
    expect((await call(p, 'GET', '/v1/annuaire', { query: { siret: privee.body.siret } })).body.structures).toEqual([]);

    // Bounded and checked: both criteria, a bad SIRET, more than 100 a page, a forged cursor, an unknown parameter
    expectProblem(
      await call(p, 'GET', '/v1/annuaire', { query: { nom: 'syndicat', siret: sirets[0]! } }),
      422,
      'DONNEES_INVALIDES',
    );
    expectProblem(await call(p, 'GET', '/v1/annuaire', { query: { siret: '123' } }), 422, 'DONNEES_INVALIDES');
    expectProblem(
      await call(p, 'GET', '/v1/annuaire', { query: { nom: 'syndicat', limite: 101 } }),
      422,
      'DONNEES_INVALIDES',
    );
    const forged = Buffer.from(JSON.stringify({ gsi2pk: 'USER#x', gsi2sk: 'x' })).toString('base64url');
    expectProblem(
      await call(p, 'GET', '/v1/annuaire', { query: { nom: 'syndicat', suivant: forged } }),
      422,
      'CURSEUR_INVALIDE',
    );
    // A real cursor of another prefix cannot list past it
    expectProblem(
      await call(p, 'GET', '/v1/annuaire', { query: { nom: 'commune', suivant: first.body.suivant } }),
      422,
      'CURSEUR_INVALIDE',
    );
    expectProblem(
      await call(p, 'GET', '/v1/annuaire', { query: { nom: 'syndicat', page: 2 } }),
      400,
      'PARAMETRE_INCONNU',
    );
  });

  it('downloads as a CSV that French spreadsheets open: UTF-8 with BOM, « ; », header then one row per structure', async () => {
    const p = platform();
    const gp = await newUser(p, 'csv');
    const a = freshSiret();
    const b = freshSiret();
    for (const [siret, raisonSociale] of [
      [a, 'Régie Tableur Eau; Assainissement'],
      [b, '=Régie Tableur Formule'],
    ] as const) {
      const made = await call(p, 'POST', '/v1/structures', {
        token: gp.token,
        body: { siret, raisonSociale, type: 'PUBLIC', parametresAnnuaire: { codeServiceObligatoire: true } },
      });
      expect(made.status).toBe(201);
    }
    const download = async (nom: string) => {
      const res = await fetch(`${p.url}/v1/annuaire.csv?nom=${encodeURIComponent(nom)}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="annuaire.csv"');
      expect(res.headers.get('x-annuaire-tronque')).toBe('false');
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the UTF-8 byte-order mark
      return new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes.slice(3)).split('\r\n');
    };
    const header =
      'SIRET;Raison sociale;Code service obligatoire;Engagement juridique obligatoire;MOA présente;Statut de mise en paiement remonté';
    // A « ; » inside a name is quoted; the file ends with a line end
    expect(await download('régie tableur')).toEqual([
      header,
      `${a};"Régie Tableur Eau; Assainissement";oui;non;non;non`,
      '',
    ]);
    // A name that starts like a formula is neutralised with a leading apostrophe (CSV injection)
    expect(await download('=régie')).toEqual([header, `${b};'=Régie Tableur Formule;oui;non;non;non`, '']);
    expect((await fetch(`${p.url}/v1/annuaire.csv?format=xls`)).status).toBe(400);
  });
});

describe('services and spaces', () => {
  it('lets a gestionnaire add a service, refuses a plain member and a duplicate code', async () => {
    const p = platform();
    const params = { siret: DEMO.sirets.moa };
    const added = await call(p, 'POST', '/v1/structures/{siret}/services', {
      token: moa,
      params,
      body: { code: 'SERV-VOIRIE', libelle: 'Voirie' },
    });
    expect(added.status).toBe(201);
    const list = await call(p, 'GET', '/v1/structures/{siret}/services', { token: consultation, params });
    expect(list.body.services.map((s: { code: string }) => s.code).sort()).toEqual(['SERV-TRAVAUX', 'SERV-VOIRIE']);
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/services', {
        token: consultation,
        params,
        body: { code: 'SERV-AUTRE', libelle: 'Autre' },
      }),
      403,
      'GESTION_RESERVEE_AUX_GESTIONNAIRES',
    );
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/services', {
        token: moa,
        params,
        body: { code: 'SERV-VOIRIE', libelle: 'Encore' },
      }),
      422,
      'SERVICE_EN_DOUBLE',
    );
  });

  it('lets a gestionnaire enable a space; refuses a user of another structure', async () => {
    const p = platform();
    const me = await newUser(p);
    const siret = freshSiret();
    await call(p, 'POST', '/v1/structures', { token: me.token, body: { siret, raisonSociale: 'SAS', type: 'PRIVE' } });
    const res = await call(p, 'POST', '/v1/structures/{siret}/espaces', {
      token: me.token,
      params: { siret },
      body: { espace: 'FACTURES_A_VALIDER' },
    });
    expect(res.status).toBe(200);
    expect(res.body.espaces).toEqual(['FACTURES_A_VALIDER']);
    expect(res.headers.get('etag')).toBe('"2"');
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/espaces', {
        token: moa,
        params: { siret },
        body: { espace: 'FACTURES_TRAVAUX' },
      }),
      403,
      'GESTION_RESERVEE_AUX_GESTIONNAIRES',
    );
  });
});

describe('POST /v1/structures/{siret}/compte-technique/mot-de-passe', () => {
  it('lets only the GP set a password of 12+ characters and 3 classes; stores only its hash; due in 424 days', async () => {
    const p = platform();
    const gp = await newUser(p);
    const siret = freshSiret();
    await call(p, 'POST', '/v1/structures', {
      token: gp.token,
      body: { siret, raisonSociale: 'SAS Tech', type: 'PRIVE' },
    });
    const params = { siret };
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/compte-technique/mot-de-passe', {
        token: gp.token,
        params,
        body: { motDePasse: 'courtmaisA1' },
      }),
      422,
      'MOT_DE_PASSE_TROP_FAIBLE',
    );
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/compte-technique/mot-de-passe', {
        token: gp.token,
        params,
        body: { motDePasse: 'seulementdesminuscules' },
      }),
      422,
      'MOT_DE_PASSE_TROP_FAIBLE',
    );
    // A gestionnaire secondaire is not enough
    const gs = await newUser(p);
    await call(p, 'POST', '/v1/structures/{siret}/rattachements', { token: gs.token, params });
    await call(p, 'POST', '/v1/structures/{siret}/rattachements/{userId}/decision', {
      token: gp.token,
      params: { siret, userId: gs.userId },
      body: { decision: 'ACCEPTER', role: 'GESTIONNAIRE_SECONDAIRE' },
    });
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/compte-technique/mot-de-passe', {
        token: gs.token,
        params,
        body: { motDePasse: 'Correct-Cheval-42' },
      }),
      403,
      'GESTION_RESERVEE_AU_GP',
    );

    const before = p.clock.now().getTime();
    const ok = await call(p, 'POST', '/v1/structures/{siret}/compte-technique/mot-de-passe', {
      token: gp.token,
      params,
      body: { motDePasse: 'Correct-Cheval-42' },
    });
    expect(ok.status).toBe(200);
    expect(JSON.stringify(ok.body)).not.toContain('Correct-Cheval-42');
    const changed = Date.parse(ok.body.motDePasseModifieLe);
    expect(changed).toBeGreaterThanOrEqual(before);
    expect(Date.parse(ok.body.expireLe) - changed).toBe(424 * DAY_MS);
    const { Item } = await p.clients.document.send(
      new GetCommand({ TableName: p.tableName, Key: { pk: `STRUCT#${siret}`, sk: 'CREDENTIAL#TECHNIQUE' } }),
    );
    expect(Item?.passwordHash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(Item)).not.toContain('Correct-Cheval-42');
    // Members see the account (never the password); others do not
    const asMember = await call(p, 'GET', '/v1/structures/{siret}', { token: gs.token, params });
    expect(asMember.body.compteTechnique).toEqual({
      login: ok.body.login,
      motDePasseModifieLe: ok.body.motDePasseModifieLe,
      expireLe: ok.body.expireLe,
    });
    const asOther = await call(p, 'GET', '/v1/structures/{siret}', { token: moa, params });
    expect(asOther.body.compteTechnique).toBeUndefined();
  });
});

describe('POST /v1/structures/{siret}/changement-siret', () => {
  it('deactivates the structure and copies it (services, members) without the technical account', async () => {
    const p = platform();
    const gp = await newUser(p);
    const member = await newUser(p);
    const oldSiret = freshSiret();
    const newSiret = freshSiret();
    await call(p, 'POST', '/v1/structures', {
      token: gp.token,
      body: {
        siret: oldSiret,
        raisonSociale: 'Mairie qui déménage',
        type: 'PUBLIC',
        services: [{ code: 'S1', libelle: 'Un' }],
        espaces: ['FACTURES_TRAVAUX'],
      },
    });
    const params = { siret: oldSiret };
    await call(p, 'POST', '/v1/structures/{siret}/rattachements', { token: member.token, params });
    await call(p, 'POST', '/v1/structures/{siret}/rattachements/{userId}/decision', {
      token: gp.token,
      params: { siret: oldSiret, userId: member.userId },
      body: { decision: 'ACCEPTER' },
    });
    await call(p, 'POST', '/v1/structures/{siret}/compte-technique/mot-de-passe', {
      token: gp.token,
      params,
      body: { motDePasse: 'Demenagement-2025!' },
    });

    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/changement-siret', {
        token: member.token,
        params,
        body: { nouveauSiret: newSiret },
      }),
      403,
      'GESTION_RESERVEE_AU_GP',
    );
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/changement-siret', {
        token: gp.token,
        params,
        body: { nouveauSiret: wrongKey(newSiret) },
      }),
      422,
      'SIRET_CLE_INVALIDE',
    );
    const current = await call(p, 'GET', '/v1/structures/{siret}', { token: gp.token, params });
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/changement-siret', {
        token: gp.token,
        params,
        ifMatch: Number(current.body.version) - 1,
        body: { nouveauSiret: newSiret },
      }),
      412,
      'VERSION_PERIMEE',
    );

    const res = await call(p, 'POST', '/v1/structures/{siret}/changement-siret', {
      token: gp.token,
      params,
      ifMatch: current.body.version,
      body: { nouveauSiret: newSiret },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v1/structures/${newSiret}`);
    expect(res.body.ancienne).toMatchObject({ siret: oldSiret, active: false, siretSuccesseur: newSiret });
    expect(res.body.nouvelle).toMatchObject({
      siret: newSiret,
      active: true,
      siretOrigine: oldSiret,
      raisonSociale: 'Mairie qui déménage',
      services: [{ code: 'S1', libelle: 'Un', active: true }],
      espaces: ['FACTURES_TRAVAUX'],
    });
    expect(res.body.nouvelle.compteTechnique).toBeUndefined();
    expect(res.body.ancienne.compteTechnique).toBeDefined();

    const moi = await call(p, 'GET', '/v1/moi', { token: member.token });
    expect(moi.body.structures.map((s: { siret: string; statut: string }) => `${s.siret} ${s.statut}`).sort()).toEqual(
      [`${newSiret} ACCEPTE`, `${oldSiret} ACCEPTE`].sort(),
    );
    // The old one is out of the directory and cannot change again
    const annuaire = await call(p, 'GET', '/v1/annuaire', { token: gp.token, query: { nom: 'Mairie qui déménage' } });
    expect(annuaire.body.structures.map((s: { siret: string }) => s.siret)).toEqual([newSiret]);
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/changement-siret', {
        token: gp.token,
        params,
        body: { nouveauSiret: freshSiret() },
      }),
      409,
      'STRUCTURE_INACTIVE',
    );
  });
});

describe('documentation', () => {
  it('answered every operation of this file with a documented success whose body matched its schema', () => {
    const expected = [
      'creerStructure 201',
      'lireStructure 200',
      'chercherAnnuaire 200',
      'listerServices 200',
      'ajouterService 201',
      'activerEspace 200',
      'changerSiret 201',
      'changerMotDePasseTechnique 200',
    ];
    expect(expected.filter((e) => !exercised.has(e))).toEqual([]);
  });
});
