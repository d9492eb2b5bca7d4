import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { objectCreatedHandler } from '../../../functions/documents/object-created';
import type { LocalLambdaHandler } from '../../../infra/local/types';
import { serviceContext } from '../../../shared/services/context';
import { piecesOf } from '../../../shared/services/pieces/context';
import { textPdf } from '../../fixtures/documents/generate';
import { FIXED_START, usePlatform } from '../../setup/platform';
import { type DocumentsWorld, documentsWorld, objectKeyOf, postFile } from './helpers';

/**
 * A lost S3 event: the upload reached storage but its ObjectCreated notification never reached the verifying
 * function (dropped here for the keys in `lost`). The sweeper (shared/services/pieces/sweep.ts; every 15 minutes on
 * AWS, after every clock move on the embedded platform) verifies the object once its form expired and the 15
 * minutes of grace passed, and releases a form nothing was posted with. Once, whatever arrives later.
 */
const lost = new Set<string>();
const verify = objectCreatedHandler();

const getPlatform = usePlatform({
  startAt: FIXED_START,
  extend: (stack) => {
    const dropping: LocalLambdaHandler = async (event) => {
      const records = (event as { Records: { s3: { object: { key: string } } }[] }).Records;
      if (records.some((r) => lost.has(decodeURIComponent(r.s3.object.key)))) return [];
      return verify(event as never);
    };
    const id = stack.getLogicalId(stack.functions.get('documentsObjectCreated').node.defaultChild as never);
    return { lambdaHandlers: { [id]: dropping } };
  },
});
let w: DocumentsWorld;
beforeAll(async () => {
  w = await documentsWorld(getPlatform());
});

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('uploads whose S3 event never arrived', () => {
  it('verifies the stored object once its form expired, releases a form never used, and does each once', async () => {
    const p = getPlatform();
    const actor = w.actor('mandataire');
    const d = await w.pieces.createDraft({
      actor,
      userId: 'u-titulaire',
      marche: w.marche,
      cadre: 'A4',
      numero: 'PERDU-1',
      montants: { htCents: 1_000_000, tvaCents: 200_000, ttcCents: 1_200_000 },
      datePiece: '2026-11-30',
    });
    const bytes = await textPdf([['Situation n° 1', 'Montant : 1 000,00 €']]);
    const main = await w.pieces.requestUploadForm({
      ...{ actor, dossierId: d.dossierId, pieceId: d.pieceId },
      ...{ fileName: 'situation.pdf', size: bytes.length, role: 'MAIN' },
    });
    // An attachment's form that nothing is ever posted with
    const unused = await w.pieces.requestUploadForm({
      ...{ actor, dossierId: d.dossierId, pieceId: d.pieceId },
      ...{ fileName: 'annexe.pdf', size: 5000, role: 'ATTACHMENT' },
    });
    const key = await objectKeyOf(p, d.dossierId, d.pieceId, main.fileId);
    lost.add(key);
    expect((await postFile(main, bytes)).status).toBe(204);
    await p.settle();
    const status = async () =>
      Object.fromEntries((await w.pieces.getDraft(d.dossierId, d.pieceId)).files.map((f) => [f.fileId, f.status]));
    expect(await status()).toEqual({ [main.fileId]: 'ATTENDU', [unused.fileId]: 'ATTENDU' });

    // Forms live 5 minutes, then 15 minutes of grace: at 5 + 15 - 1 = 19 minutes, nothing is swept yet
    await p.advanceClock({ minutes: 19 });
    expect(await status()).toEqual({ [main.fileId]: 'ATTENDU', [unused.fileId]: 'ATTENDU' });
    // At 21 minutes both are past: the object is verified as its event would have, the unused form released
    await p.advanceClock({ minutes: 2 });
    const draft = await w.pieces.getDraft(d.dossierId, d.pieceId);
    expect(await status()).toEqual({ [main.fileId]: 'VERIFIE', [unused.fileId]: 'EXPIRE' });
    expect(draft.files.find((f) => f.fileId === main.fileId)?.sha256).toBe(sha256(bytes));

    // The event arriving at last changes nothing; nor do later sweeps; the index keeps neither file
    const late = await verify({ Records: [{ eventName: 'ObjectCreated:Post', s3: { object: { key } } }] } as never);
    expect(late).toEqual([{ outcome: 'IGNORE', reason: 'déjà vérifié' }]);
    await p.advanceClock({ minutes: 30 });
    expect(await w.pieces.getDraft(d.dossierId, d.pieceId)).toEqual(draft);
    const ctx = serviceContext();
    const left = await ctx.stores.awaitedUploads.expiredBefore(new Date('2100-01-01T00:00:00Z'), 100);
    expect(left.files.map((f) => f.fileId)).not.toContain(main.fileId);
    expect(left.files.map((f) => f.fileId)).not.toContain(unused.fileId);
    // A sweep run by hand finds nothing to do
    const again = await piecesOf(ctx).sweepUploads(ctx.stores.awaitedUploads, async () => {
      throw new Error('nothing should be read again');
    });
    expect(again).toMatchObject({ verified: [], refused: [], expired: [] });
  });
});
