import { DocumentBucket } from '../../adapters/document-bucket';
import { type StorageClient, s3Client } from '../../adapters/s3';
import type { Infrastructure, ServiceContext } from '../context';
import { PieceService } from '.';

/**
 * The piece service on a context's stores, and the storage client of its infrastructure. Beside the composition
 * root rather than in it, so that only the functions that touch files (pieces, downloads, verification, the
 * dossier de preuve) bundle the S3 client and its presigners.
 */
const built = new WeakMap<ServiceContext, PieceService>();

export function piecesOf(ctx: ServiceContext): PieceService {
  let pieces = built.get(ctx);
  if (!pieces) {
    const { infra } = ctx;
    pieces = new PieceService({
      store: ctx.stores.pieces,
      documents: new DocumentBucket(storageOf(infra), infra.bucketName, infra.clock),
      dossiers: ctx.dossiers,
      clock: infra.clock,
      uploadPrefix: infra.uploadPrefix,
    });
    built.set(ctx, pieces);
  }
  return pieces;
}

/** The infrastructure's S3 client: the one put in place (embedded platform, tests), else the environment's. */
export function storageOf(infra: Infrastructure): StorageClient {
  return infra.s3 ?? s3Client();
}
