/**
 * `npm run fuzz [-- --requests N] [-- --seed S] [-- --check-every K]`: the schema-driven fuzzer of the API at scale
 * (default 10,000 requests). Starts an in-memory embedded platform, seeds the demo data, then sends requests
 * generated from the OpenAPI document the platform serves (GET /v1/openapi.json, every operation it lists; test/reliability/fuzz/) and prints the count,
 * the status histogram, the 5xx count and the duration. Exit code 1 on any 5xx, malformed problem, or write
 * after a refused request.
 */
import { parseArgs } from 'node:util';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Handlers log every request at INFO: errors only (a 5xx is printed with its request anyway)
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.LOCAL_LOG_LEVEL ??= 'WARN';
const { formatStats, runFuzz } = await import('../test/reliability/fuzz/runner');
const { prepareFuzzWorld, tableSnapshot } = await import('../test/reliability/fuzz/world');

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '10000' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    'check-every': { type: 'string', default: '20' },
  },
});
const count = Number(values.requests);
const seed = Number(values.seed);

const { startPlatform } = await import('../infra/local/platform');
const platform = await startPlatform({ port: 0, inMemory: true });
let failed = true;
try {
  const world = await prepareFuzzWorld(platform);
  console.log(`Fuzz : ${count} requêtes, graine ${seed}, plateforme ${platform.url}`);
  const stats = await runFuzz({
    baseUrl: platform.url,
    document: await (await fetch(`${platform.url}/v1/openapi.json`)).json(),
    identity: world.identity,
    count,
    seed,
    checkEvery: Number(values['check-every']),
    snapshot: () => tableSnapshot(platform),
    onProgress: (done, s) =>
      console.log(`  ${done} requêtes, ${s.serverErrors.length} 5xx, ${s.badProblems.length} problèmes mal formés`),
  });
  console.log(formatStats(stats));
  failed = stats.serverErrors.length > 0 || stats.badProblems.length > 0 || stats.writesOnRefusal.length > 0;
  console.log(
    failed ? '\nÉCHEC' : '\nOK : aucune 5xx, tous les refus en problem+json français, aucune écriture après un refus.',
  );
} finally {
  await platform.stop();
}
process.exit(failed ? 1 : 0);
