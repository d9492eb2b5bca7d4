import { DocumentBucket } from '../../adapters/document-bucket';
import { type StorageClient, s3Client } from '../../adapters/s3';
import { component, type Infrastructure, processScope, type Scope } from '../infrastructure';
import { dossierService, pieceStore } from '../wiring';
import { PieceService } from '.';

/**
 * The piece service on a scope's stores (this process's by default), and the storage client of its infrastructure:
 * wired like the services of `../wiring.ts`, beside them so that only the functions that touch files (pieces,
 * downloads, verification, the dossier de preuve) bundle the S3 client and its presigners.
 */
export function piecesOf(s: Scope = processScope()): PieceService {
  return component(
    s,
    piecesOf,
    (infra) =>
      new PieceService({
        store: pieceStore(s),
        documents: new DocumentBucket(storageOf(infra), infra.bucketName, infra.clock),
        dossiers: dossierService(s),
        clock: infra.clock,
        uploadPrefix: infra.uploadPrefix,
      }),
  );
}

/** The infrastructure's S3 client: the one put in place (embedded platform, tests), else the environment's. */
export function storageOf(infra: Infrastructure): StorageClient {
  return infra.s3 ?? s3Client();
}
