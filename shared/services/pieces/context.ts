import { DocumentBucket } from '../../adapters/document-bucket';
import { signingTargetFromEnv } from '../../adapters/s3-presign';
import { component, documentObjectsOf, processScope, type Scope } from '../infrastructure';
import { dossierService, pieceStore } from '../wiring';
import { PieceService } from '.';

/**
 * The piece service on a scope's stores (this process's by default): wired like the services of `../wiring.ts`.
 * Its forms and links are signed with the S3 client put in place (embedded platform, tests), else with the
 * function's own credentials, without an S3 client; its stored objects are those the process installed
 * (`installDocumentObjects`, `storage.ts`), so that a function that only hands out links does not bundle the client.
 */
export function piecesOf(s: Scope = processScope()): PieceService {
  return component(
    s,
    piecesOf,
    (infra) =>
      new PieceService({
        store: pieceStore(s),
        documents: new DocumentBucket(infra.s3 ?? signingTargetFromEnv(), infra.bucketName, infra.clock, () =>
          documentObjectsOf(infra),
        ),
        dossiers: dossierService(s),
        clock: infra.clock,
        uploadPrefix: infra.uploadPrefix,
      }),
  );
}
