import type { Context } from 'aws-lambda';
import { invocationLogger, runWithLogger } from '../../shared/adapters/logger';
import { verifyDocument } from '../../shared/documents/verify';
import { installDocumentObjects } from '../../shared/services/infrastructure';
import type { SweepReport } from '../../shared/services/pieces';
import { piecesOf } from '../../shared/services/pieces/context';
import { s3DocumentObjects } from '../../shared/services/pieces/storage';
import { awaitedUploads } from '../../shared/services/wiring';

// The sweep looks up, reads and hides the objects of uploads whose event was lost
installDocumentObjects(s3DocumentObjects);

/**
 * Scheduled sweep of lost S3 events (shared/services/pieces/sweep.ts): the uploads still awaited past their form's
 * expiry are verified from storage, or their reservation released when nothing arrived. An infrastructure failure
 * throws (the next run goes on: every step is idempotent).
 */
export async function handler(_event: unknown, lambdaContext?: Context): Promise<SweepReport> {
  const log = invocationLogger({
    operation: 'balayerDepots',
    correlationId: lambdaContext?.awsRequestId ?? `balayage-${Date.now()}`,
    ...(lambdaContext?.awsRequestId ? { context: lambdaContext } : {}),
  });
  return runWithLogger(log, async () => {
    const report = await piecesOf().sweepUploads(awaitedUploads(), verifyDocument);
    if (report.verified.length + report.refused.length + report.expired.length > 0) {
      // A verified or refused file here is an event S3 did not deliver
      log.warn('dépôts sans événement S3 réglés par le balayage', { ...report });
    }
    return report;
  });
}
