import { describe, expect, it } from 'vitest';
import { DEMO } from '../../shared/seed/demo';
import { contextWith } from '../../shared/services/context';
import { signInAs } from '../integration/api/dossiers/client';
import { usePlatform } from '../setup/platform';
import { identityMutation, structureMutation } from './fuzz/requests';
import { formatStats, fuzzRequests, runFuzz } from './fuzz/runner';
import { prepareFuzzWorld, tableSnapshot } from './fuzz/world';

/**
 * The schema-driven fuzzer at a CI size (npm run fuzz runs it at 10,000 requests): requests generated from the
 * OpenAPI document the platform serves, on every operation it lists, valid-ish or broken in one place, signed by
 * each demo account or by refused tokens. No 5xx; every refusal a problem+json with a French detail; and the table
 * compared after every request: a refused request never wrote anything.
 */
const REQUESTS = 240;

/** The version of each demo structure and of the demo marché: any accepted change moves one. */
async function demoVersions(): Promise<Record<string, number | undefined>> {
  const { stores } = contextWith({});
  const out: Record<string, number | undefined> = {};
  for (const siret of Object.values(DEMO.sirets)) out[siret] = (await stores.identity.getStructure(siret))?.version;
  out[DEMO.marcheId] = (await stores.marches.get(DEMO.marcheId))?.version;
  return out;
}

describe('schema-driven fuzz of the API', () => {
  const platform = usePlatform();
  // One world per platform (its accounts and dossiers are created once)
  let prepared: ReturnType<typeof prepareFuzzWorld> | undefined;
  const fuzzWorld = () => {
    prepared ??= prepareFuzzWorld(platform());
    return prepared;
  };

  it(`answers ${REQUESTS} generated requests without a 5xx, in problem+json, writing nothing when it refuses`, async () => {
    const p = platform();
    const world = await fuzzWorld();
    const document = await (await fetch(`${p.url}/v1/openapi.json`)).json();
    const demoBefore = await demoVersions();
    const stats = await runFuzz({
      baseUrl: p.url,
      document,
      identity: world.identity,
      count: REQUESTS,
      // A fixed seed: a failure here replays with `npm run fuzz -- --requests 240 --seed 20261203 --check-every 1`
      seed: 20_261_203,
      checkEvery: 1,
      snapshot: () => tableSnapshot(p),
    });
    const report = formatStats(stats);
    expect(stats.requests, report).toBe(REQUESTS);
    // Every operation of the document was tried: 240 requests over the operations, taken in turn
    expect(stats.operations, report).toBeGreaterThan(50);
    expect(stats.serverErrors, report).toEqual([]);
    expect(stats.badProblems, report).toEqual([]);
    expect(stats.writesOnRefusal, report).toEqual([]);
    // Refusals of each kind were exercised, not only successes
    for (const status of ['400', '401', '404', '422']) expect(stats.byStatus[status] ?? 0, report).toBeGreaterThan(0);
    // The demo accounts are intact: the operations that change accounts were signed by, and named, throw-away ones
    for (const u of Object.values(DEMO.users)) {
      const me = await fetch(`${p.url}/v1/moi`, {
        headers: { authorization: `Bearer ${(await signInAs(p.url, u.login)).token}` },
      });
      expect(me.status, `${u.login} ${report}`).toBe(200);
      // (a deactivated account still reads its own profile: its flag says it)
      expect(((await me.json()) as { utilisateur: { actif: boolean } }).utilisateur.actif, u.login).toBe(true);
    }
    // … and so are the demo structures and the demo marché: their changes were signed by, and named, a throw-away
    // structure's GP (their versions would have moved with any accepted change)
    expect(await demoVersions(), report).toEqual(demoBefore);
  }, 120_000);

  it('signs every request that changes a structure or a marché with the throw-away structure’s GP, naming no demo structure', async () => {
    const p = platform();
    const world = await fuzzWorld();
    const document = await (await fetch(`${p.url}/v1/openapi.json`)).json();
    const gp = new Set(Object.keys(world.identity.throwAwayStructure?.tokens ?? {}));
    expect(gp.size).toBe(1);
    // the operations that change a structure or a marché, by their declared path
    const paths = (document as { paths: Record<string, Record<string, { operationId?: string }>> }).paths;
    const mutating = new Set(
      Object.entries(paths).flatMap(([path, methods]) =>
        Object.entries(methods)
          .filter(([method]) => structureMutation({ method: method.toUpperCase(), path }))
          .map(([, op]) => op.operationId),
      ),
    );
    const requests = fuzzRequests(document, world.identity, 3000, 11).filter(
      (r) => r.kind !== 'chemin' && mutating.has(r.operationId),
    );
    // structures (card, services, spaces, technical account, SIRET change, creation) and marchés (creation, avenant)
    expect(new Set(requests.map((r) => r.operationId)).size).toBeGreaterThanOrEqual(8);
    for (const r of requests) {
      expect(gp.has(r.who) || r.who === 'jeton-invalide' || r.who === 'sans-jeton', `${r.who} ${r.operationId}`).toBe(
        true,
      );
      expect(r.url, r.operationId).not.toContain(DEMO.marcheId);
      for (const siret of Object.values(DEMO.sirets)) expect(r.url, r.operationId).not.toContain(siret);
    }
  });

  it('signs every request that changes an account with a throw-away account, naming only throw-away users', async () => {
    const p = platform();
    const world = await fuzzWorld();
    const document = await (await fetch(`${p.url}/v1/openapi.json`)).json();
    const throwAway = new Set(Object.keys(world.identity.throwAway?.tokens ?? {}));
    expect(throwAway.size).toBe(4);
    // (a request whose path was broken on purpose is told apart by its operation's path, not its own)
    const requests = fuzzRequests(document, world.identity, 3000, 7).filter(
      (r) => r.kind !== 'chemin' && identityMutation({ method: r.method, path: r.url.split('?')[0] ?? '' }),
    );
    // /v1/moi (deactivation, profile, sign-ins), /v1/utilisateurs, members, attachments, principal manager
    expect(new Set(requests.map((r) => r.operationId)).size).toBeGreaterThanOrEqual(5);
    for (const r of requests) {
      expect(
        throwAway.has(r.who) || r.who === 'jeton-invalide' || r.who === 'sans-jeton',
        `${r.who} ${r.operationId} ${r.method} ${r.url}`,
      ).toBe(true);
      for (const u of Object.values(DEMO.users)) expect(`${r.url} ${r.body ?? ''}`).not.toContain(u.id);
    }
  });
});
