import { beforeAll, describe, expect, it } from 'vitest';
import { usePlatform } from '../../../setup/platform';
import { call, expectProblem, freshSiret, newUser, wrongKey } from './http';

/**
 * What the portal's « Activités du gestionnaire » and « Mon compte » add over HTTP (docs/rules/structures.md): the
 * SIRET checked as typed, the structure's card and services kept by its gestionnaires, the members listed with their
 * accounts, and the sign-ins recorded. One structure of this file: a GP, a GS and a plain member.
 */

const platform = usePlatform();

type Person = Awaited<ReturnType<typeof newUser>>;
let gp: Person;
let gs: Person;
let plain: Person;
let outsider: Person;
const siret = freshSiret();

beforeAll(async () => {
  const p = platform();
  [gp, gs, plain, outsider] = await Promise.all([
    newUser(p, 'gp'),
    newUser(p, 'gs'),
    newUser(p, 'membre'),
    newUser(p, 'dehors'),
  ]);
  const created = await call(p, 'POST', '/v1/structures', {
    token: gp.token,
    body: {
      siret,
      raisonSociale: 'Commune de Gestion',
      type: 'PUBLIC',
      services: [{ code: 'VOIRIE', libelle: 'Voirie' }],
      espaces: ['FACTURES_TRAVAUX'],
    },
  });
  expect(created.status).toBe(201);
  for (const [who, role] of [
    [gs, 'GESTIONNAIRE_SECONDAIRE'],
    [plain, 'UTILISATEUR'],
  ] as const) {
    expect(
      (await call(p, 'POST', '/v1/structures/{siret}/rattachements', { token: who.token, params: { siret } })).status,
    ).toBe(201);
    const decided = await call(p, 'POST', '/v1/structures/{siret}/rattachements/{userId}/decision', {
      token: gp.token,
      params: { siret, userId: who.userId },
      body: { decision: 'ACCEPTER', role },
    });
    expect(decided.status).toBe(200);
  }
});

const readStructure = async (token: string) =>
  call(platform(), 'GET', '/v1/structures/{siret}', { token, params: { siret } });

describe('GET /v1/verification-siret', () => {
  it('accepts a valid SIRET and says when a structure already holds it', async () => {
    const p = platform();
    const free = freshSiret();
    const ok = await call(p, 'GET', '/v1/verification-siret', { token: plain.token, query: { siret: free } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ siret: free, valide: true });
    const taken = await call(p, 'GET', '/v1/verification-siret', { token: plain.token, query: { siret } });
    expect(taken.body).toEqual({
      siret,
      valide: true,
      structureExistante: { siret, raisonSociale: expect.any(String), active: true },
    });
  });

  it('names the fault in French next to the field: length, then key', async () => {
    const p = platform();
    const short = await call(p, 'GET', '/v1/verification-siret', {
      token: plain.token,
      query: { siret: '2130020250' },
    });
    expectProblem(short, 422, 'SIRET_FORMAT');
    expect(short.body.fields).toEqual([{ path: 'siret', message: expect.stringContaining('14 chiffres attendus') }]);
    const key = await call(p, 'GET', '/v1/verification-siret', {
      token: plain.token,
      query: { siret: wrongKey(siret) },
    });
    expectProblem(key, 422, 'SIRET_CLE_INVALIDE');
    expect(key.body.detail).toContain('clé de contrôle invalide');
    // A La Poste establishment the rule book lists among real, valid SIRETs
    expect(
      (await call(p, 'GET', '/v1/verification-siret', { token: plain.token, query: { siret: '35600000000048' } }))
        .status,
    ).toBe(200);
    expect((await call(p, 'GET', '/v1/verification-siret', { query: { siret } })).status).toBe(401);
  });
});

describe('PATCH /v1/structures/{siret}', () => {
  it('lets a GS change the card at the version it read; the ETag moves on', async () => {
    const p = platform();
    const before = await readStructure(gs.token);
    const res = await call(p, 'PATCH', '/v1/structures/{siret}', {
      token: gs.token,
      params: { siret },
      ifMatch: before.body.version,
      body: { raisonSociale: 'Commune de Gestion-sur-Mer', parametresAnnuaire: { engagementObligatoire: true } },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(`"${before.body.version + 1}"`);
    expect(res.body).toMatchObject({
      raisonSociale: 'Commune de Gestion-sur-Mer',
      parametresAnnuaire: {
        codeServiceObligatoire: false,
        engagementObligatoire: true,
        moaPresente: false,
        statutMiseEnPaiementRemonte: false,
      },
      version: before.body.version + 1,
    });
  });

  it('refuses a stale version (412), a missing If-Match (428), an empty name (422), a plain member and an outsider (403), writing nothing', async () => {
    const p = platform();
    const before = await readStructure(gp.token);
    const v = before.body.version as number;
    const patch = (token: string, body: unknown, ifMatch?: number) =>
      call(p, 'PATCH', '/v1/structures/{siret}', { token, params: { siret }, body, ...(ifMatch ? { ifMatch } : {}) });
    expectProblem(await patch(gp.token, { raisonSociale: 'Périmée' }, v + 5), 412, 'VERSION_PERIMEE');
    expect((await patch(gp.token, { raisonSociale: 'Sans version' })).status).toBe(428);
    const empty = await patch(gp.token, { raisonSociale: '  ' }, v);
    expectProblem(empty, 422, 'RAISON_SOCIALE_OBLIGATOIRE');
    expect(empty.body.fields[0].path).toBe('raisonSociale');
    expectProblem(await patch(plain.token, { raisonSociale: 'Membre' }, v), 403, 'GESTION_RESERVEE_AUX_GESTIONNAIRES');
    expectProblem(
      await patch(outsider.token, { raisonSociale: 'Dehors' }, v),
      403,
      'GESTION_RESERVEE_AUX_GESTIONNAIRES',
    );
    const unknownField = await patch(gp.token, { siret: freshSiret() }, v);
    expect([400, 422]).toContain(unknownField.status);
    const after = await readStructure(gp.token);
    expect(after.body).toEqual(before.body);
  });

  it('refuses directory parameters on a private structure', async () => {
    const p = platform();
    const own = freshSiret();
    await call(p, 'POST', '/v1/structures', {
      token: outsider.token,
      body: { siret: own, raisonSociale: 'SARL Privée', type: 'PRIVE' },
    });
    const res = await call(p, 'PATCH', '/v1/structures/{siret}', {
      token: outsider.token,
      params: { siret: own },
      ifMatch: 1,
      body: { parametresAnnuaire: { codeServiceObligatoire: true } },
    });
    expectProblem(res, 422, 'PARAMETRES_ANNUAIRE_RESERVES_PUBLIC');
  });
});

describe('PATCH /v1/structures/{siret}/services/{code}', () => {
  it('switches a service off (never deletes it) and refuses an unknown code', async () => {
    const p = platform();
    const off = await call(p, 'PATCH', '/v1/structures/{siret}/services/{code}', {
      token: gp.token,
      params: { siret, code: 'VOIRIE' },
      body: { active: false },
    });
    expect(off.status).toBe(200);
    expect(off.body.services).toEqual([{ code: 'VOIRIE', libelle: 'Voirie', active: false }]);
    expectProblem(
      await call(p, 'PATCH', '/v1/structures/{siret}/services/{code}', {
        token: gp.token,
        params: { siret, code: 'INCONNU' },
        body: { active: false },
      }),
      404,
      'SERVICE_INCONNU',
    );
    expectProblem(
      await call(p, 'PATCH', '/v1/structures/{siret}/services/{code}', {
        token: plain.token,
        params: { siret, code: 'VOIRIE' },
        body: { active: true },
      }),
      403,
      'GESTION_RESERVEE_AUX_GESTIONNAIRES',
    );
  });
});

describe('changes of one structure sent at the same moment without If-Match', () => {
  it('applies every one of them, each on the structure as the others left it (no 412 for a version nobody named)', {
    timeout: 60_000,
  }, async () => {
    const p = platform();
    const before = await readStructure(gp.token);
    const codes = ['SIMUL-1', 'SIMUL-2', 'SIMUL-3', 'SIMUL-4'];
    const replies = await Promise.all([
      ...codes.map((code, i) =>
        call(p, 'POST', '/v1/structures/{siret}/services', {
          token: (i % 2 === 0 ? gp : gs).token,
          params: { siret },
          body: { code, libelle: `Service ${code}` },
        }),
      ),
      call(p, 'POST', '/v1/structures/{siret}/compte-technique/mot-de-passe', {
        token: gp.token,
        params: { siret },
        body: { motDePasse: 'Simultane-Technique-1' },
      }),
      call(p, 'POST', '/v1/structures/{siret}/compte-technique/client', { token: gp.token, params: { siret } }),
    ]);
    expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201, 200, 200]);
    const after = await readStructure(gp.token);
    // each of the 6 changes is one write of the structure: its version moved on by exactly 6
    expect(after.body.version).toBe(before.body.version + 6);
    expect(after.body.services.map((s: { code: string }) => s.code)).toEqual(
      expect.arrayContaining(['VOIRIE', ...codes]),
    );
    expect(after.body.compteTechnique).toMatchObject({ clientId: replies[5]?.body.clientId });
  });
});

describe('GET /v1/structures/{siret}/membres', () => {
  it('shows the gestionnaires each member’s account; refuses a plain member', async () => {
    const p = platform();
    const res = await call(p, 'GET', '/v1/structures/{siret}/membres', { token: gs.token, params: { siret } });
    expect(res.status).toBe(200);
    const byId = new Map(res.body.membres.map((m: { userId: string }) => [m.userId, m]));
    expect(byId.get(gp.userId)).toMatchObject({
      role: 'GESTIONNAIRE_PRINCIPAL',
      utilisateur: { adresseConnexion: gp.login, adresseContact: gp.login, actif: true },
    });
    expect(byId.get(plain.userId)).toMatchObject({
      role: 'UTILISATEUR',
      utilisateur: { adresseConnexion: plain.login },
    });
    expectProblem(
      await call(p, 'GET', '/v1/structures/{siret}/membres', { token: plain.token, params: { siret } }),
      403,
      'GESTION_RESERVEE_AUX_GESTIONNAIRES',
    );
  });
});

describe('POST /v1/moi/connexions', () => {
  it('records each sign-in and keeps the one before, shown by GET /v1/moi', async () => {
    const p = platform();
    const me = await newUser(p, 'connexions');
    const first = await call(p, 'POST', '/v1/moi/connexions', { token: me.token });
    expect(first.status).toBe(200);
    expect(first.body.derniereConnexionLe).toEqual(expect.any(String));
    expect(first.body.connexionPrecedenteLe).toBeUndefined();
    const second = await call(p, 'POST', '/v1/moi/connexions', { token: me.token });
    expect(second.body.connexionPrecedenteLe).toBe(first.body.derniereConnexionLe);
    const moi = await call(p, 'GET', '/v1/moi', { token: me.token });
    expect(moi.body.utilisateur).toMatchObject({
      derniereConnexionLe: second.body.derniereConnexionLe,
      connexionPrecedenteLe: first.body.derniereConnexionLe,
    });
    const ghost = await call(p, 'POST', '/v1/moi/connexions', {
      token: outsider.token.replace(
        /\.([^.])([^.]*)$/,
        (_m, c: string, rest: string) => `.${c === 'A' ? 'B' : 'A'}${rest}`,
      ),
    });
    expect(ghost.status).toBe(401);
  });
});
