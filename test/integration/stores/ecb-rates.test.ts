import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scheduledFetchHandler } from '../../../functions/rates/scheduled-fetch';
import { runOperateurs } from '../../../scripts/operateurs';
import { ECB_RATE_CACHE_MS, EcbRateStore } from '../../../shared/adapters/dynamo/ecb-rate-store';
import { OperatorStore } from '../../../shared/adapters/dynamo/operator-store';
import { fetchEcbSeries } from '../../../shared/adapters/ecb-api';
import { ECB_RATE_METRICS } from '../../../shared/adapters/metrics';
import { createUser } from '../../../shared/domain/structures/user';
import { createContext, infrastructureFromEnv } from '../../../shared/services/context';
import { EcbRateImport } from '../../../shared/services/ecb-rate-import';
import { EcbRateService } from '../../../shared/services/ecb-rate-service';
import { resolveOperator } from '../../../shared/services/operator-authorization';
import { domainErrorOf, type LocalDynamo, startLocalDynamo } from './local-table';

/**
 * The fetcher against a local server serving recorded answers of the ECB Data Portal API (SDMX-CSV, the format the
 * ECB documents at https://data.ecb.europa.eu/help/api/data), and the rate store on DynamoDB Local.
 */
const RECORDED = readFileSync(new URL('../../fixtures/ecb/mro-sdmx.csv', import.meta.url), 'utf8');
const HEADER = RECORDED.split('\n')[0]!;
const NOW = new Date('2026-12-03T08:00:00Z');

let dynamo: LocalDynamo;
let server: Server;
let baseUrl: string;
/** What the server answers next: status and body. */
let answer: { status: number; body: string } = { status: 200, body: RECORDED };
let store: EcbRateStore;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  server = createServer((_req, res) => {
    res.writeHead(answer.status, { 'content-type': 'text/csv' });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/service/data/FM/D.U2.EUR.4F.KR.MRR_FR.LEV`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await dynamo?.stop();
});
beforeEach(async () => {
  const { table } = await dynamo.freshTable();
  store = new EcbRateStore(dynamo.doc, table);
  answer = { status: 200, body: RECORDED };
});

function service(): EcbRateImport {
  return new EcbRateImport(new EcbRateService({ store }), () => fetchEcbSeries(baseUrl));
}

describe('the rate table a process reuses (EcbRateStore.recent)', () => {
  it('reads the table once for a minute, and reads it again at once after a rate is recorded in the process', async () => {
    const queries: string[] = [];
    dynamo.doc.use('countEcbQueries', (next) => async (command) => {
      if (command.operation === 'Query') queries.push(command.operation);
      return next(command);
    });
    try {
      const t0 = 1_000_000; // an instant of performance.now(), in ms
      expect(await store.recent(t0)).toEqual([]);
      expect(await store.recent(t0 + ECB_RATE_CACHE_MS - 1)).toEqual([]);
      expect(queries).toHaveLength(1);
      // Recorded through another store of the same table (a CLI import in this process): the next read sees it
      const other = new EcbRateStore(dynamo.doc, store.table);
      await other.record({ halfYearStart: '2026-07-01' as never, rateBp: 215, source: 'OPERATEUR' }, 'op', NOW);
      expect((await store.recent(t0 + 1)).map((r) => r.rateBp)).toEqual([215]);
      expect(queries).toHaveLength(2);
      // Past the minute, the table is read again
      await store.recent(t0 + 1 + ECB_RATE_CACHE_MS);
      expect(queries).toHaveLength(3);
    } finally {
      dynamo.doc.remove('countEcbQueries');
    }
  });
});

describe('scheduled fetch of the ECB rates', () => {
  it('records each half-year once, then ignores the same series published again', async () => {
    const first = await service().fetchFromEcb('SYSTEME', NOW, baseUrl);
    // changes from 2022-07-27 to 2025-06-11, fetched on 2026-12-03: 2023-01-01 … 2026-07-01 = 8 half-years
    expect(first.enregistres.map((r) => r.semestre)).toEqual([
      '2023-01-01',
      '2023-07-01',
      '2024-01-01',
      '2024-07-01',
      '2025-01-01',
      '2025-07-01',
      '2026-01-01',
      '2026-07-01',
    ]);
    expect(first.refuses).toEqual([]);
    const journalAfterFirst = await store.journal();
    expect(journalAfterFirst).toHaveLength(8);

    const again = await service().fetchFromEcb('SYSTEME', NOW, baseUrl);
    expect(again.enregistres).toEqual([]);
    expect(again.dejaConnus).toHaveLength(8);
    expect(await store.journal()).toHaveLength(8);

    const rates = await store.list();
    expect(rates.find((r) => r.halfYearStart === '2026-07-01')).toMatchObject({
      rateBp: 215,
      source: 'API_BCE',
      effectiveSince: '2025-06-11',
      recordedBy: 'SYSTEME',
      recordedAt: NOW.toISOString(),
    });
  });

  it('refuses a different value for a recorded half-year, and records the others', async () => {
    await store.record({ halfYearStart: '2026-07-01' as never, rateBp: 200, source: 'OPERATEUR' }, 'op', NOW);
    const report = await service().fetchFromEcb('SYSTEME', NOW, baseUrl);
    expect(report.refuses).toEqual([
      expect.objectContaining({ semestre: '2026-07-01', code: 'TAUX_BCE_DEJA_ENREGISTRE' }),
    ]);
    expect(report.enregistres).toHaveLength(7);
    expect((await store.get('2026-07-01'))?.rateBp).toBe(200);
  });

  it.each<[string, { status: number; body: string }, string]>([
    [
      'a malformed answer',
      { status: 200, body: `${HEADER}\nFM.D.U2.EUR.4F.KR.MRR_FR.LEV,D,U2,EUR,4F,KR,MRR_FR,LEV,2025-06-11,2,15` },
      'TAUX_BCE_REPONSE_ILLISIBLE',
    ],
    [
      'an HTML page',
      { status: 200, body: '<!DOCTYPE html><html><body>Maintenance</body></html>' },
      'TAUX_BCE_REPONSE_ILLISIBLE',
    ],
    ['an empty series', { status: 200, body: `${HEADER}\n` }, 'TAUX_BCE_REPONSE_VIDE'],
    ['the API’s “no results” (404)', { status: 404, body: 'No results found.' }, 'TAUX_BCE_REPONSE_VIDE'],
    ['a server error', { status: 503, body: 'Service Unavailable' }, 'BCE_INJOIGNABLE'],
  ])('refuses %s without writing anything', async (_what, reply, code) => {
    answer = reply;
    const e = await domainErrorOf(service().fetchFromEcb('SYSTEME', NOW, baseUrl));
    expect(e.code).toBe(code);
    expect(await store.list()).toEqual([]);
    expect(await store.journal()).toEqual([]);
  });

  it('says clearly when the ECB cannot be reached, and what to do instead', async () => {
    // port 9 (discard) on 127.0.0.1: nothing listens
    const offline = new EcbRateImport(new EcbRateService({ store }), () => fetchEcbSeries('http://127.0.0.1:9/x'));
    const e = await domainErrorOf(offline.fetchFromEcb('SYSTEME', NOW, 'x'));
    expect(e.code).toBe('BCE_INJOIGNABLE');
    expect(e.message).toContain('npm run taux-bce -- importer');
  });

  it('reports the current half-year as missing until its rate is recorded', async () => {
    expect((await new EcbRateService({ store }).missingCurrent(NOW))?.semestre).toBe('2026-07-01');
    await service().fetchFromEcb('SYSTEME', NOW, baseUrl);
    expect(await new EcbRateService({ store }).missingCurrent(NOW)).toBeUndefined();
  });
});

describe('the scheduled function on AWS (functions/rates/scheduled-fetch.ts)', () => {
  /** The handler on the composition root's services over this table, reading the ECB at ECB_API_URL. */
  function run(at: Date) {
    const published: Record<string, number>[] = [];
    const previous = process.env.ECB_API_URL;
    process.env.ECB_API_URL = baseUrl;
    const ctx = createContext(
      infrastructureFromEnv({ dynamo: dynamo.doc, tableName: store.table, clock: { now: () => at } }),
    );
    const handler = scheduledFetchHandler(
      () => ctx,
      () => ({ publish: (counts) => published.push({ ...counts }) }),
    );
    return handler().then(
      (outcome) => {
        process.env.ECB_API_URL = previous;
        return { outcome, published };
      },
      (e: unknown) => {
        process.env.ECB_API_URL = previous;
        throw e;
      },
    );
  }

  it('records the new half-years once, reports nothing missing, and records nothing on a second run', async () => {
    const first = await run(NOW);
    // the recorded series (last change 2025-06-11) read on 2026-12-03: 2023-01-01 … 2026-07-01 = 8 half-years
    expect(first.outcome.report?.enregistres).toHaveLength(8);
    expect(first.published).toEqual([
      { [ECB_RATE_METRICS.missingHalfYear]: 0, [ECB_RATE_METRICS.fetchFailed]: 0, [ECB_RATE_METRICS.recorded]: 8 },
    ]);
    expect((await store.get('2026-07-01'))?.recordedBy).toBe('SYSTEME:releve-planifie');
    expect((await store.get('2026-07-01'))?.reference).toBe(baseUrl);

    const second = await run(NOW);
    expect(second.outcome.report?.dejaConnus).toHaveLength(8);
    expect(second.published[0]?.[ECB_RATE_METRICS.recorded]).toBe(0);
    expect(await store.journal()).toHaveLength(8);
  });

  it('on a malformed answer writes nothing and publishes the failure and the missing half-year', async () => {
    answer = { status: 200, body: `${HEADER}\nFM.D.U2.EUR.4F.KR.MRR_FR.LEV,D,U2,EUR,4F,KR,MRR_FR,LEV,2025-06-11,deux` };
    const { outcome, published } = await run(NOW);
    expect(outcome.failure?.code).toBe('TAUX_BCE_REPONSE_ILLISIBLE');
    expect(outcome.missing?.semestre).toBe('2026-07-01');
    expect(published).toEqual([
      { [ECB_RATE_METRICS.missingHalfYear]: 1, [ECB_RATE_METRICS.fetchFailed]: 1, [ECB_RATE_METRICS.recorded]: 0 },
    ]);
    expect(await store.list()).toEqual([]);
  });

  it('on 1 January records the new half-year from the same series, 15 minutes after it starts', async () => {
    // 2027-01-01 00:15 Paris = 2026-12-31 23:15 UTC; the rate in force on 1 January 2027 is the latest change
    // on or before it: 2,15 % since 11 June 2025.
    const { outcome, published } = await run(new Date('2026-12-31T23:15:00Z'));
    expect(outcome.report?.enregistres).toContainEqual({ semestre: '2027-01-01', tauxPointsBase: 215 });
    expect(outcome.missing).toBeUndefined();
    expect(published[0]?.[ECB_RATE_METRICS.missingHalfYear]).toBe(0);
  });
});

describe('npm run operateurs: how an operator is made on AWS', () => {
  it('grants the account of a login address, once; the API check then lets it through; retirer withdraws it', async () => {
    const { table, identity } = await dynamo.freshTable();
    const operators = new OperatorStore(dynamo.doc, table);
    await identity.commit(identity.userWrites(createUser({ id: 'U-OPS-1', loginAddress: 'ops@example.fr' }, NOW), 0));
    const lines: string[] = [];
    const deps = { identity, operators, now: () => NOW, print: (l: string) => lines.push(l), by: 'CLI:test' };

    await expect(resolveOperator('U-OPS-1', { identity, operators })).rejects.toMatchObject({
      code: 'ROLE_OPERATEUR_REQUIS',
    });
    expect(await runOperateurs(['accorder', 'ops@example.fr'], deps)).toBe(0);
    expect(await runOperateurs(['accorder', 'ops@example.fr'], deps)).toBe(0);
    expect(lines).toEqual([
      'ops@example.fr est maintenant opérateur de la plateforme.',
      "ops@example.fr était déjà opérateur de la plateforme : rien n'a changé.",
    ]);
    expect(await operators.list()).toEqual([
      { userId: 'U-OPS-1', loginAddress: 'ops@example.fr', grantedAt: NOW.toISOString(), grantedBy: 'CLI:test' },
    ]);
    expect(await resolveOperator('U-OPS-1', { identity, operators })).toEqual({
      userId: 'U-OPS-1',
      loginAddress: 'ops@example.fr',
    });

    expect(await runOperateurs(['retirer', 'ops@example.fr'], deps)).toBe(0);
    expect(await operators.list()).toEqual([]);
  });

  it('refuses an address without an account, and prints the usage without a command', async () => {
    const { table, identity } = await dynamo.freshTable();
    const operators = new OperatorStore(dynamo.doc, table);
    const lines: string[] = [];
    const deps = { identity, operators, now: () => NOW, print: (l: string) => lines.push(l) };
    expect(await runOperateurs(['accorder', 'personne@example.fr'], deps)).toBe(1);
    expect(lines[0]).toMatch(/^Refusé \(UTILISATEUR_INCONNU\)/);
    expect(await operators.list()).toEqual([]);
    expect(await runOperateurs(['accorder'], deps)).toBe(2);
    expect(await runOperateurs([], deps)).toBe(2);
  });
});
