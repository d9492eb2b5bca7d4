/**
 * Upload throughput of a 120 MB piece (twelve 10 MB files, docs/rules/documents.md#sizes) on the embedded platform, in one run:
 * - the policy front alone (issue "Performance" part 5, target ≥ 0.8 × raw): presigned POST forms made beforehand
 *   (size range, content type and SHA-256 pinned, as the product's), each body checked against its policy while it
 *   streams, stored as a hidden version and published, under a key outside the verified prefix;
 * - the product's path: reservation on the piece + form from PieceService + POST, while the verifier
 *   (ObjectCreated → verifyDocument) checks the first files on the same CPUs;
 * - raw: the same bytes PUT with the S3 client to the same local S3 (piped through the front unchecked).
 * The figures are the ratios. The verification tail is timed apart, after the uploads.
 * Run: `npx tsx bench/upload-throughput.ts [rounds=3] [parallel=4]`.
 */
import '../infra/local/polyfills';
import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { startPlatform } from '../infra/local/platform';
import { presignUploadForm } from '../shared/adapters/s3';
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

    const hashes = files.map((bytes) => createHash('sha256').update(bytes).digest('hex'));
    const post = async (form: { url: string; fields: Record<string, string> }, bytes: Uint8Array, name: string) => {
      const body = new FormData();
      for (const [k, v] of Object.entries(form.fields)) body.append(k, v);
      body.append('file', new Blob([bytes]), name);
      const res = await fetch(form.url, { method: 'POST', body });
      if (res.status !== 204) throw new Error(`POST ${res.status}: ${await res.text()}`);
    };
    const alone: number[] = [];
    const front: number[] = [];
    const raw: number[] = [];
    const verify: number[] = [];
    // Round 0 warms up (JIT, pdfjs and file-type loading, connections) and is not counted
    for (let round = 0; round <= rounds; round++) {
      // The policy front alone: forms made beforehand, keys outside the verified prefix
      const forms = await Promise.all(
        files.map((_bytes, i) =>
          presignUploadForm(
            platform.clients.s3,
            {
              bucket: platform.bucketName,
              key: `bench/front-${round}-${i}`,
              contentType: 'text/plain',
              minBytes: 1,
              maxBytes: MAX_FILE_BYTES,
              sha256: hashes[i] as string,
              expiresInSeconds: 600,
            },
            platform.clock,
          ),
        ),
      );
      const a0 = performance.now();
      await inBatches(files, parallel, (bytes, i) => post(forms[i] as (typeof forms)[number], bytes, `front-${i}.txt`));
      const aloneRate = totalMib / ((performance.now() - a0) / 1000);

      // The product's path: reservation + form + POST for each file
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
        await post(form, bytes, `annexe-${i + 1}.txt`);
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
        `round ${round}${round === 0 ? ' (warm-up)' : ''}: front alone ${aloneRate.toFixed(0)} MiB/s, product path ${frontRate.toFixed(0)} MiB/s, raw ${rawRate.toFixed(0)} MiB/s, verification tail ${(t2 - t1).toFixed(0)} ms`,
      );
      if (round === 0) continue;
      alone.push(aloneRate);
      front.push(frontRate);
      raw.push(rawRate);
      verify.push(t2 - t1);
    }
    const a = median(alone);
    const f = median(front);
    const r = median(raw);
    console.log(`\n120 MB piece (${files.length} × 10 MiB, ${parallel} at a time), median of ${rounds} rounds:`);
    console.log(`  policy front alone (forms made beforehand)        ${a.toFixed(0)} MiB/s`);
    console.log(`  product path (reserve + form + POST + verifier)    ${f.toFixed(0)} MiB/s`);
    console.log(`  raw PUT to the same local S3                      ${r.toFixed(0)} MiB/s`);
    console.log(
      `  ratio front alone / raw                           ${(a / r).toFixed(2)} — cible ≥ 0.80 : ${a / r >= 0.8 ? 'atteinte' : 'non atteinte'}`,
    );
    console.log(`  ratio product path / raw                          ${(f / r).toFixed(2)}`);
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
