import type { AwaitedUploads } from '../../adapters/dynamo/awaited-uploads';
import type { PieceDeps, VerificationOutcome } from './types';
import { RESERVATION_GRACE_SECONDS } from './types';
import { type DocumentVerifier, verifyUpload } from './verification';

/**
 * The sweeper of lost S3 events (run every 15 minutes on AWS, after every clock move and every minute on the
 * embedded platform): an upload whose ObjectCreated notification never reached the verifying function would stay
 * « en attente » for ever. Each file still awaited once its form expired (and the grace for uploads begun just
 * before the expiry passed) is settled as the event would have settled it: its object in storage is verified
 * (the same verification, idempotent: an event arriving late changes nothing); without an object, the reservation
 * is released (EXPIRE). Files found settled already are taken out of the index.
 */
export interface SweepReport {
  /** Files whose object was found and verified (VERIFIE) or refused by the verification. */
  readonly verified: string[];
  readonly refused: string[];
  /** Reservations released: no object arrived. */
  readonly expired: string[];
  /** Index entries of files already settled, taken out. */
  readonly settled: number;
  /** More expired entries than one run reads: the next run goes on. */
  readonly more: boolean;
}

/** Entries read per run: a run stays well within the function's timeout (each may read a 10 MB PDF). */
const SWEEP_BATCH = 50;

export async function sweepUploads(
  deps: PieceDeps,
  awaited: AwaitedUploads,
  verifyDocument: DocumentVerifier,
): Promise<SweepReport> {
  const now = deps.clock.now();
  const before = new Date(now.getTime() - RESERVATION_GRACE_SECONDS * 1000);
  const { files, more } = await awaited.expiredBefore(before, SWEEP_BATCH);
  const report = { verified: [] as string[], refused: [] as string[], expired: [] as string[], settled: 0, more };
  for (const file of files) {
    if (file.status !== 'ATTENDU') {
      if (await awaited.forget(file)) report.settled += 1;
      continue;
    }
    const head = await deps.documents.head(file.objectKey);
    if (head) {
      const outcome: VerificationOutcome = await verifyUpload(
        deps,
        { key: file.objectKey, ...(head.versionId ? { versionId: head.versionId } : {}) },
        verifyDocument,
      );
      if (outcome.outcome === 'VERIFIE') report.verified.push(file.fileId);
      else if (outcome.outcome === 'REFUSE') report.refused.push(file.fileId);
    } else if (await deps.store.releaseReservation(file, 'EXPIRE', now)) {
      report.expired.push(file.fileId);
    }
    await awaited.forget(file);
  }
  return report;
}
