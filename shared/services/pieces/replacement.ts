import { createHash } from 'node:crypto';
import type { AuditEvent } from '../../adapters/audit';
import { RecordConflict } from '../../adapters/dynamo/dossier-types';
import { MAX_FILE_BYTES } from '../../domain/documents';
import type { PieceFile } from '../../domain/pieces';
import type { PieceDeps, VerificationOutcome } from './types';

/**
 * Stored bytes never change under a verified record (docs/rules/documents.md#retention-and-the-audit-trail). An
 * upload form stays usable until it expires, so other bytes can land under the key of a file already verified: S3
 * (a versioned bucket) keeps them as a newer version. That version is never served (downloads are pinned to the
 * verified version) and it is recorded as a refused replacement: an audit event of the dossier, chained like every
 * other, naming the verified and the refused version and the refused bytes' SHA-256. Idempotent (S3 may deliver
 * the event twice): a version already recorded is not recorded again.
 */
export const REPLACEMENT_REFUSED_EVENT = 'REMPLACEMENT_FICHIER_REFUSE';

export async function refuseReplacement(
  deps: PieceDeps,
  file: PieceFile,
  object: { readonly key: string; readonly versionId: string },
): Promise<VerificationOutcome> {
  const head = await deps.documents.head(object.key, object.versionId);
  if (!head) return { outcome: 'IGNORE', reason: 'version absente' };
  const sha256 =
    head.sha256 ??
    (head.size <= MAX_FILE_BYTES
      ? createHash('sha256')
          .update(await deps.documents.bytes(object.key, object.versionId))
          .digest('hex')
      : undefined);
  const refusal = {
    code: 'REMPLACEMENT_REFUSE',
    message: `Le fichier ${file.fileName} est déjà vérifié : d'autres octets reçus sous la même clé ne le remplacent pas (version ${object.versionId} refusée, la version vérifiée reste seule servie).`,
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    const record = await deps.dossiers.find(file.dossierId);
    if (!record) {
      // A draft of a dossier not opened yet has no trail: the refusal is logged, the verified version still served
      return { outcome: 'REFUSE', fileId: file.fileId, refusal };
    }
    const already = record.events.some(
      (e) => e.type === REPLACEMENT_REFUSED_EVENT && e.details?.versionRefusee === object.versionId,
    );
    if (already) return { outcome: 'REFUSE', fileId: file.fileId, refusal };
    const event: Omit<AuditEvent, 'seq'> = {
      at: deps.clock.now().toISOString(),
      type: REPLACEMENT_REFUSED_EVENT,
      actorRole: 'SYSTEM',
      details: {
        pieceId: file.pieceId,
        fichierId: file.fileId,
        nom: file.fileName,
        versionVerifiee: file.versionId ?? null,
        empreinteVerifiee: file.sha256 ?? null,
        versionRefusee: object.versionId,
        empreinteRefusee: sha256 ?? null,
        taille: head.size,
      },
      ...(sha256 ? { fileHashes: [sha256] } : {}),
    };
    try {
      await deps.dossiers.appendRecord({
        dossierId: file.dossierId,
        lastEventSeq: record.lastEventSeq,
        lastEventHash: record.lastEventHash,
        events: [event],
      });
      return { outcome: 'REFUSE', fileId: file.fileId, refusal };
    } catch (e) {
      // The trail moved on between our read and our write: read again
      if (!(e instanceof RecordConflict)) throw e;
    }
  }
  throw new Error(`refused replacement of ${object.key} could not be recorded`);
}
