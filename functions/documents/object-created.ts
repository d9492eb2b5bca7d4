import type { Context, S3Event } from 'aws-lambda';
import { invocationLogger, runWithLogger } from '../../shared/adapters/logger';
import { verifyDocument } from '../../shared/documents/verify';
import { installDocumentObjects } from '../../shared/services/infrastructure';
import type { PieceService, VerificationOutcome } from '../../shared/services/pieces';
import { piecesOf } from '../../shared/services/pieces/context';
import { s3DocumentObjects } from '../../shared/services/pieces/storage';

// Verification reads the uploaded object and hides a refused one
installDocumentObjects(s3DocumentObjects);

/**
 * S3 ObjectCreated under `uploads/` (docs/DESIGN.md#how-a-dossier-flows step 2): each uploaded object is verified
 * and recorded on its piece, or refused, deleted and the reason recorded. Content refusals are outcomes, not
 * errors; an infrastructure failure throws, so that Lambda retries the event (the verification is idempotent).
 */

/** Keys in S3 event notifications are URL-encoded, spaces as `+`. */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** The handler, on the services `context` gives (the composition root's by default). */
export function objectCreatedHandler(
  context: () => { readonly pieces: PieceService } = () => ({ pieces: piecesOf() }),
) {
  return async (event: S3Event, lambdaContext?: Context): Promise<VerificationOutcome[]> => {
    const outcomes: VerificationOutcome[] = [];
    for (const record of event.Records ?? []) {
      if (!record.eventName?.startsWith('ObjectCreated:')) continue;
      const key = decodeEventKey(record.s3.object.key);
      const versionId = record.s3.object.versionId ?? undefined;
      // One logger per object: the operation, the Lambda request id as correlation id, the object's key
      const log = invocationLogger({
        operation: 'verifierDocument',
        correlationId: lambdaContext?.awsRequestId ?? record.s3.object.sequencer ?? key,
        ...(lambdaContext?.awsRequestId ? { context: lambdaContext } : {}),
        keys: { objectKey: key },
      });
      // the verifier is imported here, not by the composition root: only this Lambda bundles the PDF library
      const outcome = await runWithLogger(log, () => context().pieces.verifyUpload({ key, versionId }, verifyDocument));
      log.info('document vérifié', { ...outcome });
      outcomes.push(outcome);
    }
    return outcomes;
  };
}

export const handler = objectCreatedHandler();
