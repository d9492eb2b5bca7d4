import { DocumentBucket } from '../../adapters/document-bucket';
import { signingTargetFromEnv } from '../../adapters/s3-presign';
import { component, documentObjectsOf, type Infrastructure, processScope, type Scope } from '../infrastructure';
import { dossierService, pieceStore } from '../wiring';
import { PieceService } from '.';
import { PieceReads } from './reads';

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
        documents: documentBucketOf(infra),
        dossiers: dossierService(s),
        clock: infra.clock,
        uploadPrefix: infra.uploadPrefix,
      }),
  );
}

/** The pieces as the read functions read them (`PieceReads`): drafts, sent pieces, download links. */
export function pieceReadsOf(s: Scope = processScope()): PieceReads {
  return component(
    s,
    pieceReadsOf,
    (infra) => new PieceReads({ store: pieceStore(s), documents: documentBucketOf(infra) }),
  );
}

function documentBucketOf(infra: Infrastructure): DocumentBucket {
  return new DocumentBucket(infra.s3 ?? signingTargetFromEnv(), infra.bucketName, infra.clock, () =>
    documentObjectsOf(infra),
  );
}
