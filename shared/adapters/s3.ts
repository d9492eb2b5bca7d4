import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { Clock } from './clock';
import { presignGetObject, presignPostPolicy, type SigningTarget, signingTargetOf } from './s3-presign';

/**
 * The documents bucket, seen from the application: one S3 client per process built from the environment, and the
 * two presigned requests the browser uses — a POST form to upload (the policy is the guard: key, type, size range,
 * checksum, expiry; docs/DESIGN.md#how-a-dossier-flows step 1) and a short GET to download. Nothing reaches S3
 * through a Lambda. Presigning (`s3-presign.ts`) needs no S3 client: a function that only hands out links and forms
 * signs them with its credentials (`signingTargetFromEnv`) and does not bundle the client. It follows the process
 * clock (`shared/adapters/clock.ts`), so that on the embedded platform a form expires when the shiftable clock says so.
 */

/** Key prefix of browser uploads; the verifying function is notified for objects created under it. */
export const DEFAULT_UPLOAD_PREFIX = 'uploads/';

/**
 * Client settings from the environment. In AWS the defaults. When `AWS_ENDPOINT_URL_S3` points elsewhere (the
 * embedded platform's s3rver), path-style addressing and checksums only when required
 * (s3rver stores corrupted bodies otherwise).
 */
export function s3ClientConfigFromEnv(env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
  if (!env.AWS_ENDPOINT_URL_S3) return {};
  return {
    endpoint: env.AWS_ENDPOINT_URL_S3,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

let cached: { client: S3Client; endpoint: string | undefined } | undefined;

/** The process-wide client (rebuilt when the endpoint in the environment changes, e.g. a new local platform). */
export function s3Client(): S3Client {
  const endpoint = process.env.AWS_ENDPOINT_URL_S3;
  if (!cached || cached.endpoint !== endpoint) {
    cached?.client.destroy();
    cached = { client: new S3Client(s3ClientConfigFromEnv()), endpoint };
  }
  return cached.client;
}

export function bucketName(): string {
  const name = process.env.BUCKET_NAME;
  if (!name) throw new Error('BUCKET_NAME is not set');
  return name;
}

export function uploadPrefix(): string {
  return process.env.UPLOAD_PREFIX || DEFAULT_UPLOAD_PREFIX;
}

/**
 * Days an evidence pack is locked (EVIDENCE_PACK_RETENTION_DAYS, set by the stack when the bucket has Object Lock,
 * docs/evidence-pack.md#retention); undefined where the bucket has none (the embedded platform, a stack without lock).
 */
/** Key prefix of the evidence packs (docs/evidence-pack.md), which have their own retention. */
export const EVIDENCE_PREFIX = 'preuves/';

/**
 * Days an evidence pack stays locked and kept (docs/evidence-pack.md#retention): a pack is a snapshot rebuilt on
 * every request from the documents and the trail, which keep their own 10 years; it is not kept 10 years itself.
 */
export const EVIDENCE_PACK_RETENTION_DAYS = 30;

export function evidencePackRetentionDays(): number | undefined {
  const days = Number(process.env.EVIDENCE_PACK_RETENTION_DAYS);
  return Number.isInteger(days) && days > 0 ? days : undefined;
}

/** Lowercase hex SHA-256 → the base64 form S3 checksum headers and fields use. */
export function sha256HexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

/** Base64 SHA-256 (S3's `ChecksumSHA256`) → lowercase hex; undefined when it is not a whole SHA-256. */
export function sha256Base64ToHex(b64: string): string | undefined {
  const bytes = Buffer.from(b64, 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : undefined;
}

export interface UploadFormRequest {
  readonly bucket: string;
  readonly key: string;
  /** The Content-Type the object will carry (fixed by the policy). */
  readonly contentType: string;
  /** Inclusive byte range of the file (S3 `content-length-range`). */
  readonly minBytes: number;
  readonly maxBytes: number;
  /**
   * SHA-256 of the file (lowercase hex) when the client declared it: the policy then fixes `x-amz-checksum-sha256`
   * and S3 refuses any other content. Without it the form fixes the algorithm and lets the client add the value.
   */
  readonly sha256?: string;
  readonly expiresInSeconds: number;
}

export interface UploadForm {
  readonly url: string;
  /** Every field to send before the `file` part, as given. */
  readonly fields: Record<string, string>;
  readonly expiresAt: Date;
}

/** Where forms and links are signed: a target, or an S3 client put in place (its region, endpoint, credentials). */
export type PresignWith = SigningTarget | S3Client;

const targetOf = (w: PresignWith): SigningTarget => ('config' in w ? signingTargetOf(w) : w);

/** A presigned POST form: the policy fixes the key, the content type, the size range, the checksum and the expiry. */
export async function presignUploadForm(
  signer: PresignWith,
  request: UploadFormRequest,
  c: Clock,
): Promise<UploadForm> {
  const now = c.now();
  const fields: Record<string, string> = { 'Content-Type': request.contentType, 'x-amz-checksum-algorithm': 'SHA256' };
  const conditions: unknown[] = [
    ['content-length-range', request.minBytes, request.maxBytes],
    ['eq', '$Content-Type', request.contentType],
  ];
  if (request.sha256) {
    fields['x-amz-checksum-sha256'] = sha256HexToBase64(request.sha256);
  } else {
    conditions.push(['starts-with', '$x-amz-checksum-sha256', '']);
  }
  const form = await presignPostPolicy(
    targetOf(signer),
    { bucket: request.bucket, key: request.key, conditions, fields, expiresInSeconds: request.expiresInSeconds },
    now,
  );
  return { url: form.url, fields: form.fields, expiresAt: new Date(now.getTime() + request.expiresInSeconds * 1000) };
}

export interface DownloadRequest {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  /** Name given to the saved file (the object key is random). */
  readonly fileName: string;
  readonly contentType: string;
  readonly expiresInSeconds: number;
}

/** RFC 6266 / 5987 attachment disposition: an ASCII fallback and the exact UTF-8 name. */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** A short-lived presigned GET of one object version, saved under its original name. */
export async function presignDownload(
  signer: PresignWith,
  request: DownloadRequest,
  c: Clock,
): Promise<{ url: string; expiresAt: Date }> {
  const now = c.now();
  const url = await presignGetObject(
    targetOf(signer),
    {
      bucket: request.bucket,
      key: request.key,
      query: {
        ...(request.versionId ? { versionId: request.versionId } : {}),
        'response-content-disposition': attachmentDisposition(request.fileName),
        'response-content-type': request.contentType,
      },
      expiresInSeconds: request.expiresInSeconds,
    },
    now,
  );
  return { url, expiresAt: new Date(now.getTime() + request.expiresInSeconds * 1000) };
}

/** The S3 client type, for the composition root (no SDK import above the adapters). */
export type StorageClient = S3Client;
