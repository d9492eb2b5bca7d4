import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessReads } from '../../../shared/adapters/dynamo/access-reads';
import type { IdentityStore } from '../../../shared/adapters/dynamo/identity-store';
import { readOnce } from '../../../shared/services/decisions';
import { IdentityService } from '../../../shared/services/identity-service';
import { type LocalDynamo, startLocalDynamo } from './local-table';

/**
 * The structures' cards a new dossier's rules read (its addressee's directory and the buyer's), in one BatchGet
 * (AccessReads.structureCards, issue 16): each card as a full read would give it, with the one service named.
 */
const T0 = new Date('2025-03-03T09:00:00Z');
const COMMUNE = '21300202500012';
const TRESORERIE = '21750001608202';
const UNKNOWN = '11111111111111';

let dynamo: LocalDynamo;
let identity: IdentityStore;
let access: AccessReads;
let sent: string[] = [];

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  const fresh = await dynamo.freshTable();
  identity = fresh.identity;
  access = new AccessReads(dynamo.doc, fresh.table);
  const svc = new IdentityService(identity);
  for (const [gp, siret, services] of [
    [
      'gp-commune',
      COMMUNE,
      [
        { code: 'TRAVAUX', libelle: 'Direction des travaux', active: true },
        { code: 'ANCIEN', libelle: 'Ancien service', active: false },
      ],
    ],
    ['gp-tresorerie', TRESORERIE, []],
  ] as const) {
    await svc.registerUser({ id: gp, loginAddress: `${gp}@exemple.fr` }, T0);
    await svc.createStructure(
      {
        userId: gp,
        structure: {
          siret,
          raisonSociale: gp,
          type: 'PUBLIC',
          services: [...services],
          directory: { codeServiceObligatoire: true, moaPresente: false },
        },
      },
      T0,
    );
  }
  dynamo.doc.use('structureCardsCount', (next) => async (command) => {
    sent.push(command.commandName);
    return next(command);
  });
});
afterAll(async () => {
  await dynamo?.stop();
});

describe('AccessReads.structureCards', () => {
  it('reads the cards and the one service named in one BatchGet, as the full reads give them', async () => {
    sent = [];
    const cards = await access.structureCards([
      { siret: COMMUNE, serviceCode: 'TRAVAUX' },
      { siret: TRESORERIE },
      { siret: UNKNOWN },
    ]);
    expect(sent).toEqual(['BatchGetItemCommand']);
    const full = await identity.getStructure(COMMUNE);
    expect(cards.get(COMMUNE)).toEqual({
      ...full,
      services: [{ code: 'TRAVAUX', libelle: 'Direction des travaux', active: true }],
    });
    expect(cards.get(TRESORERIE)).toEqual(await identity.getStructure(TRESORERIE));
    expect(cards.has(UNKNOWN)).toBe(true);
    expect(cards.get(UNKNOWN)).toBeUndefined();
  });

  it('leaves out a structure whose named service is inactive or missing: its full read lists the codes', async () => {
    const cards = await access.structureCards([
      { siret: COMMUNE, serviceCode: 'ANCIEN' },
      { siret: TRESORERIE, serviceCode: 'NULLE-PART' },
    ]);
    expect([...cards.keys()]).toEqual([]);
  });
});

describe('readOnce(…).preload', () => {
  it('answers the getStructure calls that follow from one read of two structures or more, and no fewer', async () => {
    const reads = readOnce(identity, (wanted) => access.structureCards(wanted));
    sent = [];
    await reads.preload([{ siret: COMMUNE, serviceCode: 'TRAVAUX' }, { siret: TRESORERIE }]);
    expect((await reads.getStructure(COMMUNE))?.services.map((s) => s.code)).toEqual(['TRAVAUX']);
    expect((await reads.getStructure(TRESORERIE))?.directory.moaPresente).toBe(false);
    expect(sent).toEqual(['BatchGetItemCommand']);

    // One structure alone: its own full read (a Query), when asked
    const single = readOnce(identity, (wanted) => access.structureCards(wanted));
    sent = [];
    await single.preload([{ siret: COMMUNE }]);
    expect(sent).toEqual([]);
    expect((await single.getStructure(COMMUNE))?.services.map((s) => s.code)).toEqual(['ANCIEN', 'TRAVAUX']); // in key order, as the Query returns them;
    expect(sent).toEqual(['QueryCommand']);
  });

  it('falls back to the full read of a structure whose named service the batch could not confirm', async () => {
    const reads = readOnce(identity, (wanted) => access.structureCards(wanted));
    sent = [];
    await reads.preload([{ siret: COMMUNE, serviceCode: 'ANCIEN' }, { siret: TRESORERIE }]);
    const commune = await reads.getStructure(COMMUNE);
    expect(commune?.services.map((s) => s.code)).toEqual(['ANCIEN', 'TRAVAUX']); // in key order, as the Query returns them;
    expect(sent).toEqual(['BatchGetItemCommand', 'QueryCommand']);
  });
});
