import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IdentityStore } from '../../../shared/adapters/dynamo/identity-store';
import type { MarcheStore } from '../../../shared/adapters/dynamo/marche-store';
import { IdentityService } from '../../../shared/services/identity-service';
import { MarcheService } from '../../../shared/services/marche-service';
import { domainErrorOf, type LocalDynamo, startLocalDynamo } from './local-table';

const T0 = new Date('2025-03-03T09:00:00Z');
const T1 = new Date('2025-03-10T09:00:00Z');
const MOA = '21300202500012';
const MOE = '83876704400012';
const TITULAIRE = '53819959700013';
const SF = '21750001608202';

let dynamo: LocalDynamo;
let identity: IdentityStore;
let marches: MarcheStore;
let ids: IdentityService;
let svc: MarcheService;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});
beforeEach(async () => {
  ({ identity, marches } = await dynamo.freshTable());
  ids = new IdentityService(identity);
  svc = new MarcheService(marches, identity);
  for (const [user, siret, type] of [
    ['moa', MOA, 'PUBLIC'],
    ['moe', MOE, 'PRIVE'],
    ['tit', TITULAIRE, 'PRIVE'],
  ] as const) {
    await ids.registerUser({ id: user, loginAddress: `${user}@exemple.fr` }, T0);
    await ids.createStructure(
      {
        userId: user,
        structure: {
          siret,
          raisonSociale: `Structure ${user}`,
          type,
          spaces: ['FACTURES_TRAVAUX'],
          ...(type === 'PUBLIC'
            ? {
                services: [{ code: 'TRAVAUX', libelle: 'Travaux', active: true }],
                directory: { codeServiceObligatoire: true, engagementObligatoire: true },
              }
            : {}),
        },
      },
      T0,
    );
  }
});

function fiche(patch: Record<string, unknown> = {}, moa: Record<string, unknown> = {}) {
  return {
    id: '01JZ0TEST0MARCHE000000001A',
    numeroMarche: '2025-014',
    objet: 'Réfection de la toiture du gymnase',
    ccagVersion: '2021',
    acteurs: [
      {
        role: 'MOA',
        siret: MOA,
        raisonSociale: 'Commune',
        codeService: 'TRAVAUX',
        engagementJuridique: 'EJ-1',
        ...moa,
      },
      { role: 'MOE', siret: MOE, raisonSociale: 'Atelier' },
      { role: 'TITULAIRE', siret: TITULAIRE, raisonSociale: 'BTP' },
      { role: 'SERVICE_FINANCIER', siret: SF, raisonSociale: 'Comptable' },
    ],
    groupement: { mode: 'NONE' },
    montantInitialHtCents: 25_000_000,
    tauxTvaBp: [2000],
    retenueGarantieBp: 500,
    dgpJours: 30,
    ...patch,
  };
}

describe("fiche d'identité du marché (docs/rules/marche.md)", () => {
  it('is created by the MOA, read back validated, and listed under each acteur structure with its roles', async () => {
    const created = await svc.createMarche({ userId: 'moa', marche: fiche() }, T0);
    expect(created.version).toBe(1);
    const stored = await marches.get(created.marche.id);
    expect(stored?.marche).toEqual(created.marche);
    expect(stored?.marche.delaiMoeJours).toBe(7); // default applied by the schema
    expect(stored).toMatchObject({ createdBy: 'moa', createdAt: T0.toISOString() });
    for (const [siret, roles] of [
      [MOA, ['MOA']],
      [MOE, ['MOE']],
      [TITULAIRE, ['TITULAIRE']],
      [SF, ['SERVICE_FINANCIER']],
    ] as const) {
      expect(await marches.marchesOfStructure(siret)).toEqual([
        { marcheId: created.marche.id, numeroMarche: '2025-014', objet: 'Réfection de la toiture du gymnase', roles },
      ]);
    }
  });

  it('generates an id when none is given', async () => {
    const { id: _id, ...withoutId } = fiche();
    const created = await svc.createMarche({ userId: 'moa', marche: withoutId }, T0);
    expect(created.marche.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('may be created only by a user of the MOA subscribed in MODIFICATION', async () => {
    const e = await domainErrorOf(svc.createMarche({ userId: 'tit', marche: fiche() }, T0));
    expect(e.code).toBe('CREATION_MARCHE_RESERVEE_MOA');
    expect(e.kind).toBe('FORBIDDEN');
    await ids.registerUser({ id: 'lecteur', loginAddress: 'lecteur@exemple.fr' }, T0);
    await ids.memberships.requestAttachment(
      { userId: 'lecteur', siret: MOA, spaces: [{ space: 'FACTURES_TRAVAUX', mode: 'CONSULTATION' }] },
      T0,
    );
    await ids.memberships.decideAttachment(
      { deciderId: 'moa', siret: MOA, userId: 'lecteur', decision: 'APPROVED' },
      T0,
    );
    expect((await domainErrorOf(svc.createMarche({ userId: 'lecteur', marche: fiche() }, T0))).code).toBe(
      'CREATION_MARCHE_RESERVEE_MOA',
    );
    expect(await marches.get('01JZ0TEST0MARCHE000000001A')).toBeUndefined();
  });

  it("requires the references the MOA's directory makes mandatory", async () => {
    const e = await domainErrorOf(
      svc.createMarche(
        { userId: 'moa', marche: fiche({}, { codeService: undefined, engagementJuridique: undefined }) },
        T0,
      ),
    );
    expect(e.code).toBe('CODE_SERVICE_OBLIGATOIRE');
    expect(e.fields.map((f) => f.path)).toEqual(['codeService', 'engagementJuridique']);
    const unknown = await domainErrorOf(
      svc.createMarche({ userId: 'moa', marche: fiche({}, { codeService: 'X' }) }, T0),
    );
    expect(unknown.code).toBe('CODE_SERVICE_INCONNU');
  });

  it('refuses an invalid fiche and a duplicate id', async () => {
    expect(
      (await domainErrorOf(svc.createMarche({ userId: 'moa', marche: fiche({ retenueGarantieBp: 600 }) }, T0))).code,
    ).toBe('MARCHE_INVALIDE');
    await svc.createMarche({ userId: 'moa', marche: fiche() }, T0);
    expect((await domainErrorOf(svc.createMarche({ userId: 'moa', marche: fiche() }, T1))).code).toBe(
      'MARCHE_EXISTE_DEJA',
    );
  });

  it('is amended on the version read; removed acteurs disappear from their structure’s list', async () => {
    const created = await svc.createMarche({ userId: 'moa', marche: fiche() }, T0);
    const amended = fiche({
      acteurs: fiche()
        .acteurs.filter((a) => a.role !== 'TITULAIRE')
        .concat([{ role: 'TITULAIRE', siret: MOE, raisonSociale: 'Atelier' }]),
    });
    const updated = await svc.updateMarche(
      { userId: 'moa', marcheId: created.marche.id, marche: amended, expectedVersion: 1 },
      T1,
    );
    expect(updated.version).toBe(2);
    expect(await marches.marchesOfStructure(TITULAIRE)).toEqual([]);
    expect((await marches.marchesOfStructure(MOE))[0]?.roles).toEqual(['TITULAIRE', 'MOE']);
    const stale = await domainErrorOf(
      svc.updateMarche({ userId: 'moa', marcheId: created.marche.id, marche: fiche(), expectedVersion: 1 }, T1),
    );
    expect(stale.code).toBe('VERSION_PERIMEE');
    expect(stale.kind).toBe('STALE');
  });

  it('is read by the users of its acteurs only', async () => {
    const created = await svc.createMarche({ userId: 'moa', marche: fiche() }, T0);
    const read = await svc.getMarche({ userId: 'tit', marcheId: created.marche.id });
    expect(read.actor).toMatchObject({ siret: TITULAIRE, roles: ['TITULAIRE'] });
    expect(read.marche.numeroMarche).toBe('2025-014');
    await ids.registerUser({ id: 'x', loginAddress: 'x@exemple.fr' }, T0);
    await ids.createStructure(
      {
        userId: 'x',
        structure: { siret: '81401202500015', raisonSociale: 'Ailleurs', type: 'PRIVE', spaces: ['FACTURES_TRAVAUX'] },
      },
      T0,
    );
    expect((await domainErrorOf(svc.getMarche({ userId: 'x', marcheId: created.marche.id }))).code).toBe(
      'STRUCTURE_HORS_MARCHE',
    );
    expect((await domainErrorOf(svc.getMarche({ userId: 'x', marcheId: 'absent' }))).code).toBe('MARCHE_INCONNU');
    expect((await domainErrorOf(svc.marchesOfStructure({ userId: 'x', siret: MOA }))).code).toBe(
      'UTILISATEUR_NON_RATTACHE',
    );
    expect((await svc.marchesOfStructure({ userId: 'moa', siret: MOA })).map((m) => m.marcheId)).toEqual([
      created.marche.id,
    ]);
  });
});
