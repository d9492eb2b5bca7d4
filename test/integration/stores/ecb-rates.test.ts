import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EcbRateStore } from '../../../shared/adapters/dynamo/ecb-rate-store';
import { fetchEcbSeries } from '../../../shared/adapters/ecb-api';
import { EcbRateService } from '../../../shared/services/ecb-rate-service';
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

function service(): EcbRateService {
  return new EcbRateService({ store, fetchSeries: () => fetchEcbSeries(baseUrl) });
}

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
    const offline = new EcbRateService({ store, fetchSeries: () => fetchEcbSeries('http://127.0.0.1:9/x') });
    const e = await domainErrorOf(offline.fetchFromEcb('SYSTEME', NOW, 'x'));
    expect(e.code).toBe('BCE_INJOIGNABLE');
    expect(e.message).toContain('npm run taux-bce -- importer');
  });

  it('reports the current half-year as missing until its rate is recorded', async () => {
    expect((await service().missingCurrent(NOW))?.semestre).toBe('2026-07-01');
    await service().fetchFromEcb('SYSTEME', NOW, baseUrl);
    expect(await service().missingCurrent(NOW)).toBeUndefined();
  });
});
