/**
 * Reliability figures in one run, with their targets: the sweeper of lost S3 events (uploads whose event is
 * dropped, settled once their forms expired), the schema-driven fuzzer (count, status histogram, 5xx, duration) and
 * the crash rounds (SIGKILL at random points while deadlines fall due; losses). Exit code 1 when a target is missed.
 *
 *   npm run bench -- reliability
 *   RELIABILITY_FUZZ=10000 RELIABILITY_CRASH_ROUNDS=12 RELIABILITY_UPLOADS=50 npx tsx bench/reliability.ts
 */
import { performance } from 'node:perf_hooks';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.LOCAL_LOG_LEVEL ??= 'ERROR';

const FUZZ = Number(process.env.RELIABILITY_FUZZ ?? 1000);
const CRASH_ROUNDS = Number(process.env.RELIABILITY_CRASH_ROUNDS ?? 4);
const UPLOADS = Number(process.env.RELIABILITY_UPLOADS ?? 20);

const { startPlatform } = await import('../infra/local/platform');
const { objectCreatedHandler } = await import('../functions/documents/object-created');
const { documentsWorld, objectKeyOf, postFile } = await import('../test/integration/documents/helpers');
const { textPdf } = await import('../test/fixtures/documents/generate');
const { formatStats, runFuzz } = await import('../test/reliability/fuzz/runner');
const { prepareFuzzWorld, tableSnapshot } = await import('../test/reliability/fuzz/world');
const { runCrashRounds } = await import('../test/reliability/crash/harness');

const misses: string[] = [];
const target = (ok: boolean, text: string) => {
  console.log(`  objectif : ${text} — ${ok ? 'atteint' : 'MANQUÉ'}`);
  if (!ok) misses.push(text);
};

// 1. Lost S3 events: the verifying function drops every event; the sweeper settles the uploads
const lost = new Set<string>();
const verify = objectCreatedHandler();
const platform = await startPlatform({
  port: 0,
  inMemory: true,
  extend: (stack) => {
    const id = stack.getLogicalId(stack.functions.get('documentsObjectCreated').node.defaultChild as never);
    const dropping = async (event: unknown) => {
      const records = (event as { Records: { s3: { object: { key: string } } }[] }).Records;
      if (records.some((r) => lost.has(decodeURIComponent(r.s3.object.key)))) return [];
      return verify(event as never);
    };
    return { lambdaHandlers: { [id]: dropping } };
  },
});
try {
  console.log(
    `Événements S3 perdus : ${UPLOADS} dépôts dont l'événement n'arrive pas, ${UPLOADS} formulaires inutilisés`,
  );
  const w = await documentsWorld(platform);
  const actor = w.actor('mandataire');
  const files: { dossierId: string; pieceId: string; posted: string; unused: string }[] = [];
  for (let i = 0; i < UPLOADS; i++) {
    const d = await w.pieces.createDraft({
      actor,
      userId: 'u-titulaire',
      marche: w.marche,
      cadre: 'A4',
      numero: `BENCH-PERDU-${i}`,
      montants: { htCents: 1_000_000, tvaCents: 200_000, ttcCents: 1_200_000 },
      datePiece: platform.clock.now().toISOString().slice(0, 10),
    });
    const bytes = await textPdf([[`Situation n° ${i}`, 'Montant : 1 000,00 €']]);
    const where = { actor, dossierId: d.dossierId, pieceId: d.pieceId };
    const main = await w.pieces.requestUploadForm({ ...where, fileName: 's.pdf', size: bytes.length, role: 'MAIN' });
    const unused = await w.pieces.requestUploadForm({ ...where, fileName: 'a.pdf', size: 5000, role: 'ATTACHMENT' });
    lost.add(await objectKeyOf(platform, d.dossierId, d.pieceId, main.fileId));
    const posted = await postFile(main, bytes);
    if (posted.status !== 204) throw new Error(`dépôt ${i} : ${posted.status} ${posted.text}`);
    files.push({ dossierId: d.dossierId, pieceId: d.pieceId, posted: main.fileId, unused: unused.fileId });
  }
  await platform.settle();
  // Forms live 5 minutes, released 15 minutes after: 21 minutes later every one is due
  const t0 = performance.now();
  await platform.advanceClock({ minutes: 21 });
  const sweepSeconds = (performance.now() - t0) / 1000;
  let verified = 0;
  let expired = 0;
  let other = 0;
  for (const f of files) {
    const draft = await w.pieces.getDraft(f.dossierId, f.pieceId);
    for (const file of draft.files) {
      if (file.fileId === f.posted && file.status === 'VERIFIE') verified += 1;
      else if (file.fileId === f.unused && file.status === 'EXPIRE') expired += 1;
      else other += 1;
    }
  }
  console.log(
    `  balayage : ${verified}/${UPLOADS} vérifiés sans leur événement, ${expired}/${UPLOADS} formulaires libérés, ` +
      `${other} autres · ${sweepSeconds.toFixed(1)} s (avance de l'horloge et balayages compris)`,
  );
  target(verified === UPLOADS && expired === UPLOADS && other === 0, 'tout dépôt réglé, aucune perte');

  // 2. The fuzzer, on the same platform (its demo data seeded again by the fuzz world)
  lost.clear();
  console.log(`\nFuzz : ${FUZZ} requêtes générées du document OpenAPI`);
  const world = await prepareFuzzWorld(platform);
  const stats = await runFuzz({
    baseUrl: platform.url,
    document: await (await fetch(`${platform.url}/v1/openapi.json`)).json(),
    identity: world.identity,
    count: FUZZ,
    seed: 20_261_203,
    checkEvery: 20,
    snapshot: () => tableSnapshot(platform),
  });
  console.log(
    formatStats(stats)
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
  target(stats.serverErrors.length === 0, `0 × 5xx (${stats.serverErrors.length})`);
  target(stats.badProblems.length === 0 && stats.writesOnRefusal.length === 0, 'refus en problem+json, sans écriture');
} finally {
  await platform.stop();
}

// 3. Crash rounds, each platform in a child process killed with SIGKILL
console.log(`\nCrash : ${CRASH_ROUNDS} arrêts brutaux (SIGKILL)`);
const crash = await runCrashRounds({ rounds: CRASH_ROUNDS, seed: 20_301_007, log: (l) => console.log(`  ${l}`) });
console.log(
  `  ${crash.kills} arrêts en ${crash.scenarios} scénarios, ${crash.acknowledged} opérations acquittées avant un arrêt, ` +
    `${crash.dossiers} dossiers, ${crash.problems.length} perte(s) ou anomalie(s) · ${crash.seconds.toFixed(1)} s`,
);
for (const p of crash.problems) console.log(`  ✗ ${p}`);
target(crash.problems.length === 0, '0 perte, chaque délai appliqué une fois, chaînes intègres');

console.log(misses.length === 0 ? '\nobjectifs : tous atteints' : `\nobjectifs MANQUÉS : ${misses.join(' ; ')}`);
process.exit(misses.length === 0 ? 0 : 1);
