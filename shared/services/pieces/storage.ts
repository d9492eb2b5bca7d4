import { type StorageClient, s3Client } from '../../adapters/s3';
import { S3DocumentObjects } from '../../adapters/s3-objects';
import { signingTargetFromEnv, signingTargetOf } from '../../adapters/s3-presign';
import type { Infrastructure } from '../infrastructure';

/** The infrastructure's S3 client: the one put in place (embedded platform, tests), else the environment's. */
export function storageOf(infra: Infrastructure): StorageClient {
  return infra.s3 ?? s3Client();
}

/**
 * The stored objects, installed by the functions that head, read or hide objects
 * (`installDocumentObjects(s3DocumentObjects)` when their module loads), the embedded platform and `context.ts`:
 * requests signed as the S3 client put in place would sign them (embedded platform, tests), else with the
 * function's own credentials, without an S3 client (`s3-objects.ts`).
 */
export function s3DocumentObjects(infra: Infrastructure): S3DocumentObjects {
  return new S3DocumentObjects(infra.s3 ? signingTargetOf(infra.s3) : signingTargetFromEnv(), infra.bucketName);
}
