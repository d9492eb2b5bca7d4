/**
 * Upload throughput of a 120 MB piece (twelve 10 MB files, docs/rules/documents.md#sizes) on the embedded platform, in one run:
 * - the policy front alone (issue "Performance" part 5, target ≥ 0.8 × raw): presigned POST forms made beforehand
 *   (size range, content type and SHA-256 pinned, as the product's), each body checked against its policy while it
 *   streams, stored as a hidden version and published, under a key outside the verified prefix;
 * - the product's path: reservation on the piece + form from PieceService + POST, while the verifier
 *   (ObjectCreated → verifyDocument) checks the first files on the same CPUs;
 * - raw: the same bytes PUT to the same local S3 with presigned URLs (piped through the front unchecked).
 * The front alone and raw each upload the piece twice per round, front, raw, raw, front (raw first in odd rounds),
 * each after a full garbage collection: measured always first, right after the previous round's product path, the
 * front paid for part of that path (its garbage, its bytes still going to the disk) and the ratio read low.
 * Both uploads are written by the same plain HTTP client, so that only the server side differs.
 * The figures are the ratios. The verification tail is timed apart, after the uploads. Beside the throughputs, the
 * process's CPU time per MiB (every thread: the client, the front, s3rver, the disk writes) for the front alone and
 * for raw: on this shared machine the wall-clock ratio swings with the other processes' load, the CPU spent much less.
 * Run: `npx tsx bench/upload-throughput.ts [rounds=3] [parallel=4]`.
 */
import '../infra/local/polyfills';
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as os from 'node:os';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startPlatform } from '../infra/local/platform';
import { rootLogger } from '../shared/adapters/logger';
import { presignUploadForm, type UploadForm } from '../shared/adapters/s3';
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

// A full collection before each measured phase (see `measure`)
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function main() {
  // Keep the figures readable: the verifier logs each file at INFO. The process's root logger was created when the
  // handlers were imported (shared/http/handler.ts), before any line of this function ran: set its level itself.
  process.env.LOCAL_LOG_LEVEL = 'WARN';
  const platform = await startPlatform({ port: 0, inMemory: true });
  rootLogger().setLogLevel('WARN');
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
    // The bytes are sent as a browser would, one multipart/form-data body, but written straight to the socket (the
    // raw PUT below also writes its Uint8Array as is): undici's FormData encoder copies every chunk of a Blob through
    // web streams, which would charge the client's encoding, on the same CPUs, to the front.
    const post = (form: { url: string; fields: Record<string, string> }, bytes: Uint8Array, name: string) =>
      new Promise<void>((resolve, reject) => {
        const boundary = `----bench${createHash('sha1').update(name).digest('hex')}`;
        const head = Buffer.from(
          `${Object.entries(form.fields)
            .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
            .join(
              '',
            )}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        );
        const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
        const req = http.request(
          form.url,
          {
            method: 'POST',
            headers: {
              'content-type': `multipart/form-data; boundary=${boundary}`,
              'content-length': head.length + bytes.length + tail.length,
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              res.statusCode === 204
                ? resolve()
                : reject(new Error(`POST ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8')}`)),
            );
          },
        );
        req.on('error', reject);
        req.write(head);
        req.write(bytes);
        req.end(tail);
      });
    const put = (url: string, bytes: Uint8Array) =>
      new Promise<void>((resolve, reject) => {
        const req = http.request(url, { method: 'PUT', headers: { 'content-length': bytes.length } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            res.statusCode === 200
              ? resolve()
              : reject(new Error(`PUT ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8')}`)),
          );
        });
        req.on('error', reject);
        req.end(bytes);
      });
    const alone: number[] = [];
    /** front alone / raw per round: the two are measured back to back, so the ratio holds under varying load. */
    const ratios: number[] = [];
    const front: number[] = [];
    const raws: number[] = [];
    const verify: number[] = [];
    const aloneCpu: number[] = [];
    const rawCpu: number[] = [];
    // Round 0 warms up (JIT, pdfjs and file-type loading, connections) and is not counted
    for (let round = 0; round <= rounds; round++) {
      // Each side uploads the piece twice per round, in the order front, raw, raw, front (raw first in odd rounds):
      // both see the same load on average, and neither always runs right after the product's path below
      const passes = [0, 1];
      // The policy front alone: forms made beforehand, keys outside the verified prefix
      const forms = await Promise.all(
        passes.map((pass) =>
          Promise.all(
            files.map((_bytes, i) =>
              presignUploadForm(
                platform.clients.s3,
                {
                  bucket: platform.bucketName,
                  key: `bench/front-${round}-${pass}-${i}`,
                  contentType: 'text/plain',
                  minBytes: 1,
                  maxBytes: MAX_FILE_BYTES,
                  sha256: hashes[i] as string,
                  expiresInSeconds: 600,
                },
                platform.clock,
              ),
            ),
          ),
        ),
      );
      // Raw: the same bytes, PUT to the same local S3 with presigned URLs made beforehand, same parallelism, the same
      // plain client as the POSTs (so the SDK's own per-request work is not charged to either side)
      const urls = await Promise.all(
        passes.map((pass) =>
          Promise.all(
            files.map((_bytes, i) =>
              getSignedUrl(
                platform.clients.s3,
                new PutObjectCommand({ Bucket: platform.bucketName, Key: `bench/raw-${round}-${pass}-${i}` }),
                { expiresIn: 600 },
              ),
            ),
          ),
        ),
      );
      const spent = { front: { ms: 0, cpu: 0 }, raw: { ms: 0, cpu: 0 } };
      const measure = async (side: 'front' | 'raw', pass: number) => {
        collectGarbage(); // the previous phase's garbage (the verifier reads every file whole) is not charged here
        const t = performance.now();
        const cpu = process.cpuUsage();
        await inBatches(files, parallel, (bytes, i) =>
          side === 'front'
            ? post(forms[pass]?.[i] as UploadForm, bytes, `front-${i}.txt`)
            : put(urls[pass]?.[i] as string, bytes),
        );
        spent[side].ms += performance.now() - t;
        const used = process.cpuUsage(cpu);
        spent[side].cpu += (used.user + used.system) / 1000;
      };
      const [first, second] = round % 2 === 0 ? (['front', 'raw'] as const) : (['raw', 'front'] as const);
      await measure(first, 0);
      await measure(second, 0);
      await measure(second, 1);
      await measure(first, 1);
      const aloneRate = (2 * totalMib) / (spent.front.ms / 1000);
      const rawRate = (2 * totalMib) / (spent.raw.ms / 1000);
      const aloneCpuRound = spent.front.cpu / (2 * totalMib);
      const rawCpuRound = spent.raw.cpu / (2 * totalMib);

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

      console.log(
        `tour ${round}${round === 0 ? ' (chauffe)' : ''} : front seul ${aloneRate.toFixed(0)} Mio/s (${aloneCpuRound.toFixed(1)} ms CPU/Mio), parcours produit ${frontRate.toFixed(0)} Mio/s, brut ${rawRate.toFixed(0)} Mio/s (${rawCpuRound.toFixed(1)} ms CPU/Mio), fin de vérification ${(t2 - t1).toFixed(0)} ms, charge ${loadAverage()}`,
      );
      if (round === 0) continue;
      alone.push(aloneRate);
      front.push(frontRate);
      raws.push(rawRate);
      ratios.push(aloneRate / rawRate);
      verify.push(t2 - t1);
      aloneCpu.push(aloneCpuRound);
      rawCpu.push(rawCpuRound);
    }
    const a = median(alone);
    const f = median(front);
    const r = median(raws);
    const ratio = median(ratios);
    const line = (label: string, value: string) => console.log(`  ${label.padEnd(58)} ${value}`);
    console.log(`\nPièce de 120 Mo (${files.length} × 10 Mio, ${parallel} à la fois), médiane de ${rounds} tours :`);
    line('front de politique seul (formulaires faits avant)', `${a.toFixed(0)} Mio/s`);
    line('parcours produit (réservation + formulaire + POST + vérif.)', `${f.toFixed(0)} Mio/s`);
    line('PUT brut vers le même S3 local', `${r.toFixed(0)} Mio/s`);
    line(
      'ratio front seul / brut (médiane par tour)',
      `${ratio.toFixed(2)} — cible ≥ 0.80 : ${ratio >= 0.8 ? 'atteinte' : 'non atteinte'}`,
    );
    line('ratio parcours produit / brut', (f / r).toFixed(2));
    line(
      'CPU du processus par Mio : front seul / brut',
      `${median(aloneCpu).toFixed(1)} / ${median(rawCpu).toFixed(1)} ms`,
    );
    line('vérification encore en cours après le dernier POST', `${median(verify).toFixed(0)} ms`);
    console.log(`  charge de la machine (1, 5, 15 min) : ${loadAverage()}`);
    console.log(
      '  (le parcours produit inclut la vérification des premiers fichiers, en même temps sur les mêmes CPU)',
    );
  } finally {
    await platform.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
