/**
 * Document verification figures (docs/rules/documents.md#pre-fill): throughput of `verifyDocument` on a ~10 MB main PDF, and pre-fill
 * time on a 5-page and a 200-page text PDF. PDFs are generated at run time. Run: `npx tsx bench/documents-verify.ts`.
 */

import { extractPdfPages } from '../shared/documents/pdf-text';
import { sniffType } from '../shared/documents/sniff';
import { sha256Hex, verifyDocument } from '../shared/documents/verify';
import { MAX_FILE_BYTES } from '../shared/domain/documents';
import { pagesToRead, prefillFromPages } from '../shared/domain/prefill';
import { largeTextPdf, textPdf } from '../test/fixtures/documents/generate';

const MB = 1024 * 1024;

async function timeIt(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn(); // warm-up (loads pdfjs, JIT)
  const start = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  return (performance.now() - start) / runs;
}

function invoicePages(count: number): string[][] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const lines = [`Facture n° F-2025-0042 - page ${n}/${count}`];
    for (let l = 0; l < 40; l++) lines.push(`Poste ${n}.${l} Terrassement et fondations 12 m3 x 150,00 € = 1 800,00 €`);
    if (n === 1) lines.push('Ministère de la Culture', 'SIRET client : 21300202500012', 'Date de facture : 14/04/2025');
    if (n === count)
      lines.push(
        'Engagement : 1300012345',
        'Total HT : 95 000,00 €',
        'TVA 20 % : 19 000,00 €',
        'Total TTC : 114 000,00 €',
      );
    return lines;
  });
}

async function main() {
  const big = await largeTextPdf(MAX_FILE_BYTES - 64 * 1024);
  const sizeMb = big.length / MB;
  const verifyMs = await timeIt(5, () =>
    verifyDocument({ bytes: big, fileName: 'facture.pdf', role: 'MAIN', cadreRequiresTextPdf: true }),
  );
  const hashMs = await timeIt(5, () => sha256Hex(big));
  const sniffMs = await timeIt(5, () => sniffType(big, 'pdf'));
  console.log(`10 MB PDF (${sizeMb.toFixed(2)} MiB):`);
  console.log(`  verifyDocument MAIN  ${verifyMs.toFixed(1)} ms  → ${(sizeMb / (verifyMs / 1000)).toFixed(0)} MB/s`);
  console.log(`  of which SHA-256     ${hashMs.toFixed(1)} ms  → ${(sizeMb / (hashMs / 1000)).toFixed(0)} MB/s`);
  console.log(`  of which sniffing    ${sniffMs.toFixed(1)} ms`);

  for (const pageCount of [5, 200]) {
    const pdf = await textPdf(invoicePages(pageCount));
    const fullMs = await timeIt(10, () =>
      verifyDocument({ bytes: pdf, fileName: 'facture.pdf', role: 'MAIN', cadreRequiresTextPdf: true }),
    );
    const { pages } = await extractPdfPages(pdf, { pages: pagesToRead(pageCount) });
    const ruleMs = await timeIt(200, () => prefillFromPages(pages));
    const r = await verifyDocument({ bytes: pdf, fileName: 'facture.pdf', role: 'MAIN', cadreRequiresTextPdf: true });
    const found = r.ok ? Object.keys(r.suggestions ?? {}).length : 0;
    console.log(
      `${String(pageCount).padStart(3)}-page text PDF (${(pdf.length / 1024).toFixed(0)} KiB): verify + pre-fill ${fullMs.toFixed(1)} ms, ` +
        `pre-fill rule alone ${ruleMs.toFixed(2)} ms, ${found}/7 suggestions`,
    );
  }
}

await main();
