import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

/**
 * Streams in and out of the documents bucket, for the dossier de preuve (docs/evidence-pack.md): one object version
 * read as a stream, and a stream written as a multipart upload of 5 MB parts, one part in flight at a time, so that
 * memory stays bounded whatever the size of the dossier.
 */
export const UPLOAD_PART_BYTES = 5 * 1024 * 1024;

export async function openObject(client: S3Client, bucket: string, key: string, versionId?: string): Promise<Readable> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  return out.Body as Readable;
}

/**
 * `retainUntil`: the object's own Object Lock retention (GOVERNANCE), which replaces the bucket's default for it; only
 * on a bucket with Object Lock (S3 refuses it on another).
 */
export async function uploadStream(
  client: S3Client,
  bucket: string,
  key: string,
  body: Readable,
  contentType: string,
  retainUntil?: Date,
): Promise<void> {
  const lock = retainUntil ? { ObjectLockMode: 'GOVERNANCE' as const, ObjectLockRetainUntilDate: retainUntil } : {};
  await new Upload({
    client,
    params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType, ...lock },
    partSize: UPLOAD_PART_BYTES,
    queueSize: 1,
    leavePartsOnError: false,
  }).done();
}
