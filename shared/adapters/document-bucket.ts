import type { Clock } from './clock';
import {
  type DownloadRequest,
  type PresignWith,
  presignDownload,
  presignUploadForm,
  type UploadForm,
  type UploadFormRequest,
} from './s3';

/**
 * The documents bucket as the pieces use it: presigned upload forms and download links (on the platform clock,
 * signed without an S3 client: shared/adapters/s3-presign.ts), and its stored objects — what an uploaded object is
 * (size, version, checksum), its bytes, and hiding it — through `s3-objects.ts` (signed requests, no client either),
 * given only to the functions that touch objects. Nothing else reaches S3.
 */
export interface ObjectHead {
  readonly size: number;
  readonly versionId?: string;
  /** Lowercase hex SHA-256 when S3 holds a whole-object checksum. */
  readonly sha256?: string;
}

/** The stored objects of the bucket (S3DocumentObjects in `s3-objects.ts`). */
export interface DocumentObjects {
  /** The object as stored; undefined when there is none (yet). */
  head(key: string, versionId?: string): Promise<ObjectHead | undefined>;
  bytes(key: string, versionId?: string): Promise<Uint8Array>;
  /** Hides an object: on the versioned, locked bucket a delete marker (the locked version stays, unreachable). */
  hide(key: string): Promise<void>;
}

export class DocumentBucket implements DocumentObjects {
  constructor(
    private readonly signer: PresignWith,
    readonly bucket: string,
    private readonly clock: Clock,
    /** The stored objects, asked for on first use (a function that hands out links only has none). */
    private readonly objects: () => DocumentObjects,
  ) {}

  uploadForm(request: Omit<UploadFormRequest, 'bucket'>): Promise<UploadForm> {
    return presignUploadForm(this.signer, { ...request, bucket: this.bucket }, this.clock);
  }

  downloadLink(request: Omit<DownloadRequest, 'bucket'>): Promise<{ url: string; expiresAt: Date }> {
    return presignDownload(this.signer, { ...request, bucket: this.bucket }, this.clock);
  }

  head(key: string, versionId?: string): Promise<ObjectHead | undefined> {
    return this.objects().head(key, versionId);
  }

  bytes(key: string, versionId?: string): Promise<Uint8Array> {
    return this.objects().bytes(key, versionId);
  }

  hide(key: string): Promise<void> {
    return this.objects().hide(key);
  }
}
