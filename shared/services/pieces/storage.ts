import { type StorageClient, s3Client } from '../../adapters/s3';
import { S3DocumentObjects } from '../../adapters/s3-objects';
import type { Infrastructure } from '../infrastructure';

/** The infrastructure's S3 client: the one put in place (embedded platform, tests), else the environment's. */
export function storageOf(infra: Infrastructure): StorageClient {
  return infra.s3 ?? s3Client();
}

/**
 * The stored objects through the S3 client, installed by the functions that head, read or hide objects
 * (`installDocumentObjects(s3DocumentObjects)` when their module loads), the embedded platform and `context.ts`.
 */
export function s3DocumentObjects(infra: Infrastructure): S3DocumentObjects {
  return new S3DocumentObjects(storageOf(infra), infra.bucketName);
}
