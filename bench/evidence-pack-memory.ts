/**
 * Memory of building a dossier de preuve (docs/evidence-pack.md#memory): the pack of a dossier holding a 120 MB piece
 * (twelve ~10 MiB verified files: a text PDF and eleven attachments) and, for comparison, of a dossier holding one
 * small PDF, on the embedded platform. Each pack is built in a child process of its own, as a Lambda would: the
 * child loads the dossier, builds and uploads the ZIP (documents streamed from S3, multipart upload of 5 MB parts),
 * and reports its resident set size before the build and its peak during the build (sampled every 10 ms). The S3 and DynamoDB stand-ins run in the parent, so they are not counted.
 * Target: a 120 MB dossier must not need 120 MB of memory: building its pack adds at most 64 MiB to the process
 * (what is in flight: a 5 MB part being uploaded, the part being filled, stream buffers), and the peak stays well
 * inside the function's 512 MB. The small dossier shows the fixed part.
 * Run: `npm run bench -- evidence-pack` (or `npx tsx bench/evidence-pack-memory.ts`).
 */
import '../infra/local/polyfills';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { startPlatform } from '../infra/local/platform';
import { rootLogger } from '../shared/adapters/logger';
import { MAX_FILE_BYTES, MAX_PIECE_BYTES } from '../shared/domain/documents';
import { rolesOf } from '../shared/domain/marche';
import { DEMO, seedDemo } from '../shared/seed/demo';
import { serviceContext } from '../shared/services/context';
import { buildEvidencePack } from '../shared/services/evidence/pack';
import { piecesOf } from '../shared/services/pieces/context';
import { storageOf } from '../shared/services/pieces/storage';
import { largeTextPdf, textPdf } from '../test/fixtures/documents/generate';

const MIB = 1024 * 1024;
const TARGET_GROWTH_MIB = 64;
const LAMBDA_MEMORY_MIB = 512;

interface ChildReport {
  readonly documents: number;
  readonly documentBytes: number;
  readonly zipBytes: number;
  readonly seconds: number;
  readonly rssBeforeMib: number;
  readonly rssPeakMib: number;
}

/** Printable text (verifies as .txt), different per file so nothing compresses away. */
function textFile(seed: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed * 2654435761 || 1;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = 0x20 + ((x >>> 0) % 95);
  }
  return out;
}

/** The child: builds the pack of one dossier, prints one JSON line. */
async function child(dossierId: string): Promise<void> {
  const ctx = serviceContext();
  const record = await ctx.dossiers.load(dossierId);
  const marche = (await ctx.stores.marches.get(record.marcheId))?.marche;
  if (!marche) throw new Error('marché missing');
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let sampled = rssBefore;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage().rss);
  }, 10);
  const t0 = performance.now();
  const pack = await buildEvidencePack(
    { dossiers: ctx.dossiers, s3: storageOf(ctx.infra), bucket: ctx.infra.bucketName, clock: ctx.clock },
    record,
    marche,
  );
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  // Sampled, not process.resourceUsage().maxRSS: that one also holds the peak of loading (tsx compiling the modules)
  const peak = Math.max(sampled, process.memoryUsage().rss);
  const head = await storageOf(ctx.infra).send(new HeadObjectCommand({ Bucket: ctx.infra.bucketName, Key: pack.key }));
  const report: ChildReport = {
    documents: pack.documents.length,
    documentBytes: pack.documents.reduce((n, d) => n + d.bytes, 0),
    zipBytes: Number(head.ContentLength ?? 0),
    seconds,
    rssBeforeMib: rssBefore / MIB,
    rssPeakMib: peak / MIB,
  };
  console.log(JSON.stringify(report));
}

function runChild(dossierId: string): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const file = fileURLToPath(import.meta.url);
    const proc = spawn(process.execPath, [...process.execArgv, '--expose-gc', file, '--pack', dossierId], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN' },
    });
    let out = '';
    proc.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    proc.on('error', reject);
    proc.on('exit', (code) => {
      const line = out
        .trim()
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('{"documents"'));
      if (code !== 0 || !line) reject(new Error(`child exited ${code}: ${out.slice(-2000)}`));
      else resolve(JSON.parse(line) as ChildReport);
    });
  });
}

/** A dossier opened by the demo's mandataire with one PDM (A4) whose files are `files` (the first is the main PDF). */
async function dossierWith(
  files: readonly { name: string; bytes: Uint8Array }[],
  numero: string,
  settle: () => Promise<void>,
): Promise<string> {
  const ctx = serviceContext();
  const marche = (await ctx.stores.marches.get(DEMO.marcheId))?.marche;
  if (!marche) throw new Error('demo marché missing');
  const actor = { siret: DEMO.sirets.mandataire, roles: rolesOf(marche, DEMO.sirets.mandataire) };
  const draft = await piecesOf(ctx).createDraft({
    actor,
    userId: DEMO.users.mandataire.id,
    marche,
    cadre: 'A4',
    numero,
    montants: { htCents: 10_000_000, tvaCents: 2_000_000, ttcCents: 12_000_000 },
  });
  for (const [i, f] of files.entries()) {
    const form = await piecesOf(ctx).requestUploadForm({
      actor,
      dossierId: draft.dossierId,
      pieceId: draft.pieceId,
      fileName: f.name,
      size: f.bytes.length,
      role: i === 0 ? 'MAIN' : 'ATTACHMENT',
    });
    const body = new FormData();
    for (const [k, v] of Object.entries(form.fields)) body.append(k, v);
    body.append('file', new Blob([f.bytes]), f.name);
    const res = await fetch(form.url, { method: 'POST', body });
    if (res.status !== 204) throw new Error(`POST ${res.status}: ${await res.text()}`);
  }
  await settle(); // every file verified (ObjectCreated) before « Valider et envoyer »
  return sendDraft(draft.dossierId, draft.pieceId);
}

async function sendDraft(dossierId: string, pieceId: string): Promise<string> {
  const sent = await piecesOf(serviceContext()).send({ userId: DEMO.users.mandataire.id, dossierId, pieceId });
  return sent.dossier.dossier.id;
}

async function main(): Promise<void> {
  // The verifier logs each file at INFO through the root logger created when the handlers were imported, before this
  // line: set its level itself (as bench/upload-throughput.ts does), so that the figures stay readable
  process.env.LOCAL_LOG_LEVEL = 'WARN';
  const platform = await startPlatform({ port: 0, inMemory: true });
  rootLogger().setLogLevel('WARN');
  const settle = () => platform.settle();
  try {
    const ctx = serviceContext();
    await seedDemo({ identity: ctx.stores.identity, marches: ctx.stores.marches }, platform.clock.now());

    const small = await dossierWith(
      [{ name: 'pdm.pdf', bytes: await textPdf([['Projet de décompte mensuel n° 1']]) }],
      'MEM-PETIT',
      settle,
    );
    const count = MAX_PIECE_BYTES / MAX_FILE_BYTES;
    const large = [
      { name: 'pdm.pdf', bytes: await largeTextPdf(MAX_FILE_BYTES - 64 * 1024) },
      ...Array.from({ length: count - 1 }, (_, i) => ({
        name: `annexe-${i + 1}.txt`,
        bytes: textFile(i + 1, MAX_FILE_BYTES - 64 * 1024),
      })),
    ];
    const big = await dossierWith(large, 'MEM-GRAND', settle);

    const rows: [string, ChildReport][] = [];
    for (const [label, id] of [
      ['1 petit PDF', small],
      ['120 Mo', big],
    ] as const) {
      const r = await runChild(id);
      rows.push([label, r]);
    }
    console.log('Dossier de preuve : mémoire du processus qui le constitue (RSS, MiB)');
    console.log('  dossier        documents  taille docs  ZIP       durée   RSS avant  RSS pic  croissance');
    for (const [label, r] of rows) {
      console.log(
        `  ${label.padEnd(13)}  ${String(r.documents).padStart(9)}  ${(r.documentBytes / MIB).toFixed(1).padStart(8)} MiB` +
          `  ${(r.zipBytes / MIB).toFixed(1).padStart(5)} MiB  ${r.seconds.toFixed(1).padStart(5)} s` +
          `  ${r.rssBeforeMib.toFixed(0).padStart(9)}  ${r.rssPeakMib.toFixed(0).padStart(7)}  ${(r.rssPeakMib - r.rssBeforeMib).toFixed(0).padStart(10)}`,
      );
    }
    const measured = rows[1]?.[1];
    const growth = measured ? measured.rssPeakMib - measured.rssBeforeMib : Number.NaN;
    const peak = measured?.rssPeakMib ?? Number.NaN;
    const met = growth <= TARGET_GROWTH_MIB && peak < LAMBDA_MEMORY_MIB;
    console.log(
      `Cible : le dossier de 120 Mo ajoute ≤ ${TARGET_GROWTH_MIB} MiB, pic < ${LAMBDA_MEMORY_MIB} MiB (mémoire de la fonction)` +
        ` → ${met ? 'atteinte' : 'MANQUÉE'} (+${growth.toFixed(0)} MiB, pic ${peak.toFixed(0)} MiB).`,
    );
  } finally {
    await platform.stop();
  }
}

const packArg = process.argv.indexOf('--pack');
const run = packArg > 0 ? child(process.argv[packArg + 1] as string) : main();
run.catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
