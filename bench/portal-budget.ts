/**
 * The portal's budget: how much JavaScript a first visit downloads, and how soon the Synthèse of a structure with
 * 200 pieces to handle can be used, in the machine's Chromium. Run: `npm run bench -- portal-budget` (or
 * `npx tsx bench/portal-budget.ts`); BENCH_N page loads per setting (default 5). Prints figures and targets only.
 *
 * - Initial JavaScript: the scripts `web/dist/index.html` loads (entry and module preloads), gzip-compressed here
 *   at level 6 (what CloudFront and most servers send; brotli shown beside it). Also the JavaScript the browser
 *   actually fetched to show the Synthèse (entry + the lazily loaded screen), from the same files.
 * - Time to interactive of the Synthèse: the embedded platform (in memory) with the demo data and 200 more pieces
 *   deposited for the MOE; a signed-in tab (session in sessionStorage) opens `/synthese`; measured from the
 *   navigation's start to the later of (a) the table showing its first page (100 of the 200 rows; the rest come
 *   with « Afficher plus ») and (b) the end of the last long task (> 50 ms, PerformanceObserver `longtask`) seen
 *   until 2 s after that, i.e. the main thread is free to answer a click. Unthrottled, then with the CPU slowed 4×
 *   (Chromium's own throttling: an old laptop).
 */
import * as fs from 'node:fs';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { startPlatform } from '../infra/local/platform';
import { buildPortal, DIST_DIR } from '../infra/local/portal/build';
import { newId } from '../shared/adapters/ids';
import type { WorkflowPort } from '../shared/adapters/workflow';
import { demoAccounts, seedOnBoot } from '../shared/seed/boot';
import { DEMO } from '../shared/seed/demo';
import { contextWith } from '../shared/services/context';
import { chromiumLaunchOptions } from '../test/e2e/chromium';

const N = Number(process.env.BENCH_N ?? 5);
const ROWS = 200;
/** The Synthèse shows its first page of 100 lines (the rest behind « Afficher plus »): usable once that page is. */
const FIRST_PAGE = 100;
const SHOWN = Math.min(ROWS, FIRST_PAGE);
const TARGET_JS_GZIP_KB = 250;
const TARGET_TTI_MS = 2000;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const verdict = (ok: boolean) => (ok ? 'dans la cible' : 'HORS CIBLE');

function sizes(file: string): { raw: number; gzip: number; brotli: number } {
  const body = fs.readFileSync(path.join(DIST_DIR, file));
  return { raw: body.length, gzip: gzipSync(body, { level: 6 }).length, brotli: brotliCompressSync(body).length };
}

function sum(files: string[]) {
  return files
    .map(sizes)
    .reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli }), {
      raw: 0,
      gzip: 0,
      brotli: 0,
    });
}

/** The scripts index.html loads before any screen: the entry module and its preloads. */
function initialScripts(): string[] {
  const html = fs.readFileSync(path.join(DIST_DIR, 'index.html'), 'utf8');
  const found = [
    ...html.matchAll(/<script[^>]*type="module"[^>]*src="\/([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="\/([^"]+)"/g),
  ].map((m) => m[1] as string);
  return [...new Set(found)];
}

/** One cold load of /synthese in a fresh context; returns the milliseconds to interactive and the JS fetched. */
async function loadSynthese(
  page: Page,
  url: string,
  cpuSlowdown: number,
): Promise<{ rowsAt: number; tti: number; api: number; scripts: string[] }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
  const scripts: string[] = [];
  let api = Number.NaN;
  page.on('requestfinished', (r) => {
    // The Synthèse's own read: from sending the request to the response's end.
    if (r.url().includes('/a-traiter')) api = r.timing().responseEnd - r.timing().requestStart;
  });
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (u.pathname.endsWith('.js')) scripts.push(u.pathname.slice(1));
  });
  await page.goto(`${url}/synthese`);
  // The moment (page clock, from the navigation's start) the table first has all its rows
  // (Functions, not strings: the portal's CSP forbids eval, and Playwright evaluates strings with it.)
  type Win = {
    document: { querySelectorAll(s: string): { length: number } };
    performance: { now(): number };
    __longTasks?: number[];
  };
  const rowsHandle = await page.waitForFunction(
    (n) => {
      const w = globalThis as unknown as Win;
      return w.document.querySelectorAll('[data-testid="synthese"] tbody tr').length >= n && w.performance.now();
    },
    SHOWN,
    { timeout: 120_000, polling: 'raf' },
  );
  const rowsAt = (await rowsHandle.jsonValue()) as number;
  await page.waitForTimeout(2000);
  const lastLongTask = await page.evaluate(() => Math.max(0, ...((globalThis as unknown as Win).__longTasks ?? [])));
  await cdp.detach();
  return { rowsAt, tti: Math.max(rowsAt, Math.min(lastLongTask, rowsAt + 2000)), api, scripts };
}

async function main(): Promise<void> {
  const built = await buildPortal({ log: (m) => console.log(m) });
  if (built.built) console.log(`(portail construit en ${built.seconds.toFixed(1)} s)`);

  const initial = initialScripts();
  const js = sum(initial);
  const cssFiles = fs.readdirSync(path.join(DIST_DIR, 'assets')).filter((f) => f.endsWith('.css'));
  const css = sum(cssFiles.map((f) => `assets/${f}`));
  console.log('\nJavaScript initial (index.html : module d’entrée et préchargements)');
  for (const f of initial) {
    const s = sizes(f);
    console.log(
      `  ${f.padEnd(40)} ${kb(s.raw).padStart(10)} brut  ${kb(s.gzip).padStart(10)} gzip  ${kb(s.brotli).padStart(10)} brotli`,
    );
  }
  console.log(
    `  total ${kb(js.gzip)} gzip (${kb(js.brotli)} brotli, ${kb(js.raw)} brut) — cible ≤ ${TARGET_JS_GZIP_KB} KB gzip : ${verdict(js.gzip <= TARGET_JS_GZIP_KB * 1024)}`,
  );
  console.log(`  CSS (hors cible) : ${kb(css.gzip)} gzip (${kb(css.raw)} brut)`);

  // The platform with 200 pieces waiting for the MOE.
  const noWorkflow: WorkflowPort = { start: async () => 'started', release: async () => true };
  const platform = await startPlatform({
    port: 0,
    inMemory: true,
    portal: { dir: DIST_DIR, config: { auth: { mode: 'local', comptesDemo: demoAccounts() } } },
    beforeReady: async (p) => {
      await seedOnBoot({ client: p.clients.document, tableName: p.tableName, now: p.clock.now(), baseUrl: p.url });
    },
  });
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const t0 = Date.now();
    const service = contextWith({
      dynamo: platform.clients.document,
      tableName: platform.tableName,
      clock: platform.clock,
      workflow: noWorkflow,
    }).dossiers;
    for (let i = 1; i <= ROWS; i++) {
      const now = platform.clock.now();
      // 1 188,00 € TTC = 990,00 € HT + 198,00 € TVA (20 %), the same for every piece.
      await service.act({
        marcheId: DEMO.marcheId,
        actor: { siret: DEMO.sirets.mandataire, roles: ['MANDATAIRE'] },
        action: {
          type: 'DEPOSER',
          dossierId: newId(now),
          piece: {
            id: newId(now),
            numero: `BUDGET-${String(i).padStart(3, '0')}`,
            cadre: 'A4',
            montants: { htCents: 99_000, tvaCents: 19_800, ttcCents: 118_800 },
          },
        },
        userId: DEMO.users.mandataire.id,
      });
    }
    console.log(`\n${ROWS} pièces déposées pour le MOE en ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const login = await fetch(`${platform.url}/_local/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loginAddress: DEMO.users.moe.login }),
    });
    const { token, expiresAt } = (await login.json()) as { token: string; expiresAt: string };
    const session = JSON.stringify({ token, expiresAt, adresse: DEMO.users.moe.login });

    let fetched: string[] = [];
    for (const slowdown of [1, 4]) {
      const samples: { rowsAt: number; tti: number; api: number }[] = [];
      for (let i = 0; i < N; i++) {
        const context = await browser.newContext({
          viewport: { width: 1280, height: 900 },
          locale: 'fr-FR',
          timezoneId: 'Europe/Paris',
        });
        // Before the app's first script: the tab's session, and an observer of long tasks.
        await context.addInitScript(`
          if (location.origin === ${JSON.stringify(platform.url)}) {
            sessionStorage.setItem('factures-travaux.session', ${JSON.stringify(session)});
          }
          window.__longTasks = [];
          try {
            new PerformanceObserver((list) => {
              for (const e of list.getEntries()) window.__longTasks.push(e.startTime + e.duration);
            }).observe({ type: 'longtask', buffered: true });
          } catch {}
        `);
        const page = await context.newPage();
        const r = await loadSynthese(page, platform.url, slowdown);
        samples.push(r);
        fetched = r.scripts;
        await context.close();
      }
      const tti = median(samples.map((s) => s.tti));
      console.log(
        `\nSynthèse de ${ROWS} pièces (${SHOWN} lignes affichées), processeur ${slowdown === 1 ? 'non bridé' : `bridé ${slowdown}×`} (${N} chargements à froid)`,
      );
      console.log(
        `  lecture /a-traiter (API locale, du départ de la requête à la fin de la réponse) : médiane ${median(samples.map((s) => s.api)).toFixed(0)} ms`,
      );
      console.log(
        `  lignes affichées : médiane ${median(samples.map((s) => s.rowsAt)).toFixed(0)} ms ; interactif : médiane ${tti.toFixed(0)} ms (min ${Math.min(...samples.map((s) => s.tti)).toFixed(0)}, max ${Math.max(...samples.map((s) => s.tti)).toFixed(0)})${slowdown === 1 ? ` — cible ≤ ${TARGET_TTI_MS} ms : ${verdict(tti <= TARGET_TTI_MS)}` : ''}`,
      );
      // The machine is shared: the times follow its load, to be compared at equal load only
      console.log(
        `  charge de la machine (1, 5, 15 min) : ${loadavg()
          .map((l) => l.toFixed(2))
          .join(', ')}`,
      );
    }
    const shown = sum([...new Set(fetched)].filter((f) => fs.existsSync(path.join(DIST_DIR, f))));
    console.log(
      `\nJavaScript chargé pour afficher la Synthèse : ${kb(shown.gzip)} gzip (${[...new Set(fetched)].map((f) => path.basename(f)).join(', ')})`,
    );
  } finally {
    await browser.close();
    await platform.stop();
  }
}

await main();
