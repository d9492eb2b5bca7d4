/**
 * `npm run bench`: runs every benchmark of this folder, one after the other, each in its own process (same Node
 * flags as this one, i.e. through tsx): the known ones in the order below, then any other `bench/*.ts` by name.
 * Benchmarks print figures; nothing is asserted.
 *
 *   npm run bench                      all of them
 *   npm run bench -- api-latency       only those whose name contains one of the words given
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** In the order they run: cheap, in-process ones first, then those that start the embedded platform. */
const KNOWN = [
  'http-stack.ts',
  'documents-verify.ts',
  'workflow-cost.ts',
  'resume-scale.ts',
  'upload-throughput.ts',
  'api-identity-latency.ts',
  'api-latency.ts',
] as const;

const here = path.dirname(fileURLToPath(import.meta.url));

function run(file: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, file], { stdio: 'inherit', env: process.env });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(1));
  });
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const others = readdirSync(here)
    .filter(
      (f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.d.ts') && !(KNOWN as readonly string[]).includes(f),
    )
    .sort();
  const selected = [...KNOWN, ...others].filter(
    (name) => filters.length === 0 || filters.some((f) => name.includes(f)),
  );
  const present = selected.filter((name) => existsSync(path.join(here, name)));
  const missing = selected.filter((name) => !present.includes(name));
  if (missing.length > 0) console.log(`(absents, ignorés : ${missing.join(', ')})`);
  const results: { name: string; code: number; seconds: number }[] = [];
  for (const name of present) {
    console.log(`\n════ bench/${name} ${'═'.repeat(Math.max(0, 100 - name.length))}`);
    const t0 = Date.now();
    const code = await run(path.join(here, name));
    results.push({ name, code, seconds: (Date.now() - t0) / 1000 });
  }
  console.log('\n════ résumé');
  for (const r of results) {
    console.log(
      `  ${r.code === 0 ? 'ok    ' : `échec (${r.code})`}  bench/${r.name.padEnd(24)} ${r.seconds.toFixed(1)} s`,
    );
  }
  if (results.some((r) => r.code !== 0)) process.exitCode = 1;
}

void main();
