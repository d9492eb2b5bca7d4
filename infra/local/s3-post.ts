import { createHash } from 'node:crypto';
import type * as http from 'node:http';
import { Transform } from 'node:stream';
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import { checkFileSize, checkPostForm, type PostPolicyOptions, type PostPolicyRejection } from './post-policy';

/**
 * A browser POST upload (presigned form) checked while it streams, as S3 does: the form fields (which S3 requires
 * before the file) are checked against the signed policy as soon as the file part starts; the file's bytes are then
 * counted and hashed on the fly (SHA-256 for the check, MD5 for the ETag, in the same pass) and streamed to a hidden
 * version copy, the upload cut off with `EntityTooLarge` the moment it passes the policy's `content-length-range` (or
 * the front's own cap); at the end the smallest size and the declared SHA-256 are checked (`EntityTooSmall`,
 * `BadDigest`). Only then is the version published under its key, so that nothing of a refused upload is ever
 * visible and its event (the one the document verifier runs on) fires only for accepted bytes. Nothing is held in
 * memory beyond a chunk (and what the store lets wait for the disk).
 */
export interface BrowserPostStore {
  /** Streams `body` to the hidden copy of version `versionId` of `key`; resolves once every byte is stored. */
  storeVersion(bucket: string, key: string, versionId: string, body: NodeJS.ReadableStream): Promise<void>;
  /** Removes a hidden version copy (a refused upload). */
  removeVersion(bucket: string, key: string, versionId: string): Promise<void>;
  /** Publishes the version under its key: the object and its ObjectCreated event appear now. Returns its ETag. */
  publish(bucket: string, key: string, versionId: string, stored: StoredUpload): Promise<string>;
}

/** What was received: its size, its SHA-256 (base64), its MD5 (hex) and the object's headers (type, user metadata). */
export interface StoredUpload {
  readonly bytes: number;
  readonly sha256: string;
  readonly md5: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface BrowserPostOptions extends PostPolicyOptions {
  /** The front's own cap on a POST, whatever the policy says. */
  readonly maxPostBytes: number;
  readonly newVersionId: () => string;
  /** Runs `publish` after the previous publication of the same key (their events map to versions in order). */
  readonly inKeyOrder: <T>(id: string, publish: () => Promise<T>) => Promise<T>;
}

export type BrowserPostOutcome =
  | {
      readonly ok: true;
      readonly bucket: string;
      readonly key: string;
      readonly versionId: string;
      readonly etag: string;
      readonly fields: ReadonlyMap<string, string>;
    }
  | { readonly ok: false; readonly error: PostPolicyRejection };

const MALFORMED: PostPolicyRejection = {
  status: 400,
  code: 'MalformedPOSTRequest',
  message: 'The body of your POST request is not well-formed multipart/form-data.',
};

function tooLarge(size: number, max: number): PostPolicyRejection {
  return {
    status: 400,
    code: 'EntityTooLarge',
    message: 'Your proposed upload exceeds the maximum allowed size',
    extra: { ProposedSize: String(size), MaxSizeAllowed: String(max) },
  };
}

const FILENAME_VARIABLE = '$' + '{filename}';

/** Field bounds: S3 forms carry a dozen small fields; a policy is a few KB. */
const LIMITS = { fields: 100, fieldNameSize: 200, fieldSize: 64 * 1024, files: 1, parts: 101 } as const;

/**
 * Reads the multipart body of `req` (a POST to `bucket`), checking and storing as described above. Resolves with the
 * published version or the S3 error to answer; the caller writes the response (and drains `req` on an error).
 */
export function receiveBrowserPost(
  req: http.IncomingMessage,
  bucket: string,
  store: BrowserPostStore,
  options: BrowserPostOptions,
): Promise<BrowserPostOutcome> {
  return new Promise<BrowserPostOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: BrowserPostOutcome) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      resolve(outcome);
    };
    const fail = (error: PostPolicyRejection) => finish({ ok: false, error });
    let parser: BusboyInstance;
    try {
      const contentType = req.headers['content-type'] ?? '';
      parser = new Busboy({
        headers: { ...req.headers, 'content-type': contentType },
        limits: LIMITS,
        preservePath: false,
      });
    } catch {
      fail(MALFORMED);
      return;
    }
    const fields = new Map<string, string>();
    let fileSeen = false;
    parser.on('field', (name, value, nameTruncated, valueTruncated) => {
      if (nameTruncated || valueTruncated) fail(MALFORMED);
      // S3 ignores what follows the file part
      else if (!fileSeen) fields.set(name, value);
    });
    parser.on('file', (name, stream, filename) => {
      if (name !== 'file' || fileSeen || settled) {
        stream.resume();
        return;
      }
      fileSeen = true;
      const form = checkPostForm({ fields, bucket }, options);
      if ('status' in form) {
        stream.resume();
        fail(form);
        return;
      }
      const rawKey = fields.get('key');
      if (!rawKey) {
        stream.resume();
        fail({ status: 400, code: 'InvalidArgument', message: "Bucket POST must contain a field named 'key'." });
        return;
      }
      // S3 replaces the variable `${filename}` in the key with the file's name
      const key = rawKey.replaceAll(FILENAME_VARIABLE, filename ?? '');
      const cap = Math.min(form.range?.[1] ?? Number.POSITIVE_INFINITY, options.maxPostBytes);
      const hash = createHash('sha256');
      const md5 = createHash('md5');
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          if (size > cap) {
            callback(Object.assign(new Error('too large'), { rejection: tooLarge(size, cap) }));
            return;
          }
          hash.update(chunk);
          md5.update(chunk);
          callback(null, chunk);
        },
      });
      stream.on('error', (error) => meter.destroy(error));
      stream.pipe(meter);
      const versionId = options.newVersionId();
      const headers: Record<string, string> = {
        'content-type': fields.get('Content-Type') ?? fields.get('content-type') ?? 'application/octet-stream',
      };
      for (const [field, value] of fields) {
        if (field.toLowerCase().startsWith('x-amz-meta-')) headers[field.toLowerCase()] = value;
      }
      let failedWith: PostPolicyRejection | undefined;
      meter.on('error', (error) => {
        failedWith = (error as { rejection?: PostPolicyRejection }).rejection ?? MALFORMED;
        stream.resume();
      });
      store
        .storeVersion(bucket, key, versionId, meter)
        .then(async () => {
          if (failedWith) throw new Error('refused');
          const digest = hash.digest('base64');
          const refusal =
            checkFileSize(size, form.range) ??
            (fields.has('x-amz-checksum-sha256') && fields.get('x-amz-checksum-sha256') !== digest
              ? {
                  status: 400,
                  code: 'BadDigest',
                  message: 'The SHA256 you specified did not match the calculated checksum.',
                }
              : undefined);
          if (refusal) {
            failedWith = refusal;
            throw new Error('refused');
          }
          const etag = await options.inKeyOrder(`${bucket}/${key}`, () =>
            store.publish(bucket, key, versionId, { bytes: size, sha256: digest, md5: md5.digest('hex'), headers }),
          );
          finish({ ok: true, bucket, key, versionId, etag, fields });
        })
        .catch(async (error: unknown) => {
          await store.removeVersion(bucket, key, versionId).catch(() => undefined);
          fail(failedWith ?? { status: 500, code: 'InternalError', message: String(error) });
        });
    });
    parser.on('error', () => fail(MALFORMED));
    parser.on('finish', () => {
      if (!fileSeen)
        fail({ status: 400, code: 'InvalidArgument', message: 'POST requires exactly one file upload per request.' });
    });
    req.on('aborted', () =>
      fail({ status: 400, code: 'IncompleteBody', message: 'The request body terminated unexpectedly' }),
    );
    req.pipe(parser);
  });
}
