import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, ScanCommand } from '../../../shared/adapters/dynamo/document-client';
import type { IdentityStore } from '../../../shared/adapters/dynamo/identity-store';
import { keys } from '../../../shared/adapters/dynamo/keys';
import type { MarcheStore } from '../../../shared/adapters/dynamo/marche-store';
import type { Marche } from '../../../shared/domain/marche';
import type { Role, Space } from '../../../shared/domain/roles';
import { DEMO, type DemoUserKey, seedDemo } from '../../../shared/seed/demo';
import { resolveActor } from '../../../shared/services/authorization';
import { IdentityService } from '../../../shared/services/identity-service';
import { luhnSum } from '../../unit/domain/identifiers/siret-arbitraries';
import { domainErrorOf, type LocalDynamo, startLocalDynamo } from './local-table';

const T0 = new Date('2025-03-03T09:00:00Z');
const T_LATER = new Date('2025-06-01T08:00:00Z');

let dynamo: LocalDynamo;
let identity: IdentityStore;
let marches: MarcheStore;
let table: string;
let marche: Marche;

/** Test-only full read of the (small, fresh) table, to prove that a second seed adds or changes nothing. */
async function snapshot(): Promise<unknown[]> {
  const { Items = [] } = await dynamo.doc.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return Items.map((i) => JSON.stringify(i, Object.keys(i).sort())).sort();
}

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  ({ identity, marches, table } = await dynamo.freshTable());
});
afterAll(async () => {
  await dynamo?.stop();
});

describe('demo seed', () => {
  it('seeds once; a second run, later, changes nothing', async () => {
    const first = await seedDemo({ identity, marches }, T0);
    expect(first.created.length).toBeGreaterThan(0);
    const before = await snapshot();
    const second = await seedDemo({ identity, marches }, T_LATER);
    expect(second.created).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('uses valid SIRETs (Luhn, checked by an independent oracle)', () => {
    for (const siret of Object.values(DEMO.sirets)) {
      expect(siret).toMatch(/^\d{14}$/);
      expect(luhnSum(siret) % 10).toBe(0);
    }
  });

  it('describes the demo marché of the brief', async () => {
    const stored = await marches.get(DEMO.marcheId);
    expect(stored).toBeDefined();
    const marche = stored!.marche;
    expect(marche).toMatchObject({
      objet: "Réhabilitation de l'école Jules Ferry — lot 2 gros œuvre",
      ccagVersion: '2021',
      dgpJours: 30,
      delaiMoeJours: 7,
      retenueGarantieBp: 500,
      tauxTvaBp: [2000],
      groupement: { mode: 'CONJOINT' },
    });
    expect(marche.montantInitialHtCents).toBeGreaterThan(0);
    const st = marche.acteurs.find((a) => a.role === 'SOUS_TRAITANT');
    expect(st).toMatchObject({
      siret: DEMO.sirets.sousTraitant,
      paiementDirect: true,
      valideurSiret: DEMO.sirets.mandataire,
    });
    expect(st?.montantSousTraiteTtcCents).toBeGreaterThanOrEqual(60_000);
    expect(marche.acteurs.find((a) => a.role === 'COTRAITANT')?.siret).toBe(DEMO.sirets.cotraitant);
    expect(marche.acteurs.find((a) => a.role === 'MOA')).toMatchObject({
      siret: DEMO.sirets.moa,
      codeService: DEMO.codeService,
      engagementJuridique: DEMO.engagementJuridique,
    });
  });

  it('has the commune public, with mandatory code service and engagement and a MOA', async () => {
    const commune = await identity.getStructure(DEMO.sirets.moa);
    expect(commune).toMatchObject({
      type: 'PUBLIC',
      directory: { codeServiceObligatoire: true, engagementObligatoire: true, moaPresente: true },
    });
    expect((await identity.getStructure(DEMO.sirets.moe))?.type).toBe('PRIVE');
  });

  it('lets every demo login be found the way the local gateway signs in (login claim → userId → user)', async () => {
    for (const u of Object.values(DEMO.users)) {
      const { Item } = await dynamo.doc.send(new GetCommand({ TableName: table, Key: keys.uniqueLogin(u.login) }));
      expect(Item?.userId).toBe(u.id);
      expect((await identity.getUser(u.id))?.loginAddress).toBe(u.login);
    }
  });
});

describe('resolveActor for each seeded user', () => {
  beforeAll(async () => {
    await seedDemo({ identity, marches }, T0); // no-op when the tests above ran: the seed is idempotent
    marche = (await marches.get(DEMO.marcheId))!.marche;
  });

  const granted: [DemoUserKey, Space, 'read' | 'act', keyof typeof DEMO.sirets, Role[]][] = [
    ['moa', 'FACTURES_TRAVAUX', 'act', 'moa', ['MOA']],
    ['moe', 'FACTURES_TRAVAUX', 'act', 'moe', ['MOE']],
    ['mandataire', 'FACTURES_TRAVAUX', 'act', 'mandataire', ['MANDATAIRE']],
    ['mandataire', 'FACTURES_A_VALIDER', 'act', 'mandataire', ['MANDATAIRE']],
    ['cotraitant', 'FACTURES_TRAVAUX', 'act', 'cotraitant', ['COTRAITANT']],
    ['sousTraitant', 'FACTURES_TRAVAUX', 'act', 'sousTraitant', ['SOUS_TRAITANT']],
    ['serviceFinancier', 'FACTURES_TRAVAUX', 'act', 'serviceFinancier', ['SERVICE_FINANCIER']],
    ['consultation', 'FACTURES_TRAVAUX', 'read', 'moa', ['MOA']],
  ];
  it.each(granted)('%s may %s in %s', async (user, space, need, structure, roles) => {
    const actor = await resolveActor({ userId: DEMO.users[user].id, marche, space, need }, identity);
    expect(actor).toMatchObject({
      userId: DEMO.users[user].id,
      siret: DEMO.sirets[structure],
      roles,
      structureActive: true,
    });
  });

  const refused: [DemoUserKey, Space, 'read' | 'act', string][] = [
    ['consultation', 'FACTURES_TRAVAUX', 'act', 'MODE_CONSULTATION_SEULEMENT'],
    ['pending', 'FACTURES_TRAVAUX', 'read', 'RATTACHEMENT_EN_ATTENTE'],
    ['cotraitant', 'FACTURES_A_VALIDER', 'read', 'ESPACE_NON_SOUSCRIT'],
  ];
  it.each(refused)('%s may not %s in %s', async (user, space, need, code) => {
    const e = await domainErrorOf(resolveActor({ userId: DEMO.users[user].id, marche, space, need }, identity));
    expect(e.code).toBe(code);
    expect(e.kind).toBe('FORBIDDEN');
  });

  it('refuses a structure named by the caller that is not its own, or not on the marché', async () => {
    const notMine = await domainErrorOf(
      resolveActor(
        { userId: DEMO.users.moe.id, marche, space: 'FACTURES_TRAVAUX', need: 'read', actingSiret: DEMO.sirets.moa },
        identity,
      ),
    );
    expect(notMine.code).toBe('UTILISATEUR_NON_RATTACHE');
    const outside = await domainErrorOf(
      resolveActor(
        { userId: DEMO.users.moe.id, marche, space: 'FACTURES_TRAVAUX', need: 'read', actingSiret: '81401202500023' },
        identity,
      ),
    );
    expect(outside.code).toBe('STRUCTURE_HORS_MARCHE');
  });

  it('refuses a deactivated user', async () => {
    const svc = new IdentityService(identity);
    const { id } = DEMO.users.sousTraitant;
    await svc.deactivateUser({ actorId: id, userId: id }, T_LATER);
    const e = await domainErrorOf(
      resolveActor({ userId: id, marche, space: 'FACTURES_TRAVAUX', need: 'read' }, identity),
    );
    expect(e.code).toBe('UTILISATEUR_DESACTIVE');
  });

  it('after a SIRET change, lets the old structure read and act on its marché, flagged inactive', async () => {
    const svc = new IdentityService(identity);
    const { id } = DEMO.users.moe;
    await svc.changeSiret({ actorId: id, siret: DEMO.sirets.moe, newSiret: '81401202500023' }, T_LATER);
    const actor = await resolveActor({ userId: id, marche, space: 'FACTURES_TRAVAUX', need: 'act' }, identity);
    expect(actor).toMatchObject({
      siret: DEMO.sirets.moe,
      roles: ['MOE'],
      structureActive: false,
      successorSiret: '81401202500023',
    });
  });
});
