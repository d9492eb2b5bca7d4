import type { S3Event } from 'aws-lambda';
import { MarcheStore } from '../../shared/adapters/dynamo/marche-store';
import { defaultLogger } from '../../shared/http/logger';
import { DossierService } from '../../shared/services/dossier-service';
import { PieceService, type VerificationOutcome } from '../../shared/services/piece-service';

/**
 * S3 ObjectCreated under `uploads/` (ARCHITECTURE.md "How a dossier flows" 2): each uploaded object is verified
 * and recorded on its piece, or refused, deleted and the reason recorded. Content refusals are outcomes, not
 * errors; an infrastructure failure throws, so that Lambda retries the event (the verification is idempotent).
 */
let service: PieceService | undefined;

function pieces(): PieceService {
  if (!service) {
    const marches = new MarcheStore();
    const dossiers = new DossierService({ loadMarche: async (id) => (await marches.get(id))?.marche });
    service = new PieceService({ dossiers });
  }
  return service;
}

/** Replaces the service (tests). */
export function setPieceService(s: PieceService | undefined): void {
  service = s;
}

/** Keys in S3 event notifications are URL-encoded, spaces as `+`. */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

export async function handler(event: S3Event): Promise<VerificationOutcome[]> {
  const log = defaultLogger();
  const outcomes: VerificationOutcome[] = [];
  for (const record of event.Records ?? []) {
    if (!record.eventName?.startsWith('ObjectCreated:')) continue;
    const key = decodeEventKey(record.s3.object.key);
    const outcome = await pieces().verifyUpload({ key, versionId: record.s3.object.versionId ?? undefined });
    log.info('document vérifié', { key, ...outcome });
    outcomes.push(outcome);
  }
  return outcomes;
}
