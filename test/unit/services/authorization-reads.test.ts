import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Membership, Structure } from '../../../shared/domain/structures';
import { decideAccess, loadAccess } from '../../../shared/services/authorization';
import {
  factsArb,
  MARCHE,
  MOA,
  MOE,
  membership,
  POOL,
  SF,
  structure,
  T0,
  TITULAIRE,
  user,
} from './authorization-fixtures';

/**
 * `loadAccess` reads less than every attachment and structure of the user (issue 16: round trips per action); what
 * it reads must decide exactly as the full read does, refusal codes and messages included.
 */
const stored = <T>(x: T) => ({ ...x, version: 1 });
const outcome = (d: ReturnType<typeof decideAccess>) =>
  d.allowed ? { actor: d.actor } : { code: d.error.code, message: d.error.message };
const noStore = {
  getUser: () => Promise.reject(new Error('no read expected')),
  membershipsOfUser: () => Promise.reject(new Error('no read expected')),
  getStructure: () => Promise.reject(new Error('no read expected')),
};

/** The identity store's full reads: the user's attachments come by SIRET, as the GSI2 Query returns them. */
function fullStore(active: boolean | undefined, memberships: readonly Membership[], structures: readonly Structure[]) {
  return {
    getUser: async () => (active === undefined ? undefined : stored(user(active))),
    membershipsOfUser: async () =>
      memberships
        .filter((m) => m.userId === 'u-1')
        .sort((a, b) => a.siret.localeCompare(b.siret))
        .map(stored),
    getStructure: async (siret: string) => {
      const found = structures.find((x) => x.siret === siret);
      return found ? stored(found) : undefined;
    },
  };
}

function factsOf(r: typeof factsArb extends fc.Arbitrary<infer T> ? T : never) {
  const memberships = r.memberships.map((m) => membership(m.siret, m.status, m.spaces, m.mine ? 'u-1' : 'u-2'));
  const structures = POOL.map((s, i) => structure(s, r.structures[i]!.enabled, r.structures[i]!.active));
  return { memberships, structures };
}

describe('loadAccess: fewer reads, the same decision (random facts)', () => {
  it('decides the same from the named structure’s access items alone (one read) as from every attachment and structure', async () => {
    const named = factsArb.filter((r) => r.acting !== undefined);
    await fc.assert(
      fc.asyncProperty(named, async (r) => {
        const acting = r.acting as string;
        const { memberships, structures } = factsOf(r);
        const store = fullStore(r.active, memberships, structures);
        // What the BatchGet of shared/adapters/dynamo/access-reads.ts returns: keys user, STRUCT#acting/MEMBER#u-1,
        // STRUCT#acting/META
        const mine = memberships.find((m) => m.userId === 'u-1' && m.siret === acting);
        const card = structures.find((x) => x.siret === acting);
        const preloaded = {
          user: stored(user(r.active)),
          membership: mine ? stored(mine) : undefined,
          structure: card ? stored(card) : undefined,
        };
        const req = { userId: 'u-1', marche: MARCHE, actingSiret: acting, now: T0 };
        const full = outcome(decideAccess({ ...(await loadAccess(req, store)), space: r.space, need: r.need }));
        const one = outcome(
          decideAccess({ ...(await loadAccess(req, noStore, preloaded)), space: r.space, need: r.need }),
        );
        expect(one).toEqual(full);
      }),
      { numRuns: 1000 },
    );
  });

  it('decides the same from the user’s attachments to the marché’s structures (one read) when it names none', async () => {
    const unnamed = factsArb.filter((r) => r.acting === undefined);
    await fc.assert(
      fc.asyncProperty(unnamed, fc.boolean(), async (r, registered) => {
        const { memberships, structures } = factsOf(r);
        const active = registered ? r.active : undefined;
        const req = { userId: 'u-1', marche: MARCHE, now: T0 };
        const need = { space: r.space, need: r.need };
        const fullFacts = await loadAccess(req, fullStore(active, memberships, structures));
        const full = outcome(decideAccess({ ...fullFacts, ...need }));
        // What the BatchGet of AccessReads.callerOnMarche returns for the marché's four structures (MOA, MOE,
        // TITULAIRE, SF; OUTSIDER holds no role): the user, u-1's attachments to them and their cards, by SIRET
        const onMarche = [MOA, MOE, TITULAIRE, SF].sort();
        const batch = {
          user: active === undefined ? undefined : stored(user(active)),
          memberships: onMarche.flatMap((siret) =>
            memberships.filter((m) => m.userId === 'u-1' && m.siret === siret).map(stored),
          ),
          structures: onMarche.flatMap((siret) => structures.filter((x) => x.siret === siret).map(stored)),
        };
        let fullReads = 0;
        const counted = fullStore(active, memberships, structures);
        const read = <T>(r: Promise<T>) => {
          fullReads++;
          return r;
        };
        const store = {
          getUser: () => read(counted.getUser()),
          membershipsOfUser: () => read(counted.membershipsOfUser()),
          getStructure: (siret: string) => read(counted.getStructure(siret)),
          callerOnMarche: async (userId: string, sirets: readonly string[]) => {
            expect(userId).toBe('u-1');
            expect([...new Set(sirets)].sort()).toEqual(onMarche);
            return batch;
          },
        };
        const one = outcome(decideAccess({ ...(await loadAccess(req, store)), ...need }));
        expect(one).toEqual(full);
        // The full read only when the batch cannot decide: an account without attachment on the marché (approved or
        // pending), whose refusal names its other attachments
        const decidedAlone = !registered || batch.memberships.some((m) => m.status !== 'REFUSED');
        expect(fullReads === 0).toBe(decidedAlone);
      }),
      { numRuns: 1000 },
    );
  });
});
