import { afterEach, beforeEach, expect, it } from 'vitest';
import { verifyDocument } from '../../../shared/documents/verify';
import { textPdfWithLinesOnPage } from '../../fixtures/documents/generate';

// pdf.js 5.4 prefetches the page-tree kids into a cache without handling a failed fetch: on some damaged files the
// rejection was unhandled, which on Node (and in the object-created Lambda) ends the process instead of refusing the
// file. `patches/pdfjs-dist+5.4.624.patch` (applied by `npm ci` through patch-package) marks that prefetch handled.
// These twelve byte flips (found by the property test of verify.test.ts, seed 42) reproduced it deterministically.
const FLIPS: readonly (readonly [number, number])[] = [
  [1560, 23],
  [1977, 212],
  [701, 217],
  [1377, 140],
  [2021, 33],
  [183, 139],
  [1261, 190],
  [1857, 154],
  [381, 103],
  [1688, 134],
  [919, 248],
  [28, 173],
];

const unhandled: unknown[] = [];
const record = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', record);
});
afterEach(() => {
  process.off('unhandledRejection', record);
});

it('a damaged page tree is refused as unreadable and leaves no unhandled rejection behind', async () => {
  const pdf = await textPdfWithLinesOnPage(3, 3, ['SIRET client : 21300202500012', 'Total TTC : 114 000,00 €']);
  const damaged = pdf.slice();
  for (const [at, value] of FLIPS) damaged[at] = value;
  const result = await verifyDocument({
    bytes: damaged,
    fileName: 'facture.pdf',
    role: 'MAIN',
    cadreRequiresTextPdf: true,
  });
  await new Promise((resolve) => setTimeout(resolve, 50)); // let any leaked rejection surface (a macrotask later)
  expect(unhandled).toEqual([]);
  expect(result.ok).toBe(false);
});
