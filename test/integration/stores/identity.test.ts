import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GetCommand, QueryCommand } from '../../../shared/adapters/dynamo/document-client';
import type { IdentityStore } from '../../../shared/adapters/dynamo/identity-store';
import { keys } from '../../../shared/adapters/dynamo/keys';
import { IdentityService } from '../../../shared/services/identity-service';
import { verifyPassword } from '../../../shared/services/technical-password';
import { domainErrorOf, type LocalDynamo, startLocalDynamo } from './local-table';

const T0 = new Date('2025-03-03T09:00:00Z');
const T1 = new Date('2025-03-04T10:00:00Z');
const T2 = new Date('2025-03-05T11:00:00Z');
const T3 = new Date('2025-03-06T12:00:00Z');
const COMMUNE = '21300202500012';
const ENTREPRISE = '83876704400012';
const NEW_SIRET = '53819959700013';

let dynamo: LocalDynamo;
let store: IdentityStore;
let svc: IdentityService;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});
beforeEach(async () => {
  ({ identity: store } = await dynamo.freshTable());
  svc = new IdentityService(store);
});

async function register(id: string) {
  return svc.registerUser({ id, loginAddress: `${id}@exemple.fr` }, T0);
}

async function commune(gp = 'gp') {
  await register(gp);
  return svc.createStructure(
    {
      userId: gp,
      structure: {
        siret: COMMUNE,
        raisonSociale: 'Ville de Bellerive',
        type: 'PUBLIC',
        services: [
          { code: 'TRAVAUX', libelle: 'Direction des travaux', active: true },
          { code: 'FINANCES', libelle: 'Direction des finances', active: true },
        ],
        directory: { codeServiceObligatoire: true, engagementObligatoire: true },
        spaces: ['FACTURES_TRAVAUX', 'FACTURES_A_VALIDER'],
      },
    },
    T0,
  );
}

/** `userId` requests and the GP approves. */
async function attach(userId: string, role?: 'GESTIONNAIRE_SECONDAIRE') {
  await register(userId);
  await svc.memberships.requestAttachment({ userId, siret: COMMUNE }, T0);
  return svc.memberships.decideAttachment({ deciderId: 'gp', siret: COMMUNE, userId, decision: 'APPROVED', role }, T0);
}

describe('structures (docs/rules/structures.md)', () => {
  it('creates a structure with its services; its creator is gestionnaire principal in every enabled space', async () => {
    await commune();
    const s = await store.getStructure(COMMUNE);
    expect(s).toMatchObject({
      siret: COMMUNE,
      raisonSociale: 'Ville de Bellerive',
      type: 'PUBLIC',
      active: true,
      version: 1,
    });
    expect(s?.services.map((x) => x.code).sort()).toEqual(['FINANCES', 'TRAVAUX']);
    expect(s?.createdAt).toEqual(T0);
    const mine = await store.membershipsOfUser('gp');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ siret: COMMUNE, status: 'APPROVED', role: 'GESTIONNAIRE_PRINCIPAL' });
    expect(mine[0]?.spaces).toEqual([
      { space: 'FACTURES_TRAVAUX', mode: 'MODIFICATION' },
      { space: 'FACTURES_A_VALIDER', mode: 'MODIFICATION' },
    ]);
  });

  it('refuses a second structure with the same SIRET and writes nothing of it', async () => {
    await commune();
    await register('other');
    const e = await domainErrorOf(
      svc.createStructure(
        { userId: 'other', structure: { siret: COMMUNE, raisonSociale: 'Doublon', type: 'PRIVE' } },
        T1,
      ),
    );
    expect(e.code).toBe('SIRET_DEJA_ENREGISTRE');
    expect(e.kind).toBe('CONFLICT');
    expect(await store.membershipsOfUser('other')).toEqual([]);
    expect((await store.getStructure(COMMUNE))?.raisonSociale).toBe('Ville de Bellerive');
  });

  it('lets exactly one of 20 concurrent creators of the same SIRET win', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
    for (const id of ids) await register(id);
    const results = await Promise.allSettled(
      ids.map((id) =>
        svc.createStructure({ userId: id, structure: { siret: ENTREPRISE, raisonSociale: id, type: 'PRIVE' } }, T1),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const winner = (await store.getStructure(ENTREPRISE))?.raisonSociale;
    expect((await store.membersOf(ENTREPRISE)).map((m) => m.userId)).toEqual([winner]);
  });

  it('finds active public structures by name prefix (any case) and by SIRET, never private ones', async () => {
    await commune();
    await register('p');
    await svc.createStructure(
      { userId: 'p', structure: { siret: ENTREPRISE, raisonSociale: 'Villeneuve BTP', type: 'PRIVE' } },
      T0,
    );
    expect((await svc.searchDirectory('ville')).map((e) => e.siret)).toEqual([COMMUNE]);
    expect((await svc.searchDirectory('VILLE DE B'))[0]?.directory.codeServiceObligatoire).toBe(true);
    expect(await svc.searchDirectory('Marseille')).toEqual([]);
    expect((await svc.publicStructure(COMMUNE)).raisonSociale).toBe('Ville de Bellerive');
    expect((await domainErrorOf(svc.publicStructure(ENTREPRISE))).code).toBe('STRUCTURE_PUBLIQUE_INCONNUE');
  });

  it('enables a space by a gestionnaire only', async () => {
    await register('gp');
    await svc.createStructure(
      { userId: 'gp', structure: { siret: ENTREPRISE, raisonSociale: 'BTP', type: 'PRIVE' } },
      T0,
    );
    await register('u');
    await svc.memberships.requestAttachment({ userId: 'u', siret: ENTREPRISE }, T0);
    await svc.memberships.decideAttachment(
      { deciderId: 'gp', siret: ENTREPRISE, userId: 'u', decision: 'APPROVED' },
      T0,
    );
    const refused = await domainErrorOf(
      svc.enableSpace({ actorId: 'u', siret: ENTREPRISE, space: 'FACTURES_TRAVAUX' }),
    );
    expect(refused.code).toBe('GESTION_RESERVEE_AUX_GESTIONNAIRES');
    const s = await svc.enableSpace({ actorId: 'gp', siret: ENTREPRISE, space: 'FACTURES_TRAVAUX' });
    expect(s.spaces).toEqual(['FACTURES_TRAVAUX']);
    expect((await store.getStructure(ENTREPRISE))?.version).toBe(2);
  });
});

describe('users and login addresses', () => {
  it('keeps login addresses unique whatever their case, and the claim carries the userId the gateway reads', async () => {
    await svc.registerUser({ id: 'a', loginAddress: 'Marie.Curie@Exemple.fr' }, T0);
    const e = await domainErrorOf(svc.registerUser({ id: 'b', loginAddress: 'marie.curie@EXEMPLE.FR' }, T0));
    expect(e.code).toBe('ADRESSE_CONNEXION_DEJA_UTILISEE');
    expect(e.kind).toBe('CONFLICT');
    expect(await store.getUser('b')).toBeUndefined();
    expect((await store.findUserByLogin('MARIE.CURIE@exemple.fr'))?.id).toBe('a');
    const { Item } = await dynamo.doc.send(
      new GetCommand({ TableName: store.table, Key: keys.uniqueLogin('marie.curie@exemple.fr') }),
    );
    expect(Item?.userId).toBe('a');
  });

  it('changes the contact address, refusing a change made on a stale version', async () => {
    await register('u');
    const next = await svc.updateProfile({
      userId: 'u',
      contactAddress: 'bureau@exemple.fr',
      expectedVersion: 1,
    });
    expect(next).toMatchObject({ contactAddress: 'bureau@exemple.fr', loginAddress: 'u@exemple.fr', version: 2 });
    const stale = await domainErrorOf(
      svc.updateProfile({ userId: 'u', contactAddress: 'x@exemple.fr', expectedVersion: 1 }),
    );
    expect(stale.code).toBe('VERSION_PERIMEE');
    expect(stale.kind).toBe('STALE');
    expect((await store.getUser('u'))?.contactAddress).toBe('bureau@exemple.fr');
  });
});

describe('attachments (rattachements)', () => {
  it('goes request → decision by a gestionnaire, once', async () => {
    await commune();
    await register('u');
    await register('plain');
    await svc.memberships.requestAttachment({ userId: 'plain', siret: COMMUNE }, T0);
    await svc.memberships.decideAttachment(
      { deciderId: 'gp', siret: COMMUNE, userId: 'plain', decision: 'APPROVED' },
      T0,
    );

    const request = await svc.memberships.requestAttachment(
      { userId: 'u', siret: COMMUNE, spaces: [{ space: 'FACTURES_TRAVAUX', mode: 'CONSULTATION' }] },
      T1,
    );
    expect(request).toMatchObject({ status: 'PENDING', role: 'UTILISATEUR', version: 1 });
    expect((await domainErrorOf(svc.memberships.requestAttachment({ userId: 'u', siret: COMMUNE }, T1))).code).toBe(
      'RATTACHEMENT_EXISTANT',
    );
    const notManager = await domainErrorOf(
      svc.memberships.decideAttachment({ deciderId: 'plain', siret: COMMUNE, userId: 'u', decision: 'APPROVED' }, T1),
    );
    expect(notManager.code).toBe('GESTION_RESERVEE_AUX_GESTIONNAIRES');
    expect(notManager.kind).toBe('FORBIDDEN');

    const approved = await svc.memberships.decideAttachment(
      { deciderId: 'gp', siret: COMMUNE, userId: 'u', decision: 'APPROVED' },
      T2,
    );
    expect(approved).toMatchObject({ status: 'APPROVED', decidedBy: 'gp', version: 2 });
    expect((await store.getMembership(COMMUNE, 'u'))?.decidedAt).toEqual(T2);
    const again = await domainErrorOf(
      svc.memberships.decideAttachment({ deciderId: 'gp', siret: COMMUNE, userId: 'u', decision: 'REFUSED' }, T2),
    );
    expect(again.code).toBe('RATTACHEMENT_DEJA_TRAITE');
    expect((await store.membershipsOfUser('u')).map((m) => [m.siret, m.status])).toEqual([[COMMUNE, 'APPROVED']]);
  });

  it('lets a refused user ask again', async () => {
    await commune();
    await register('u');
    await svc.memberships.requestAttachment({ userId: 'u', siret: COMMUNE }, T0);
    await svc.memberships.decideAttachment({ deciderId: 'gp', siret: COMMUNE, userId: 'u', decision: 'REFUSED' }, T1);
    const again = await svc.memberships.requestAttachment({ userId: 'u', siret: COMMUNE }, T2);
    expect(again).toMatchObject({ status: 'PENDING', version: 3 });
  });

  it('lets exactly one of 20 concurrent decisions on the same request win', async () => {
    await commune();
    await attach('gs', 'GESTIONNAIRE_SECONDAIRE');
    await register('u');
    await svc.memberships.requestAttachment({ userId: 'u', siret: COMMUNE }, T0);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        svc.memberships.decideAttachment(
          {
            deciderId: i % 2 === 0 ? 'gp' : 'gs',
            siret: COMMUNE,
            userId: 'u',
            decision: i % 3 === 0 ? 'REFUSED' : 'APPROVED',
          },
          T1,
        ),
      ),
    );
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(won).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') {
        expect(['STALE', 'CONFLICT']).toContain(r.reason.kind);
      }
    }
    const stored = await store.getMembership(COMMUNE, 'u');
    expect(stored).toMatchObject({ status: won[0]?.status, decidedBy: won[0]?.decidedBy, version: 2 });
  });

  it('subscribes a member to a space by a gestionnaire only', async () => {
    await commune();
    await attach('u');
    await attach('v');
    const refused = await domainErrorOf(
      svc.memberships.subscribeSpace({
        actorId: 'v',
        siret: COMMUNE,
        userId: 'u',
        space: 'FACTURES_TRAVAUX',
        mode: 'MODIFICATION',
      }),
    );
    expect(refused.code).toBe('GESTION_RESERVEE_AUX_GESTIONNAIRES');
    await svc.memberships.subscribeSpace({
      actorId: 'gp',
      siret: COMMUNE,
      userId: 'u',
      space: 'FACTURES_TRAVAUX',
      mode: 'CONSULTATION',
    });
    const m = await svc.memberships.subscribeSpace({
      actorId: 'gp',
      siret: COMMUNE,
      userId: 'u',
      space: 'FACTURES_TRAVAUX',
      mode: 'MODIFICATION',
    });
    expect(m.spaces).toEqual([{ space: 'FACTURES_TRAVAUX', mode: 'MODIFICATION' }]);
    expect((await store.getMembership(COMMUNE, 'u'))?.spaces).toEqual([
      { space: 'FACTURES_TRAVAUX', mode: 'MODIFICATION' },
    ]);
  });
});

describe('gestionnaire principal', () => {
  it('hands the role over: the former GP becomes gestionnaire secondaire', async () => {
    await commune();
    await attach('u');
    const { from, to } = await svc.memberships.transferPrincipal({ actorId: 'gp', siret: COMMUNE, toUserId: 'u' }, T1);
    expect(from.role).toBe('GESTIONNAIRE_SECONDAIRE');
    expect(to.role).toBe('GESTIONNAIRE_PRINCIPAL');
    expect((await store.getMembership(COMMUNE, 'gp'))?.role).toBe('GESTIONNAIRE_SECONDAIRE');
    expect((await store.getMembership(COMMUNE, 'u'))?.role).toBe('GESTIONNAIRE_PRINCIPAL');
    // recorded on the structure
    expect((await store.getStructure(COMMUNE))?.principalHistory).toEqual([
      { at: T1, from: 'gp', to: 'u', reason: 'TRANSFERT' },
    ]);
    const again = await domainErrorOf(
      svc.memberships.transferPrincipal({ actorId: 'gp', siret: COMMUNE, toUserId: 'u' }, T1),
    );
    expect(again.code).toBe('GESTION_RESERVEE_AU_GP');
  });

  it('passes to the gestionnaire secondaire with the most recent login when the GP is deactivated', async () => {
    await commune();
    await attach('gs-early', 'GESTIONNAIRE_SECONDAIRE');
    await attach('gs-late', 'GESTIONNAIRE_SECONDAIRE');
    await attach('plain');
    await svc.recordLogin('gs-late', T2);
    await svc.recordLogin('gs-early', T1);
    await svc.recordLogin('plain', T3);

    const forbidden = await domainErrorOf(svc.deactivateUser({ actorId: 'plain', userId: 'gp' }, T3));
    expect(forbidden.code).toBe('DESACTIVATION_RESERVEE');

    const out = await svc.deactivateUser({ actorId: 'gp', userId: 'gp' }, T3);
    expect(out.withoutPrincipal).toEqual([]);
    const roles = Object.fromEntries((await store.membersOf(COMMUNE)).map((m) => [m.userId, m.role]));
    expect(roles).toEqual({
      gp: 'UTILISATEUR',
      'gs-early': 'GESTIONNAIRE_SECONDAIRE',
      'gs-late': 'GESTIONNAIRE_PRINCIPAL',
      plain: 'UTILISATEUR',
    });
    expect(await store.getUser('gp')).toMatchObject({ active: false, deactivatedAt: T3 });
    // gs-late signed in at T2, after gs-early (T1): the succession is recorded on the structure
    expect((await store.getStructure(COMMUNE))?.principalHistory).toEqual([
      { at: T3, from: 'gp', to: 'gs-late', reason: 'DESACTIVATION' },
    ]);
  });

  it('reports a structure left without GP when there is no gestionnaire secondaire', async () => {
    await commune();
    await attach('plain');
    const out = await svc.deactivateUser({ actorId: 'ops', userId: 'gp', asAdministrator: true }, T1);
    expect(out.withoutPrincipal).toEqual([COMMUNE]);
    expect((await store.getMembership(COMMUNE, 'plain'))?.role).toBe('UTILISATEUR');
    expect((await store.getStructure(COMMUNE))?.principalHistory).toEqual([
      { at: T1, from: 'gp', to: null, reason: 'DESACTIVATION' },
    ]);
    // a deactivated account can no longer manage
    const e = await domainErrorOf(svc.enableSpace({ actorId: 'gp', siret: COMMUNE, space: 'FACTURES_TRAVAUX' }));
    expect(e.code).toBe('UTILISATEUR_DESACTIVE');
  });
});

describe('changement de SIRET', () => {
  it('deactivates the structure and copies it (services, attachments) under the new SIRET', async () => {
    await commune();
    await attach('u');
    const change = await svc.changeSiret({ actorId: 'gp', siret: COMMUNE, newSiret: NEW_SIRET }, T1);
    expect(change.created.originalSiret).toBe(COMMUNE);
    const old = await store.getStructure(COMMUNE);
    expect(old).toMatchObject({ active: false, successorSiret: NEW_SIRET, deactivatedAt: T1, version: 2 });
    const created = await store.getStructure(NEW_SIRET);
    expect(created).toMatchObject({
      active: true,
      originalSiret: COMMUNE,
      raisonSociale: 'Ville de Bellerive',
      version: 1,
    });
    expect(created?.services.map((s) => s.code).sort()).toEqual(['FINANCES', 'TRAVAUX']);
    // the old attachments remain (its pieces stay readable), the copies exist under the new SIRET
    expect((await store.membershipsOfUser('u')).map((m) => [m.siret, m.status]).sort()).toEqual(
      [
        [COMMUNE, 'APPROVED'],
        [NEW_SIRET, 'APPROVED'],
      ].sort(),
    );
    expect((await store.getMembership(NEW_SIRET, 'gp'))?.role).toBe('GESTIONNAIRE_PRINCIPAL');
    // the directory shows the new structure only
    expect((await svc.searchDirectory('ville')).map((e) => e.siret)).toEqual([NEW_SIRET]);
  });

  it('refuses a SIRET already registered and changes nothing', async () => {
    await commune();
    await register('p');
    await svc.createStructure(
      { userId: 'p', structure: { siret: NEW_SIRET, raisonSociale: 'Pris', type: 'PRIVE' } },
      T0,
    );
    const e = await domainErrorOf(svc.changeSiret({ actorId: 'gp', siret: COMMUNE, newSiret: NEW_SIRET }, T1));
    expect(e.code).toBe('SIRET_DEJA_ENREGISTRE');
    expect(await store.getStructure(COMMUNE)).toMatchObject({ active: true, version: 1 });
    expect(await store.getMembership(NEW_SIRET, 'gp')).toBeUndefined();
  });

  it('is reserved to the GP', async () => {
    await commune();
    await attach('u');
    const e = await domainErrorOf(svc.changeSiret({ actorId: 'u', siret: COMMUNE, newSiret: NEW_SIRET }, T1));
    expect(e.code).toBe('GESTION_RESERVEE_AU_GP');
  });
});

describe('technical account', () => {
  const password = 'Compte-Technique-2025';

  it('lets only the GP set a strong password and stores only its hash', async () => {
    await commune();
    await attach('gs', 'GESTIONNAIRE_SECONDAIRE');
    expect(
      (await domainErrorOf(svc.resetTechnicalPassword({ actorId: 'gs', siret: COMMUNE, password }, T1))).code,
    ).toBe('GESTION_RESERVEE_AU_GP');
    expect(
      (await domainErrorOf(svc.resetTechnicalPassword({ actorId: 'gp', siret: COMMUNE, password: 'court' }, T1))).code,
    ).toBe('MOT_DE_PASSE_TROP_FAIBLE');

    const account = await svc.resetTechnicalPassword({ actorId: 'gp', siret: COMMUNE, password }, T1);
    expect(account).toEqual({ siret: COMMUNE, login: `TECH_${COMMUNE}`, passwordChangedAt: T1 });
    expect((await store.getStructure(COMMUNE))?.compteTechnique).toEqual(account);
    const credential = await store.getCredential(COMMUNE);
    expect(await verifyPassword(password, credential?.passwordHash ?? '')).toBe(true);
    const partition = await dynamo.doc.send(
      new QueryCommand({
        TableName: store.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.structure(COMMUNE).pk },
      }),
    );
    expect(JSON.stringify(partition.Items)).not.toContain(password);
  });
});
