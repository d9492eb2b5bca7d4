import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, NotFound, type S3Client } from '@aws-sdk/client-s3';
import type { Clock } from './clock';
import {
  type DownloadRequest,
  presignDownload,
  presignUploadForm,
  sha256Base64ToHex,
  type UploadForm,
  type UploadFormRequest,
} from './s3';

/**
 * The documents bucket as the pieces use it: presigned upload forms and download links (on the platform clock),
 * what an uploaded object is (size, version, checksum), its bytes, and hiding it. Nothing else reaches S3.
 */
export interface ObjectHead {
  readonly size: number;
  readonly versionId?: string;
  /** Lowercase hex SHA-256 when S3 holds a whole-object checksum. */
  readonly sha256?: string;
}

export class DocumentBucket {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    private readonly clock: Clock,
  ) {}

  uploadForm(request: Omit<UploadFormRequest, 'bucket'>): Promise<UploadForm> {
    return presignUploadForm(this.client, { ...request, bucket: this.bucket }, this.clock);
  }

  downloadLink(request: Omit<DownloadRequest, 'bucket'>): Promise<{ url: string; expiresAt: Date }> {
    return presignDownload(this.client, { ...request, bucket: this.bucket }, this.clock);
  }

  /** The object as stored; undefined when there is none (yet). */
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

  /** Hides an object: on the versioned, locked bucket a delete marker (the locked version stays, unreachable). */
  async hide(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e instanceof NotFound || err?.name === 'NoSuchKey' || err?.$metadata?.httpStatusCode === 404;
}
