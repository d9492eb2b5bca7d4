import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, NotFound, type S3Client } from '@aws-sdk/client-s3';
import type { DocumentObjects, ObjectHead } from './document-bucket';
import { sha256Base64ToHex } from './s3';

/**
 * The stored objects of the documents bucket through the S3 client: what an uploaded object is (size, version,
 * checksum), its bytes, and hiding it. Only the functions that touch objects bundle it (they install it,
 * `installDocumentObjects` in shared/services/infrastructure.ts); those that only hand out links and forms do not.
 */
export class S3DocumentObjects implements DocumentObjects {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
  ) {}

  async head(key: string, versionId?: string): Promise<ObjectHead | undefined> {
    try {
      const h = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId, ChecksumMode: 'ENABLED' }),
      );
      return {
        size: h.ContentLength ?? 0,
        versionId: h.VersionId ?? undefined,
        sha256: h.ChecksumSHA256 && !h.ChecksumSHA256.includes('-') ? sha256Base64ToHex(h.ChecksumSHA256) : undefined,
      };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async bytes(key: string, versionId?: string): Promise<Uint8Array> {
    const body = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }));
    return (await body.Body?.transformToByteArray()) ?? new Uint8Array(0);
  }

  async hide(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e instanceof NotFound || err?.name === 'NoSuchKey' || err?.$metadata?.httpStatusCode === 404;
}
