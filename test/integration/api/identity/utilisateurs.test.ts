import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../../../shared/seed/demo';
import { usePlatform } from '../../../setup/platform';
import { call, exercised, expectProblem, freshSiret, login, newUser, seed, tokenFor } from './http';

/** Users, attachments and the management of members over HTTP (docs/rules/structures.md#managers). */

const platform = usePlatform();

let titulaire: string; // GP of the mandataire (demo)
let cotraitant: string; // GP of another structure
let consultation: string; // plain member (UTILISATEUR) of the commune, CONSULTATION
let attente: string; // asked to join the mandataire, still pending

beforeAll(async () => {
  await seed(platform());
  const p = platform();
  [titulaire, cotraitant, consultation, attente] = await Promise.all([
    login(p, DEMO.users.mandataire.login),
    login(p, DEMO.users.cotraitant.login),
    login(p, DEMO.users.consultation.login),
    login(p, DEMO.users.pending.login),
  ]);
});

describe('POST /v1/utilisateurs', () => {
  it('registers the authenticated person; contact address defaults to the login address', async () => {
    const p = platform();
    const token = await tokenFor(p, 'u-inscription-1', 'Jeanne.Martin@Essai.test');
    const res = await call(p, 'POST', '/v1/utilisateurs', {
      token,
      body: { adresseConnexion: 'Jeanne.Martin@Essai.test' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/v1/moi');
    expect(res.body).toMatchObject({
      id: 'u-inscription-1',
      adresseConnexion: 'jeanne.martin@essai.test',
      adresseContact: 'jeanne.martin@essai.test',
      actif: true,
      version: 1,
    });
    // The account now signs in through the gateway like any other
    const again = await login(p, 'jeanne.martin@essai.test');
    expect((await call(p, 'GET', '/v1/moi', { token: again })).body.utilisateur.id).toBe('u-inscription-1');
  });

  it('refuses a login address already used (any case), another address than the token’s, an invalid one', async () => {
    const p = platform();
    const other = await tokenFor(p, 'u-inscription-2', 'TITULAIRE@demo.test');
    expectProblem(
      await call(p, 'POST', '/v1/utilisateurs', { token: other, body: { adresseConnexion: 'TITULAIRE@demo.test' } }),
      409,
      'ADRESSE_CONNEXION_DEJA_UTILISEE',
    );
    const mismatch = await tokenFor(p, 'u-inscription-3', 'vraie@essai.test');
    expectProblem(
      await call(p, 'POST', '/v1/utilisateurs', { token: mismatch, body: { adresseConnexion: 'autre@essai.test' } }),
      403,
      'ADRESSE_CONNEXION_DIFFERENTE_DU_JETON',
    );
    const noEmail = await tokenFor(p, 'u-inscription-4', null);
    expectProblem(
      await call(p, 'POST', '/v1/utilisateurs', { token: noEmail, body: { adresseConnexion: 'pas-une-adresse' } }),
      422,
      'ADRESSE_INVALIDE',
    );
    expectProblem(await call(p, 'GET', '/v1/moi', { token: noEmail }), 404, 'UTILISATEUR_INCONNU');
  });

  it('replays an idempotent registration: same answer, one account', async () => {
    const p = platform();
    const token = await tokenFor(p, 'u-rejeu', 'rejeu@essai.test');
    const body = { adresseConnexion: 'rejeu@essai.test', adresseContact: 'contact.rejeu@essai.test' };
    const first = await call(p, 'POST', '/v1/utilisateurs', { token, body, idempotencyKey: 'inscription-rejeu-1' });
    const second = await call(p, 'POST', '/v1/utilisateurs', { token, body, idempotencyKey: 'inscription-rejeu-1' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    // A new key is a new request: the account exists, once
    expectProblem(await call(p, 'POST', '/v1/utilisateurs', { token, body }), 409, 'ADRESSE_CONNEXION_DEJA_UTILISEE');
    expectProblem(
      await call(p, 'POST', '/v1/utilisateurs', {
        token,
        body: { adresseConnexion: 'rejeu@essai.test' },
        idempotencyKey: 'inscription-rejeu-1',
      }),
      422,
      'IDEMPOTENCY_KEY_REUTILISEE',
    );
    expectProblem(
      await call(p, 'POST', '/v1/utilisateurs', { token, body, idempotencyKey: null }),
      428,
      'IDEMPOTENCY_KEY_REQUISE',
    );
  });
});

describe('GET and PATCH /v1/moi', () => {
  it('shows the user with its structures, roles and spaces, the pending request included', async () => {
    const p = platform();
    const res = await call(p, 'GET', '/v1/moi', { token: attente });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(`"${res.body.utilisateur.version}"`);
    expect(res.body.utilisateur).toMatchObject({
      id: DEMO.users.pending.id,
      adresseConnexion: DEMO.users.pending.login,
    });
    expect(res.body.structures).toEqual([
      expect.objectContaining({
        siret: DEMO.sirets.mandataire,
        raisonSociale: 'Bâtiment Démo SAS',
        statut: 'EN_ATTENTE',
        role: 'UTILISATEUR',
        espaces: [{ espace: 'FACTURES_TRAVAUX', mode: 'MODIFICATION' }],
      }),
    ]);
    const lecteur = await call(p, 'GET', '/v1/moi', { token: consultation });
    expect(lecteur.body.structures).toEqual([
      expect.objectContaining({
        siret: DEMO.sirets.moa,
        statut: 'ACCEPTE',
        role: 'UTILISATEUR',
        espaces: [{ espace: 'FACTURES_TRAVAUX', mode: 'CONSULTATION' }],
      }),
    ]);
  });

  it('changes the contact address with If-Match; 428 without, 412 when stale; the login address never changes', async () => {
    const p = platform();
    const me = await newUser(p, 'profil');
    const read = await call(p, 'GET', '/v1/moi', { token: me.token });
    const version = read.body.utilisateur.version as number;
    const body = { adresseContact: 'secretariat@essai.test' };
    expectProblem(await call(p, 'PATCH', '/v1/moi', { token: me.token, body }), 428, 'PRECONDITION_REQUISE');
    expectProblem(
      await call(p, 'PATCH', '/v1/moi', { token: me.token, body, ifMatch: version + 1 }),
      412,
      'VERSION_PERIMEE',
    );
    expectProblem(
      await call(p, 'PATCH', '/v1/moi', { token: me.token, body, ifMatch: '*' }),
      400,
      'PRECONDITION_INVALIDE',
    );
    const changed = await call(p, 'PATCH', '/v1/moi', { token: me.token, body, ifMatch: version });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ adresseContact: 'secretariat@essai.test', adresseConnexion: me.login });
    expect(changed.headers.get('etag')).toBe(`"${version + 1}"`);
    // The version read before is now stale
    expectProblem(
      await call(p, 'PATCH', '/v1/moi', { token: me.token, body: { adresseContact: null }, ifMatch: version }),
      412,
      'VERSION_PERIMEE',
    );
    expectProblem(
      await call(p, 'PATCH', '/v1/moi', {
        token: me.token,
        body: { adresseConnexion: 'nouvelle@essai.test' },
        ifMatch: version + 1,
      }),
      409,
      'ADRESSE_CONNEXION_IMMUABLE',
    );
    const reset = await call(p, 'PATCH', '/v1/moi', {
      token: me.token,
      body: { adresseConnexion: me.login.toUpperCase(), adresseContact: null },
      ifMatch: version + 1,
    });
    expect(reset.status).toBe(200);
    expect(reset.body.adresseContact).toBe(me.login);
  });
});

describe('attachments (rattachements)', () => {
  it('asks, waits, and is decided by a gestionnaire only, once', async () => {
    const p = platform();
    const me = await newUser(p, 'candidat');
    const params = { siret: DEMO.sirets.mandataire };
    const asked = await call(p, 'POST', '/v1/structures/{siret}/rattachements', {
      token: me.token,
      params,
      body: { espaces: [{ espace: 'FACTURES_A_VALIDER', mode: 'MODIFICATION' }] },
    });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ statut: 'EN_ATTENTE', role: 'UTILISATEUR', userId: me.userId });
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/rattachements', { token: me.token, params }),
      409,
      'RATTACHEMENT_EXISTANT',
    );
    // While pending: nothing of the structure is visible
    expectProblem(
      await call(p, 'GET', '/v1/structures/{siret}/synthese', { token: me.token, params }),
      403,
      'RATTACHEMENT_EN_ATTENTE',
    );
    const decision = { siret: DEMO.sirets.mandataire, userId: me.userId };
    // Not a gestionnaire of this structure: the GP of another one, a pending user, a plain member elsewhere
    for (const token of [cotraitant, attente, consultation]) {
      expectProblem(
        await call(p, 'POST', '/v1/structures/{siret}/rattachements/{userId}/decision', {
          token,
          params: decision,
          body: { decision: 'ACCEPTER' },
        }),
        403,
        'GESTION_RESERVEE_AUX_GESTIONNAIRES',
      );
    }
    const members = await call(p, 'GET', '/v1/structures/{siret}/membres', { token: titulaire, params });
    expect(members.body.membres).toContainEqual(expect.objectContaining({ userId: me.userId, statut: 'EN_ATTENTE' }));
    expectProblem(
      await call(p, 'GET', '/v1/structures/{siret}/membres', { token: me.token, params }),
      403,
      'GESTION_RESERVEE_AUX_GESTIONNAIRES',
    );
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/rattachements/{userId}/decision', {
        token: titulaire,
        params: decision,
        ifMatch: asked.body.version + 1,
        body: { decision: 'ACCEPTER' },
      }),
      412,
      'VERSION_PERIMEE',
    );
    const accepted = await call(p, 'POST', '/v1/structures/{siret}/rattachements/{userId}/decision', {
      token: titulaire,
      params: decision,
      ifMatch: asked.body.version,
      body: { decision: 'ACCEPTER' },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      statut: 'ACCEPTE',
      decidePar: DEMO.users.mandataire.id,
      espaces: [{ espace: 'FACTURES_A_VALIDER', mode: 'MODIFICATION' }],
    });
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/rattachements/{userId}/decision', {
        token: titulaire,
        params: decision,
        body: { decision: 'REFUSER' },
      }),
      409,
      'RATTACHEMENT_DEJA_TRAITE',
    );
    const synthese = await call(p, 'GET', '/v1/structures/{siret}/synthese', { token: me.token, params });
    expect(synthese.status).toBe(200);
  });

  it('refuses to ask for a space the structure has not enabled, and a decision on no request', async () => {
    const p = platform();
    const me = await newUser(p);
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/rattachements', {
        token: me.token,
        params: { siret: DEMO.sirets.moe },
        body: { espaces: [{ espace: 'FACTURES_A_VALIDER', mode: 'CONSULTATION' }] },
      }),
      409,
      'ESPACE_NON_ACTIVE',
    );
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/rattachements/{userId}/decision', {
        token: titulaire,
        params: { siret: DEMO.sirets.mandataire, userId: me.userId },
        body: { decision: 'ACCEPTER' },
      }),
      404,
      'RATTACHEMENT_INCONNU',
    );
  });
});

describe('managers: gestionnaire secondaire, GP transfer, spaces and modes', () => {
  it('lets the GP name a GS, who then decides requests but cannot name managers', async () => {
    const p = platform();
    const gp = await newUser(p, 'gp');
    const gs = await newUser(p, 'gs');
    const third = await newUser(p, 'tiers');
    const siret = freshSiret();
    await call(p, 'POST', '/v1/structures', {
      token: gp.token,
      body: { siret, raisonSociale: 'SARL Gestion', type: 'PRIVE', espaces: ['FACTURES_TRAVAUX'] },
    });
    const params = { siret };
    for (const u of [gs, third])
      await call(p, 'POST', '/v1/structures/{siret}/rattachements', { token: u.token, params });
    await call(p, 'POST', '/v1/structures/{siret}/rattachements/{userId}/decision', {
      token: gp.token,
      params: { siret, userId: gs.userId },
      body: { decision: 'ACCEPTER' },
    });
    // A plain member is no gestionnaire yet
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/rattachements/{userId}/decision', {
        token: gs.token,
        params: { siret, userId: third.userId },
        body: { decision: 'ACCEPTER' },
      }),
      403,
      'GESTION_RESERVEE_AUX_GESTIONNAIRES',
    );
    const named = await call(p, 'POST', '/v1/structures/{siret}/membres/{userId}/role', {
      token: gp.token,
      params: { siret, userId: gs.userId },
      body: { role: 'GESTIONNAIRE_SECONDAIRE' },
    });
    expect(named.status).toBe(200);
    expect(named.body.role).toBe('GESTIONNAIRE_SECONDAIRE');
    // Only the GP makes a gestionnaire secondaire
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/rattachements/{userId}/decision', {
        token: gs.token,
        params: { siret, userId: third.userId },
        body: { decision: 'ACCEPTER', role: 'GESTIONNAIRE_SECONDAIRE' },
      }),
      403,
      'GESTION_RESERVEE_AU_GP',
    );
    const byGs = await call(p, 'POST', '/v1/structures/{siret}/rattachements/{userId}/decision', {
      token: gs.token,
      params: { siret, userId: third.userId },
      body: { decision: 'ACCEPTER' },
    });
    expect(byGs.body).toMatchObject({ statut: 'ACCEPTE', decidePar: gs.userId, role: 'UTILISATEUR' });
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/membres/{userId}/role', {
        token: gs.token,
        params: { siret, userId: third.userId },
        body: { role: 'GESTIONNAIRE_SECONDAIRE' },
      }),
      403,
      'GESTION_RESERVEE_AU_GP',
    );

    // Spaces: a gestionnaire (here the GS) subscribes a member and sets its mode
    const sub = await call(p, 'POST', '/v1/structures/{siret}/membres/{userId}/espaces', {
      token: gs.token,
      params: { siret, userId: third.userId },
      body: { espace: 'FACTURES_TRAVAUX', mode: 'CONSULTATION' },
    });
    expect(sub.body.espaces).toEqual([{ espace: 'FACTURES_TRAVAUX', mode: 'CONSULTATION' }]);
    const up = await call(p, 'POST', '/v1/structures/{siret}/membres/{userId}/espaces', {
      token: gs.token,
      params: { siret, userId: third.userId },
      body: { espace: 'FACTURES_TRAVAUX', mode: 'MODIFICATION' },
    });
    expect(up.body.espaces).toEqual([{ espace: 'FACTURES_TRAVAUX', mode: 'MODIFICATION' }]);
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/membres/{userId}/espaces', {
        token: gs.token,
        params: { siret, userId: third.userId },
        body: { espace: 'FACTURES_A_VALIDER', mode: 'MODIFICATION' },
      }),
      409,
      'ESPACE_NON_ACTIVE',
    );
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/membres/{userId}/espaces', {
        token: third.token,
        params: { siret, userId: third.userId },
        body: { espace: 'FACTURES_TRAVAUX', mode: 'MODIFICATION' },
      }),
      403,
      'GESTION_RESERVEE_AUX_GESTIONNAIRES',
    );
  });

  it('hands the GP role to an approved member; the former GP becomes GS and can no longer hand it', async () => {
    const p = platform();
    const gp = await newUser(p, 'ancien-gp');
    const next = await newUser(p, 'nouveau-gp');
    const pending = await newUser(p, 'en-attente');
    const siret = freshSiret();
    await call(p, 'POST', '/v1/structures', {
      token: gp.token,
      body: { siret, raisonSociale: 'SAS Relais', type: 'PRIVE' },
    });
    const params = { siret };
    for (const u of [next, pending])
      await call(p, 'POST', '/v1/structures/{siret}/rattachements', { token: u.token, params });
    await call(p, 'POST', '/v1/structures/{siret}/rattachements/{userId}/decision', {
      token: gp.token,
      params: { siret, userId: next.userId },
      body: { decision: 'ACCEPTER' },
    });
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/gestionnaire-principal', {
        token: gp.token,
        params,
        body: { userId: pending.userId },
      }),
      409,
      'UTILISATEUR_NON_RATTACHE',
    );
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/gestionnaire-principal', {
        token: next.token,
        params,
        body: { userId: next.userId },
      }),
      403,
      'GESTION_RESERVEE_AU_GP',
    );
    const res = await call(p, 'POST', '/v1/structures/{siret}/gestionnaire-principal', {
      token: gp.token,
      params,
      body: { userId: next.userId },
    });
    expect(res.status).toBe(200);
    expect(res.body.ancien).toMatchObject({ userId: gp.userId, role: 'GESTIONNAIRE_SECONDAIRE' });
    expect(res.body.nouveau).toMatchObject({ userId: next.userId, role: 'GESTIONNAIRE_PRINCIPAL' });
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/gestionnaire-principal', {
        token: gp.token,
        params,
        body: { userId: gp.userId },
      }),
      403,
      'GESTION_RESERVEE_AU_GP',
    );
    // Only the new GP resets the technical password now
    expect(
      (
        await call(p, 'POST', '/v1/structures/{siret}/compte-technique/mot-de-passe', {
          token: next.token,
          params,
          body: { motDePasse: 'Nouveau-Gp-2025' },
        })
      ).status,
    ).toBe(200);
  });
});

describe('deactivating an account (POST /v1/moi/desactivation, POST /v1/utilisateurs/{userId}/desactivation)', () => {
  it('hands the GP role to the gestionnaire secondaire who signed in last, records it, and locks the account out', async () => {
    const p = platform();
    const gp = await newUser(p, 'gp-partant');
    const gsEarly = await newUser(p, 'gs-tot');
    const gsLate = await newUser(p, 'gs-tard');
    const siret = freshSiret();
    await call(p, 'POST', '/v1/structures', {
      token: gp.token,
      body: { siret, raisonSociale: 'SAS Succession', type: 'PRIVE' },
    });
    const params = { siret };
    for (const u of [gsEarly, gsLate]) {
      await call(p, 'POST', '/v1/structures/{siret}/rattachements', { token: u.token, params });
      const decided = await call(p, 'POST', '/v1/structures/{siret}/rattachements/{userId}/decision', {
        token: gp.token,
        params: { siret, userId: u.userId },
        body: { decision: 'ACCEPTER', role: 'GESTIONNAIRE_SECONDAIRE' },
      });
      expect(decided.status).toBe(200);
    }
    // gs-tard signs in after gs-tot: it is the most recent last login when the GP leaves
    await call(p, 'POST', '/v1/moi/connexions', { token: gsEarly.token });
    await p.advanceClock({ minutes: 5 });
    await call(p, 'POST', '/v1/moi/connexions', { token: gsLate.token });

    // Nobody but an operator deactivates someone else
    expectProblem(
      await call(p, 'POST', '/v1/utilisateurs/{userId}/desactivation', {
        token: gsLate.token,
        params: { userId: gp.userId },
      }),
      403,
      'ROLE_OPERATEUR_REQUIS',
    );

    const res = await call(p, 'POST', '/v1/moi/desactivation', { token: gp.token });
    expect(res.status).toBe(200);
    expect(res.body.utilisateur).toMatchObject({ id: gp.userId, actif: false });
    expect(res.body.successions).toEqual([{ siret, nouveauGestionnairePrincipal: gsLate.userId }]);

    const membres = await call(p, 'GET', '/v1/structures/{siret}/membres', { token: gsLate.token, params });
    const roleOf = (id: string) => membres.body.membres.find((m: { userId: string }) => m.userId === id)?.role;
    expect([roleOf(gp.userId), roleOf(gsEarly.userId), roleOf(gsLate.userId)]).toEqual([
      'UTILISATEUR',
      'GESTIONNAIRE_SECONDAIRE',
      'GESTIONNAIRE_PRINCIPAL',
    ]);
    // Recorded in the structure's history, which its members read
    const structure = await call(p, 'GET', '/v1/structures/{siret}', { token: gsEarly.token, params });
    expect(structure.body.historiqueGestionnairePrincipal).toEqual([
      {
        le: expect.any(String),
        ancien: gp.userId,
        nouveau: gsLate.userId,
        motif: 'DESACTIVATION',
      },
    ]);
    // The deactivated account can no longer manage (nor act)
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/espaces', {
        token: gp.token,
        params,
        body: { espace: 'FACTURES_TRAVAUX' },
      }),
      403,
      'UTILISATEUR_DESACTIVE',
    );
  });
});

describe('the technical account (docs/rules/structures.md#technical-account)', () => {
  it('signs in with its password, acts for its structure, and is refused once its 424 days have passed', {
    timeout: 60_000,
  }, async () => {
    const p = platform();
    const siret = DEMO.sirets.mandataire;
    const params = { siret };
    const password = 'Compte-Technique-Demo-1';
    const set = await call(p, 'POST', '/v1/structures/{siret}/compte-technique/mot-de-passe', {
      token: titulaire,
      params,
      body: { motDePasse: password },
    });
    expect(set.status).toBe(200);
    const changedAt = Date.parse(set.body.motDePasseModifieLe);
    // Its GP sees the due date: 424 days × 86 400 000 ms after the change
    const seen = await call(p, 'GET', '/v1/structures/{siret}', { token: titulaire, params });
    expect(Date.parse(seen.body.compteTechnique.expireLe)).toBe(changedAt + 424 * 86_400_000);

    const signIn = (pw: string) =>
      fetch(`${p.url}/_local/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: `TECH_${siret}`, password: pw }),
      });
    const wrong = await signIn('Pas-Le-Bon-Mot-2');
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { code: string }).code).toBe('IDENTIFIANTS_INVALIDES');
    const signed = await signIn(password);
    expect(signed.status).toBe(200);
    const tech = (await signed.json()) as { token: string; userId: string };
    expect(tech.userId).toBe(`TECH_${siret}`);

    // It acts for the mandataire like a member in MODIFICATION: a draft A4 on the demo marché
    const draft = await call(p, 'POST', '/v1/marches/{marcheId}/pieces', {
      token: tech.token,
      params: { marcheId: DEMO.marcheId },
      body: { cadre: 'A4', numero: `TECH-${Date.now() % 100_000}` },
    });
    expect(draft.status).toBe(201);
    // It is a plain user of its structure: it does not manage it
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/compte-technique/mot-de-passe', {
        token: tech.token,
        params,
        body: { motDePasse: 'Autre-Mot-De-Passe-3' },
      }),
      403,
      'GESTION_RESERVEE_AU_GP',
    );

    // Day 423 + 20 h: still valid; its 12-hour token would run past day 424
    await p.advanceClock({ to: new Date(changedAt + 423 * 86_400_000 + 20 * 3_600_000) });
    const late = await signIn(password);
    expect(late.status).toBe(200);
    const lateToken = ((await late.json()) as { token: string }).token;
    // Day 424 + 1 h: the token has not expired, but the account has: refused at each request
    await p.advanceClock({ to: new Date(changedAt + 424 * 86_400_000 + 3_600_000) });
    expectProblem(
      await call(p, 'POST', '/v1/marches/{marcheId}/pieces', {
        token: lateToken,
        params: { marcheId: DEMO.marcheId },
        body: { cadre: 'A4', numero: `TECH-${Date.now() % 100_000}-2` },
      }),
      403,
      'COMPTE_TECHNIQUE_EXPIRE',
    );
    const refused = await signIn(password);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { code: string }).code).toBe('COMPTE_TECHNIQUE_EXPIRE');
    // A new password from the GP gives it 424 more days
    const titulaireNow = await login(p, DEMO.users.mandataire.login);
    expect(
      (
        await call(p, 'POST', '/v1/structures/{siret}/compte-technique/mot-de-passe', {
          token: titulaireNow,
          params,
          body: { motDePasse: 'Compte-Technique-Demo-2' },
        })
      ).status,
    ).toBe(200);
    expect((await signIn('Compte-Technique-Demo-2')).status).toBe(200);
  });

  it('gets tokens as a machine client (client credentials), acts for its structure, is refused past 424 days', {
    timeout: 60_000,
  }, async () => {
    const p = platform();
    const siret = DEMO.sirets.cotraitant;
    const params = { siret };
    // The clock may have been moved by the test above: sign in again
    const gp = await login(p, DEMO.users.cotraitant.login);
    const created = await call(p, 'POST', '/v1/structures/{siret}/compte-technique/client', { token: gp, params });
    expect(created.status).toBe(200);
    const { clientId, clientSecret, urlJeton, scope } = created.body;
    expect(urlJeton).toBe(`${p.url}/_local/oauth2/token`);
    const renewedAt = Date.parse(created.body.compteTechnique.motDePasseModifieLe);
    // The due date: 424 days × 86 400 000 ms after the renewal; the members see the client
    expect(Date.parse(created.body.compteTechnique.expireLe)).toBe(renewedAt + 424 * 86_400_000);
    const seen = await call(p, 'GET', '/v1/structures/{siret}', { token: gp, params });
    expect(seen.body.compteTechnique).toMatchObject({ login: `TECH_${siret}`, clientId });

    const tokenOf = (id: string, secret: string) =>
      fetch(urlJeton, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
      });
    const wrong = await tokenOf(clientId, 'pas-le-bon-secret');
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { code: string }).code).toBe('IDENTIFIANTS_INVALIDES');
    const granted = await tokenOf(clientId, clientSecret);
    expect(granted.status).toBe(200);
    const { access_token: access, token_type: type } = (await granted.json()) as Record<string, string>;
    expect(type).toBe('Bearer');

    // It acts as the technical account: a cotraitant's draft A12 on the demo marché
    const numero = `M2M-${renewedAt % 100_000}`;
    const draft = await call(p, 'POST', '/v1/marches/{marcheId}/pieces', {
      token: access,
      params: { marcheId: DEMO.marcheId },
      body: { cadre: 'A12', numero },
    });
    expect(draft.status).toBe(201);
    // … and only as a plain user: it cannot renew its own client
    expectProblem(
      await call(p, 'POST', '/v1/structures/{siret}/compte-technique/client', { token: access, params }),
      403,
      'GESTION_RESERVEE_AU_GP',
    );

    // A renewal replaces the secret: the old one no longer gets a token
    const renewed = await call(p, 'POST', '/v1/structures/{siret}/compte-technique/client', { token: gp, params });
    expect(renewed.body.clientId).toBe(clientId);
    expect((await tokenOf(clientId, clientSecret)).status).toBe(401);
    const fresh = renewed.body.clientSecret as string;
    const lastRenewal = Date.parse(renewed.body.compteTechnique.motDePasseModifieLe);
    // Day 423 + 23 h 30 after the renewal: a token still comes (valid one hour); day 424 + 1 min: that token has
    // not expired but the account has, so the API refuses it, and no new token is issued
    await p.advanceClock({ to: new Date(lastRenewal + 423 * 86_400_000 + 23.5 * 3_600_000) });
    const late = await tokenOf(clientId, fresh);
    expect(late.status).toBe(200);
    const lateToken = ((await late.json()) as { access_token: string }).access_token;
    await p.advanceClock({ to: new Date(lastRenewal + 424 * 86_400_000 + 60_000) });
    expectProblem(
      await call(p, 'POST', '/v1/marches/{marcheId}/pieces', {
        token: lateToken,
        params: { marcheId: DEMO.marcheId },
        body: { cadre: 'A12', numero: `${numero}-2` },
      }),
      403,
      'COMPTE_TECHNIQUE_EXPIRE',
    );
    const refused = await tokenOf(clientId, fresh);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('COMPTE_TECHNIQUE_EXPIRE');
  });
});

describe('documentation', () => {
  it('answered every operation of this file with a documented success whose body matched its schema', () => {
    const expected = [
      'inscrireUtilisateur 201',
      'lireMoi 200',
      'modifierMoi 200',
      'demanderRattachement 201',
      'deciderRattachement 200',
      'listerMembres 200',
      'modifierRoleMembre 200',
      'abonnerMembreEspace 200',
      'transfererGestionnairePrincipal 200',
      'desactiverMonCompte 200',
      'renouvelerClientTechnique 200',
    ];
    expect(expected.filter((e) => !exercised.has(e))).toEqual([]);
  });
});
