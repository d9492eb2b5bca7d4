/**
 * Upload throughput of a 120 MB piece (twelve 10 MB files, docs/rules/documents.md#sizes) on the embedded platform, in one run:
 * - through the policy front: presigned POST forms from PieceService (reservation on the piece first), each
 *   multipart body buffered and checked against its signed policy by the front, then stored by s3rver;
 * - raw: the same bytes PUT with the S3 client to the same local S3 (piped through the front unchecked).
 * The figure is the ratio. Verification (ObjectCreated → verifyDocument) is timed apart, after the uploads.
 * Run: `npx tsx bench/upload-throughput.ts [rounds=3] [parallel=4]`.
 */
import '../infra/local/polyfills';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { startPlatform } from '../infra/local/platform';
import { MAX_FILE_BYTES, MAX_PIECE_BYTES } from '../shared/domain/documents';
import { rolesOf } from '../shared/domain/marche';
import { DEMO, seedDemo } from '../shared/seed/demo';
import { serviceContext } from '../shared/services/context';
import { piecesOf } from '../shared/services/pieces/context';

const MIB = 1024 * 1024;
const rounds = Number(process.argv[2] ?? 3);
const parallel = Number(process.argv[3] ?? 4);

/** Printable text (verifies as .txt), different per file so nothing can be deduplicated. */
function textFile(seed: number): Uint8Array {
  const out = new Uint8Array(MAX_FILE_BYTES);
  let x = seed * 2654435761 || 1;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = 0x20 + ((x >>> 0) % 95);
  }
  return out;
}

async function inBatches<T>(items: readonly T[], size: number, fn: (item: T, i: number) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map((item, j) => fn(item, i + j)));
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function main() {
  const platform = await startPlatform({ port: 0, inMemory: true });
  // Keep the figures readable: the verifier logs each file at INFO
  process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
  try {
    const ctx = serviceContext();
    const marches = ctx.stores.marches;
    await seedDemo({ identity: ctx.stores.identity, marches }, platform.clock.now());
    const marche = (await marches.get(DEMO.marcheId))?.marche;
    if (!marche) throw new Error('demo marché missing');
    const pieces = piecesOf(ctx);
    const actor = { siret: DEMO.sirets.mandataire, roles: rolesOf(marche, DEMO.sirets.mandataire) };
    const files = Array.from({ length: MAX_PIECE_BYTES / MAX_FILE_BYTES }, (_, i) => textFile(i + 1));
    const totalMib = files.reduce((n, f) => n + f.length, 0) / MIB;

    const front: number[] = [];
    const raw: number[] = [];
    const verify: number[] = [];
    // Round 0 warms up (JIT, pdfjs and file-type loading, connections) and is not counted
    for (let round = 0; round <= rounds; round++) {
      // Through the policy front: reservation + form + POST for each file
      const draft = await pieces.createDraft({ actor, userId: 'bench', marche, cadre: 'A4', numero: `BENCH-${round}` });
      const t0 = performance.now();
      await inBatches(files, parallel, async (bytes, i) => {
        const form = await pieces.requestUploadForm({
          actor,
          dossierId: draft.dossierId,
          pieceId: draft.pieceId,
          fileName: `annexe-${i + 1}.txt`,
          size: bytes.length,
          role: 'ATTACHMENT',
        });
        const body = new FormData();
        for (const [k, v] of Object.entries(form.fields)) body.append(k, v);
        body.append('file', new Blob([bytes]), `annexe-${i + 1}.txt`);
        const res = await fetch(form.url, { method: 'POST', body });
        if (res.status !== 204) throw new Error(`POST ${res.status}: ${await res.text()}`);
      });
      const t1 = performance.now();
      await platform.settle();
      const t2 = performance.now();
      const after = await pieces.getDraft(draft.dossierId, draft.pieceId);
      const verified = after.files.filter((f) => f.status === 'VERIFIE').length;
      if (verified !== files.length) throw new Error(`${verified}/${files.length} files verified`);
      const frontRate = totalMib / ((t1 - t0) / 1000);

      // Raw: the same bytes, PUT to the same local S3, same parallelism
      const r0 = performance.now();
      await inBatches(files, parallel, async (bytes, i) => {
        await platform.clients.s3.send(
          new PutObjectCommand({ Bucket: platform.bucketName, Key: `bench/raw-${round}-${i}`, Body: bytes }),
        );
      });
      const rawRate = totalMib / ((performance.now() - r0) / 1000);
      console.log(
        `round ${round}${round === 0 ? ' (warm-up)' : ''}: policy front ${frontRate.toFixed(0)} MiB/s, raw ${rawRate.toFixed(0)} MiB/s, verification tail ${(t2 - t1).toFixed(0)} ms`,
      );
      if (round === 0) continue;
      front.push(frontRate);
      raw.push(rawRate);
      verify.push(t2 - t1);
    }
    const f = median(front);
    const r = median(raw);
    console.log(`\n120 MB piece (${files.length} × 10 MiB, ${parallel} at a time), median of ${rounds} rounds:`);
    console.log(`  through the policy front (reserve + form + POST)  ${f.toFixed(0)} MiB/s`);
    console.log(`  raw PUT to the same local S3                      ${r.toFixed(0)} MiB/s`);
    console.log(`  ratio front / raw                                 ${(f / r).toFixed(2)}`);
    console.log(`  verification still running after the last POST    ${median(verify).toFixed(0)} ms`);
    console.log(
      '  (the front figure includes the verification of the first files, running meanwhile on the same CPUs)',
    );
  } finally {
    await platform.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
