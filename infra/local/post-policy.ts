import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks a browser POST upload the way S3 does (s3rver ignores the policy): the SigV4
 * signature of the base64 policy, its expiration, every condition (exact match, `eq`, `starts-with`,
 * `content-length-range`) and that no form field escapes the conditions. The fields are checked when the file part
 * starts (`checkPostForm`), the size as the bytes stream and at their end (`checkFileSize`, s3-post.ts).
 */
export interface PostUpload {
  /** Form fields other than `file`, names as sent. */
  readonly fields: ReadonlyMap<string, string>;
  /** Bucket named by the URL (path-style). */
  readonly bucket: string;
}

export interface PostPolicyRejection {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly extra?: Readonly<Record<string, string>>;
}

export interface PostPolicyOptions {
  readonly now: Date;
  /** Access key id → secret access key. */
  readonly credentials: Readonly<Record<string, string>>;
}

const IGNORED_FIELDS = new Set(['policy', 'x-amz-signature', 'file', 'awsaccesskeyid', 'signature']);

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function accessDenied(message: string): PostPolicyRejection {
  return { status: 403, code: 'AccessDenied', message };
}

function invalidPolicy(message: string): PostPolicyRejection {
  return { status: 400, code: 'InvalidPolicyDocument', message };
}

/**
 * The form's fields against its signed policy (signature, expiry, every condition but the size): what can be
 * checked before the file's bytes arrive. Returns the rejection, or the policy's `content-length-range` if any.
 */
export function checkPostForm(
  upload: PostUpload,
  options: PostPolicyOptions,
): PostPolicyRejection | { readonly range?: readonly [number, number] } {
  const fields = new Map<string, string>();
  for (const [name, value] of upload.fields) fields.set(name.toLowerCase(), value);
  const value = (name: string) => (name === 'bucket' ? upload.bucket : fields.get(name));

  const policy = fields.get('policy');
  if (!policy) return accessDenied('Access Denied');

  // Signature (SigV4 only: what the SDK's createPresignedPost produces).
  if (fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') {
    return { status: 400, code: 'InvalidArgument', message: 'Unsupported or missing x-amz-algorithm' };
  }
  const credential = (fields.get('x-amz-credential') ?? '').split('/');
  const [accessKeyId, date, region, service, terminator] = credential;
  const secret = accessKeyId ? options.credentials[accessKeyId] : undefined;
  if (!secret) {
    return {
      status: 403,
      code: 'InvalidAccessKeyId',
      message: 'The AWS Access Key Id you provided does not exist in our records.',
    };
  }
  if (credential.length !== 5 || !date || !region || service !== 's3' || terminator !== 'aws4_request') {
    return { status: 400, code: 'AuthorizationQueryParametersError', message: 'Invalid x-amz-credential' };
  }
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), 's3'), 'aws4_request');
  const expected = hmac(signingKey, policy).toString('hex');
  const given = fields.get('x-amz-signature') ?? '';
  if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
    return {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided.',
    };
  }

  let document: { expiration?: unknown; conditions?: unknown };
  try {
    document = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as typeof document;
  } catch {
    return invalidPolicy('Invalid Policy: Invalid JSON.');
  }
  const expiration = typeof document.expiration === 'string' ? Date.parse(document.expiration) : Number.NaN;
  if (Number.isNaN(expiration)) return invalidPolicy("Invalid Policy: Invalid 'expiration' value.");
  if (options.now.getTime() > expiration) return accessDenied('Invalid according to Policy: Policy expired.');
  if (!Array.isArray(document.conditions)) return invalidPolicy("Invalid Policy: Missing 'conditions'.");

  const covered = new Set<string>(['bucket']);
  let range: [number, number] | undefined;
  for (const condition of document.conditions as unknown[]) {
    const failed = () =>
      accessDenied(`Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`);
    if (Array.isArray(condition)) {
      const [op, a, b] = condition as [unknown, unknown, unknown];
      const operator = String(op).toLowerCase();
      if (operator === 'content-length-range') {
        range = [Number(a), Number(b)];
        continue;
      }
      if ((operator !== 'eq' && operator !== 'starts-with') || typeof a !== 'string' || !a.startsWith('$')) {
        return invalidPolicy(`Invalid Policy: Invalid Condition: ${JSON.stringify(condition)}`);
      }
      const name = a.slice(1).toLowerCase();
      covered.add(name);
      const actual = value(name) ?? '';
      const expectedValue = String(b);
      if (operator === 'eq' && actual !== expectedValue) return failed();
      // For Content-Type, S3 checks each comma-separated value.
      const values = name === 'content-type' ? actual.split(',').map((v) => v.trim()) : [actual];
      if (operator === 'starts-with' && !values.every((v) => v.startsWith(expectedValue))) return failed();
    } else if (condition && typeof condition === 'object') {
      for (const [k, v] of Object.entries(condition)) {
        const name = k.toLowerCase();
        covered.add(name);
        if ((value(name) ?? '') !== String(v)) return failed();
      }
    } else {
      return invalidPolicy(`Invalid Policy: Invalid Condition: ${JSON.stringify(condition)}`);
    }
  }
  for (const name of fields.keys()) {
    if (IGNORED_FIELDS.has(name) || name.startsWith('x-ignore-') || covered.has(name)) continue;
    return accessDenied(`Invalid according to Policy: Extra input fields: ${name}`);
  }
  return range ? { range } : {};
}

/** The file's size against the policy's `content-length-range`: undefined when it fits. */
export function checkFileSize(
  size: number,
  range: readonly [number, number] | undefined,
): PostPolicyRejection | undefined {
  if (!range) return undefined;
  const [min, max] = range;
  if (size > max) {
    return {
      status: 400,
      code: 'EntityTooLarge',
      message: 'Your proposed upload exceeds the maximum allowed size',
      extra: { ProposedSize: String(size), MaxSizeAllowed: String(max) },
    };
  }
  if (size < min) {
    return {
      status: 400,
      code: 'EntityTooSmall',
      message: 'Your proposed upload is smaller than the minimum allowed size',
      extra: { ProposedSize: String(size), MinSizeAllowed: String(min) },
    };
  }
  return undefined;
}
