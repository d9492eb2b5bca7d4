/**
 * Lambda bundles: the size of every function's bundle and the time to import it in a fresh Node process (what a
 * cold start pays before the handler runs), beside an empty handler bundled the same way, in one run.
 *
 *   npm run bench -- bundles
 *
 * The bundles are built with esbuild and the options of `infra/constructs/bundling.ts` (those the CDK stack uses), so
 * the figures are those of `npm run synth` without the CDK around them. Targets (issue "Performance"): every API
 * function ≤ 500 KB, its import ≤ 2 × the empty handler's. Import time is the median of RUNS fresh processes; the
 * CPU time of the same imports is printed beside it, because on a shared machine the wall time mostly measures the
 * other processes (the empty handler's own import moved from 7 to 13 ms between two runs at load 4).
 * The floors are printed beside them: handlers that import only the project's DynamoDB client, the SDK's (which the
 * functions used before), zod/mini (classic zod, which they used before), and the client with zod/mini: what every
 * function that reads the table imports; the common HTTP stack, one route that does nothing: what every API function
 * imports before its own routes; and Node's own TLS and crypto modules alone, which any signed request to AWS loads.
 *
 * `BUNDLES_DETAIL=health,dossiersAct` (or `all`) also prints, under those functions, what weighs in their bundle:
 * the minified bytes of each package and of each folder of ours (esbuild's metafile, after tree shaking).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { LAMBDAS, type LambdaDefinition } from '../functions/registry';
import { bundleDefine, esbuildOptionsOf, LAMBDA_BUNDLE } from '../infra/constructs/bundling';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const SIZE_TARGET = 500 * 1024;
const IMPORT_RATIO_TARGET = 2;
const DETAIL = new Set((process.env.BUNDLES_DETAIL ?? '').split(',').filter(Boolean));
const DETAIL_LINES = 14;

/** What the functions read from their environment at import time on AWS (values do not matter, presence does). */
const LAMBDA_ENV = {
  AWS_REGION: 'eu-west-3',
  TABLE_NAME: 'bench',
  BUCKET_NAME: 'bench',
  UPLOAD_PREFIX: 'uploads/',
  STATE_MACHINES: '{}',
  POWERTOOLS_SERVICE_NAME: 'factures-travaux',
};

interface Bundle {
  readonly key: string;
  readonly kind: string;
  readonly bytes: number;
  readonly pdf: boolean;
  readonly file: string;
  /** Minified bytes by package (node_modules) or by folder of ours, largest first. */
  readonly weights: readonly (readonly [string, number])[];
}

/** The package of a bundled module (`@scope/name` or `name`), or its folder in this repository. */
function origin(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at >= 0) {
    const [first, second] = input.slice(at + 'node_modules/'.length).split('/');
    return first?.startsWith('@') ? `${first}/${second}` : (first as string);
  }
  return path.dirname(input);
}

async function bundle(
  key: string,
  entry: string,
  kind: string,
  outDir: string,
  define: Record<string, string> = {},
): Promise<Bundle> {
  const outfile = path.join(outDir, key, 'index.mjs');
  const result = await build(esbuildOptionsOf(entry, outfile, define));
  const pdf = Object.keys(result.metafile.inputs).some((input) => input.includes('pdfjs-dist'));
  const weights = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, use] of Object.entries(output.inputs)) {
      weights.set(origin(input), (weights.get(origin(input)) ?? 0) + use.bytesInOutput);
    }
  }
  const sorted = [...weights].filter(([, bytes]) => bytes > 0).sort((a, b) => b[1] - a[1]);
  return { key, kind, bytes: statSync(outfile).size, pdf, file: outfile, weights: sorted };
}

interface ImportTime {
  /** Milliseconds from `import()` to its end: the figure of the target. */
  readonly ms: number;
  /**
   * CPU milliseconds the process spent meanwhile (user + system, all its threads): what the import costs, less
   * sensitive than `ms` to the other processes of a shared machine, which make it wait.
   */
  readonly cpuMs: number;
}

/** Time to `import()` the bundle in a new Node process, median of RUNS processes. */
function importTime(file: string): ImportTime {
  const script = `const c0 = process.cpuUsage(); const t0 = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); const t = performance.now() - t0; const c = process.cpuUsage(c0); process.stdout.write(JSON.stringify([t, (c.user + c.system) / 1000]));`;
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, ...LAMBDA_ENV },
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`import of ${file} failed: ${run.stderr.slice(0, 500)}`);
    const [wall, cpu] = JSON.parse(run.stdout) as [number, number];
    walls.push(wall);
    cpus.push(cpu);
  }
  return { ms: median(walls), cpuMs: median(cpus) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** `CPU 12.3 ms 2.10 ×`: an import's CPU time and its ratio to the empty handler's. */
const cpuColumn = (t: ImportTime, empty: ImportTime) =>
  `CPU ${`${t.cpuMs.toFixed(1)} ms`.padStart(8)} ${(t.cpuMs / empty.cpuMs).toFixed(2).padStart(5)}`;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

/**
 * The floors under the import target: handlers that only import what every function imports (clients built on
 * first call, as ours are), bundled and measured the same way. The functions talk to DynamoDB through the project's
 * own client (shared/adapters/dynamo/document-client.ts); the SDK's document client, which they used before, is
 * kept for comparison; zod/mini validates every request (docs/DESIGN.md#what-a-cold-start-pays), classic zod, which
 * the schemas used before, is kept for comparison.
 */
const FLOORS: Record<string, string> = {
  'client DynamoDB du projet': `import { DocumentClient, GetCommand } from '../../shared/adapters/dynamo/document-client.ts';
let doc;
export const handler = async () => (doc ??= DocumentClient.fromEnv()).send(new GetCommand({ TableName: 't', Key: { pk: 'k' } }));
`,
  'client DynamoDB du SDK (avant)': `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
let doc;
export const handler = async () => (doc ??= DynamoDBDocumentClient.from(new DynamoDBClient({}))).send(new GetCommand({ TableName: 't', Key: { pk: 'k' } }));
`,
  'zod/mini (un schéma)': `import * as z from 'zod/mini';
export const handler = async (event) => z.object({ a: z.string(), n: z.int() }).parse(event);
`,
  'zod classique (un schéma, avant)': `import * as z from 'zod';
export const handler = async (event) => z.object({ a: z.string(), n: z.int() }).parse(event);
`,
  'client du projet + zod/mini': `import * as z from 'zod/mini';
import { DocumentClient, GetCommand } from '../../shared/adapters/dynamo/document-client.ts';
let doc;
export const handler = async (event) => (doc ??= DocumentClient.fromEnv()).send(new GetCommand({ TableName: 't', Key: z.object({ pk: z.string() }).parse(event) }));
`,
  // What any API function imports before its own routes: httpHandler's chain (middy, the Powertools logger, the
  // middlewares, zod/mini, the idempotency store on the project's client), one route doing nothing
  'pile HTTP commune (route vide)': `import { httpHandler } from '../../shared/http/handler.ts';
import { ok } from '../../shared/http/results.ts';
export const handler = httpHandler({ operationId: 'lireVide', summary: 'Route vide', tags: ['Plateforme'], method: 'GET', path: '/vide', auth: 'public', responses: { 200: { description: 'Rien' } }, handler: async () => ok({}) });
`,
  // Node's modules any signed HTTPS request to AWS loads, with nothing of ours or of a library
  'modules de Node seuls (https, crypto)': `import { request } from 'node:https';
import { createHmac } from 'node:crypto';
export const handler = async () => [typeof request, typeof createHmac];
`,
};

/** The floors' lines: size, import time and its ratio to the empty handler; returns each floor's time by name. */
async function printFloors(empty: ImportTime): Promise<Map<string, number>> {
  const emptyMs = empty.ms;
  // under the repository, so that esbuild finds the SDK in its node_modules
  const dir = path.join(ROOT, '.tmp', 'bundles-floors');
  mkdirSync(dir, { recursive: true });
  const times = new Map<string, number>();
  try {
    for (const [i, [name, source]] of Object.entries(FLOORS).entries()) {
      const entry = path.join(dir, `floor-${i}.mjs`);
      writeFileSync(entry, source);
      const b = await bundle(`floor-${i}`, entry, 'baseline', dir);
      const t = importTime(b.file);
      const ms = t.ms;
      times.set(name, ms);
      console.log(
        `  plancher, ${name.padEnd(30)} ${kb(b.bytes).padStart(8)}  import ${`${ms.toFixed(1)} ms`.padStart(9)}  ${(ms / emptyMs).toFixed(2)} × vide  ${cpuColumn(t, empty)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return times;
}

async function main(): Promise<void> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'bundles-'));
  try {
    const emptyEntry = path.join(outDir, 'empty.ts');
    writeFileSync(emptyEntry, 'export const handler = async () => ({ statusCode: 200 });\n');
    mkdirSync(path.join(outDir, 'empty'), { recursive: true });
    const empty = await bundle('empty', emptyEntry, 'baseline', outDir);
    const emptyTime = importTime(empty.file);
    const emptyMs = emptyTime.ms;
    console.log(`Bundles (esbuild ${LAMBDA_BUNDLE.format}, ${LAMBDA_BUNDLE.target}, minified, no source map)`);
    // the machine is shared: import times follow its load
    console.log(
      `  charge de la machine (1, 5, 15 min) : ${loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')}`,
    );
    console.log(
      `  empty handler: ${kb(empty.bytes)}, import ${emptyMs.toFixed(1)} ms, CPU ${emptyTime.cpuMs.toFixed(1)} ms (median of ${RUNS} processes)`,
    );
    const floors = await printFloors(emptyTime);
    console.log('');
    console.log(
      `  ${'function'.padEnd(28)} ${'kind'.padEnd(5)} ${'size'.padStart(8)}  pdf.js  ${'import'.padStart(9)}  ×empty  CPU, ×empty's CPU`,
    );
    let over = 0;
    const entries = Object.entries(LAMBDAS) as [string, LambdaDefinition][];
    for (const [key, def] of entries) {
      const b = await bundle(key, path.join(ROOT, def.entry), def.kind, outDir, bundleDefine(def));
      const t = importTime(b.file);
      const ms = t.ms;
      const ratio = ms / emptyMs;
      const fails = def.kind === 'http' && (b.bytes > SIZE_TARGET || ratio > IMPORT_RATIO_TARGET);
      if (fails) over++;
      console.log(
        `  ${key.padEnd(28)} ${def.kind.padEnd(5)} ${kb(b.bytes).padStart(8)}  ${(b.pdf ? 'oui' : 'non').padEnd(6)}  ${`${ms.toFixed(1)} ms`.padStart(9)}  ${ratio.toFixed(2).padStart(5)}   ${cpuColumn(t, emptyTime)}${fails ? '  ← au-delà de la cible' : ''}`,
      );
      if (DETAIL.has(key) || DETAIL.has('all')) {
        for (const [name, bytes] of b.weights.slice(0, DETAIL_LINES)) {
          console.log(`      ${`${(bytes / 1024).toFixed(1)} KB`.padStart(9)}  ${name}`);
        }
      }
    }
    console.log(
      `\n  cible : fonctions d'API ≤ ${kb(SIZE_TARGET)} et import ≤ ${IMPORT_RATIO_TARGET} × le gestionnaire vide — ${over === 0 ? 'atteinte' : `${over} fonction(s) au-delà`}`,
    );
    for (const [name, what] of [
      [
        'modules de Node seuls (https, crypto)',
        'charger les seuls modules de Node qu’une requête signée à AWS utilise',
      ],
      ['client DynamoDB du projet', 'importer le seul client DynamoDB du projet'],
    ] as const) {
      const ratio = (floors.get(name) as number) / emptyMs;
      console.log(
        `  plancher : ${what} prend ${ratio.toFixed(1)} × le gestionnaire vide ; la cible de ${IMPORT_RATIO_TARGET} × est ${ratio > IMPORT_RATIO_TARGET ? 'sous' : 'au-dessus de'} ce plancher`,
      );
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

await main();
