/**
 * `npm run soak [-- --minutes N] [-- --concurrency C]`: a bounded soak of the embedded platform (default 10 minutes,
 * 8 concurrent clients). Starts an in-memory platform in this process, seeds the demo data, then runs mixed traffic
 * as the demo accounts would: reads of dossiers, lists, Synthèse, tableau de bord, notifications, and writes (new
 * drafts with a unique number, edits of them, deletions). Prints per minute: requests, throughput, p50/p99 latency,
 * errors, and the process's RSS and heap (the platform runs in this process), so that a drift shows.
 */
import { parseArgs } from 'node:util';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.LOCAL_LOG_LEVEL ??= 'WARN';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '10' }, concurrency: { type: 'string', default: '8' } },
});
const minutes = Number(values.minutes);
const concurrency = Number(values.concurrency);

const { startPlatform } = await import('../infra/local/platform');
const { prepareFuzzWorld } = await import('../test/reliability/fuzz/world');
const { DEMO } = await import('../shared/seed/demo');

interface Minute {
  latencies: number[];
  errors: number;
  statuses: Record<string, number>;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const platform = await startPlatform({ port: 0, inMemory: true });
let failed = false;
try {
  const world = await prepareFuzzWorld(platform);
  const token = (login: string) => world.identity.tokens[login] ?? '';
  const [dossierId] = world.dossierIds;
  const S = DEMO.sirets;
  const reads: [string, string][] = [
    [DEMO.users.mandataire.login, `/v1/dossiers/${dossierId}`],
    [DEMO.users.mandataire.login, `/v1/dossiers/${dossierId}/historique`],
    [DEMO.users.moe.login, `/v1/dossiers/${dossierId}/delai`],
    [DEMO.users.moa.login, `/v1/structures/${S.moa}/synthese`],
    [DEMO.users.moa.login, `/v1/structures/${S.moa}/tableau-de-bord`],
    [DEMO.users.mandataire.login, `/v1/marches/${DEMO.marcheId}/dossiers`],
    [DEMO.users.sousTraitant.login, `/v1/structures/${S.sousTraitant}/brouillons`],
    [DEMO.users.moe.login, '/v1/moi/notifications'],
    [DEMO.users.moa.login, '/v1/dossiers?ouvert=true'],
  ];
  const current: { minute: Minute } = { minute: { latencies: [], errors: 0, statuses: {} } };
  let sequence = 0;
  const call = async (
    login: string,
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ) => {
    const started = performance.now();
    const res = await fetch(`${platform.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token(login)}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(method !== 'GET' ? { 'idempotency-key': `soak-${process.pid}-${sequence++}` } : {}),
        ...extra,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    const m = current.minute;
    m.latencies.push(performance.now() - started);
    m.statuses[res.status] = (m.statuses[res.status] ?? 0) + 1;
    if (res.status >= 500) m.errors++;
    return { status: res.status, text, etag: res.headers.get('etag') };
  };
  // One write cycle in five: a sous-traitant's draft created, edited, deleted (the table does not grow without end)
  const writeCycle = async () => {
    const st = DEMO.users.sousTraitant.login;
    const created = await call(st, 'POST', `/v1/marches/${DEMO.marcheId}/pieces`, {
      cadre: 'A9',
      numero: `SOAK-${process.pid}-${sequence}`,
    });
    if (created.status !== 201) return;
    const { dossierId: d, id: p } = JSON.parse(created.text) as { dossierId: string; id: string };
    const edited = await call(
      st,
      'PATCH',
      `/v1/dossiers/${d}/pieces/${p}`,
      { montants: { ht: '100.00', tva: '20.00', ttc: '120.00' } },
      { 'if-match': created.etag ?? '"1"' },
    );
    await call(st, 'DELETE', `/v1/dossiers/${d}/pieces/${p}`, undefined, {
      'if-match': edited.etag ?? created.etag ?? '"1"',
    });
  };
  const until = Date.now() + minutes * 60_000;
  const client = async (n: number) => {
    for (let i = n; Date.now() < until; i++) {
      if (i % 5 === 0) await writeCycle();
      else {
        const [login, path] = reads[i % reads.length] as [string, string];
        await call(login, 'GET', path);
      }
    }
  };
  console.log(`Soak : ${minutes} min, ${concurrency} clients, plateforme ${platform.url}`);
  console.log('minute  requêtes  req/s   p50 ms   p99 ms  5xx   RSS Mo  tas Mo  statuts');
  let minuteIndex = 0;
  const report = () => {
    const m = current.minute;
    current.minute = { latencies: [], errors: 0, statuses: {} };
    const sorted = [...m.latencies].sort((a, b) => a - b);
    const mem = process.memoryUsage();
    minuteIndex++;
    if (m.errors > 0) failed = true;
    console.log(
      `${String(minuteIndex).padStart(6)}  ${String(sorted.length).padStart(8)}  ${(sorted.length / 60).toFixed(1).padStart(5)}  ${percentile(sorted, 50).toFixed(1).padStart(7)}  ${percentile(sorted, 99).toFixed(1).padStart(7)}  ${String(m.errors).padStart(3)}  ${(mem.rss / 2 ** 20).toFixed(0).padStart(7)}  ${(mem.heapUsed / 2 ** 20).toFixed(0).padStart(6)}  ${Object.entries(
        m.statuses,
      )
        .map(([s, n]) => `${s}:${n}`)
        .join(' ')}`,
    );
  };
  const timer = setInterval(report, 60_000);
  await Promise.all(Array.from({ length: concurrency }, (_, n) => client(n)));
  clearInterval(timer);
} finally {
  await platform.stop();
}
console.log(failed ? '\nÉCHEC : des 5xx pendant le soak' : '\nOK : aucune 5xx');
process.exit(failed ? 1 : 0);
