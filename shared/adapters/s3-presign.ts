import type { S3Client } from '@aws-sdk/client-s3';
import { buildQueryString, extendedEncodeURIComponent } from '@smithy/core/protocols';
import { toHex } from '@smithy/core/serde';
import { createScope, getSigningKey, SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { environmentIdentity } from './aws-identity';
import { Sha256 } from './sha256';

/**
 * The two presigned requests the browser uses on the documents bucket — a POST form to upload (the policy is the
 * guard: key, type, size range, checksum, expiry; docs/DESIGN.md#how-a-dossier-flows step 1) and a short GET to
 * download — signed with Signature V4 by `@smithy/signature-v4`, the signer the SDK's S3 presigners use themselves,
 * without the S3 client: a function that only hands out links does not bundle the client (`npm run bench --
 * bundles`). The URLs are those of `@aws-sdk/s3-request-presigner` and `@aws-sdk/s3-presigned-post` for the same
 * inputs (test/unit/pieces/s3-presign.test.ts compares them). Presigning follows the process clock
 * (`shared/adapters/clock.ts`), so that on the embedded platform a form expires when the shiftable clock says so.
 */

/** Where and as whom requests are signed: the bucket's region, its endpoint, the function's credentials. */
export interface SigningTarget {
  region(): Promise<string>;
  /**
   * The S3 endpoint when it is not AWS's (the embedded platform's s3rver): path-style addressing, as the client
   * configured by `s3ClientConfigFromEnv` does. Undefined on AWS: virtual-hosted addressing.
   */
  endpoint(): Promise<URL | undefined>;
  credentials(): Promise<AwsCredentialIdentity>;
  /**
   * Whether the client validates response checksums when S3 supports them (the SDK's default, `WHEN_SUPPORTED`):
   * its GetObject then asks for them (`x-amz-checksum-mode: ENABLED`, in the query of a presigned GET). Against the
   * embedded platform only when required (s3rver, `s3ClientConfigFromEnv`).
   */
  checksumMode(): Promise<boolean>;
}

/** The target of this process's environment: AWS_REGION, AWS_ENDPOINT_URL_S3, the role's credentials. */
export function signingTargetFromEnv(env: NodeJS.ProcessEnv = process.env): SigningTarget {
  return {
    ...environmentIdentity(env),
    endpoint: async () => (env.AWS_ENDPOINT_URL_S3 ? new URL(env.AWS_ENDPOINT_URL_S3) : undefined),
    checksumMode: async () => !env.AWS_ENDPOINT_URL_S3 && env.AWS_RESPONSE_CHECKSUM_VALIDATION !== 'WHEN_REQUIRED',
  };
}

/** The target of an S3 client put in place (embedded platform, tests): its region, endpoint and credentials. */
export function signingTargetOf(client: S3Client): SigningTarget {
  const config = client.config;
  return {
    region: () => config.region(),
    endpoint: async () => {
      const e = config.endpoint ? await config.endpoint() : undefined;
      return e ? new URL(`${e.protocol}//${e.hostname}${e.port ? `:${e.port}` : ''}${e.path}`) : undefined;
    },
    credentials: () => config.credentials(),
    checksumMode: async () => (await config.responseChecksumValidation()) === 'WHEN_SUPPORTED',
  };
}

export interface ObjectAddress {
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  /** `/key` (virtual-hosted) or `/bucket/key` (path-style), each segment escaped as the SDK does. */
  readonly path: string;
}

/** A DNS-compatible bucket name goes in the host name on AWS, as the SDK's endpoint rules put it. */
const VIRTUAL_HOSTABLE = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export async function addressOf(target: SigningTarget, bucket: string, key?: string): Promise<ObjectAddress> {
  const keyPath = key === undefined ? '' : `/${key.split('/').map(extendedEncodeURIComponent).join('/')}`;
  const endpoint = await target.endpoint();
  if (endpoint) {
    const base = endpoint.pathname.replace(/\/$/, '');
    return {
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
      path: `${base}/${bucket}${keyPath}`,
    };
  }
  const region = await target.region();
  return VIRTUAL_HOSTABLE.test(bucket)
    ? { protocol: 'https:', hostname: `${bucket}.s3.${region}.amazonaws.com`, path: keyPath || '/' }
    : { protocol: 'https:', hostname: `s3.${region}.amazonaws.com`, path: `/${bucket}${keyPath}` };
}

/** The address's host as the `host` header carries it (with its port when it has one). */
export function hostOf(a: ObjectAddress): string {
  return `${a.hostname}${a.port ? `:${a.port}` : ''}`;
}

export function urlOf(a: ObjectAddress, query?: Record<string, string | string[] | null>): string {
  const qs = query ? buildQueryString(query) : '';
  return `${a.protocol}//${hostOf(a)}${a.path}${qs ? `?${qs}` : ''}`;
}

/**
 * The Signature V4 signer of S3 requests to `target`, keys kept as they are in the path. `applyChecksum`: the
 * payload's hash is signed (requests sent, s3-objects.ts); presigned URLs sign UNSIGNED-PAYLOAD instead.
 */
export function s3Signer(target: SigningTarget, applyChecksum: boolean): SignatureV4 {
  return new SignatureV4({
    service: 's3',
    region: () => target.region(),
    credentials: () => target.credentials(),
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum,
  });
}

/** ISO 8601 without milliseconds, as S3 policies and SigV4 dates are written. */
const iso8601 = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface GetRequest {
  readonly bucket: string;
  readonly key: string;
  /** Query parameters of the GET (versionId, response-content-disposition…). */
  readonly query: Readonly<Record<string, string>>;
  readonly expiresInSeconds: number;
}

/** A presigned GetObject URL signed at `signingDate` (UNSIGNED-PAYLOAD, host the only signed header). */
export async function presignGetObject(target: SigningTarget, request: GetRequest, signingDate: Date): Promise<string> {
  const address = await addressOf(target, request.bucket, request.key);
  const signed = await s3Signer(target, false).presign(
    {
      method: 'GET',
      ...address,
      query: { ...request.query, 'x-id': 'GetObject' },
      headers: {
        host: hostOf(address),
        'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD',
        ...((await target.checksumMode()) ? { 'x-amz-checksum-mode': 'ENABLED' } : {}),
      },
    },
    { signingDate, expiresIn: request.expiresInSeconds, unsignableHeaders: new Set(['content-type']) },
  );
  return urlOf(address, signed.query);
}

export interface PostPolicyRequest {
  readonly bucket: string;
  readonly key: string;
  /** Policy conditions besides the fields (which each become an equality condition). */
  readonly conditions: readonly unknown[];
  /** Form fields the browser sends as given. */
  readonly fields: Readonly<Record<string, string>>;
  readonly expiresInSeconds: number;
}

/**
 * A presigned POST form signed at `now`: the policy lists the conditions, then every field, then the key (the
 * order and content of `createPresignedPost`); the signature is the HMAC of the base64 policy with the SigV4 key.
 */
export async function presignPostPolicy(
  target: SigningTarget,
  request: PostPolicyRequest,
  now: Date,
): Promise<{ url: string; fields: Record<string, string> }> {
  const signingDate = iso8601(now).replace(/[-:]/g, '');
  const shortDate = signingDate.slice(0, 8);
  const region = await target.region();
  const credentials = await target.credentials();
  const fields: Record<string, string> = {
    ...request.fields,
    bucket: request.bucket,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${credentials.accessKeyId}/${createScope(shortDate, region, 's3')}`,
    'X-Amz-Date': signingDate,
    ...(credentials.sessionToken ? { 'X-Amz-Security-Token': credentials.sessionToken } : {}),
  };
  const conditions = new Set(request.conditions.map((c) => JSON.stringify(c)));
  for (const [k, v] of Object.entries(fields)) conditions.add(JSON.stringify({ [k]: v }));
  conditions.add(JSON.stringify({ key: request.key }));
  const expiration = iso8601(new Date(now.getTime() + request.expiresInSeconds * 1000));
  const policy = Buffer.from(
    JSON.stringify({ expiration, conditions: [...conditions].map((c) => JSON.parse(c)) }),
    'utf8',
  ).toString('base64');
  const hmac = new Sha256(await getSigningKey(Sha256, credentials, shortDate, region, 's3'));
  hmac.update(Buffer.from(policy, 'utf8'));
  const signature = toHex(await hmac.digest());
  const url = urlOf(await addressOf(target, request.bucket));
  return { url, fields: { ...fields, key: request.key, Policy: policy, 'X-Amz-Signature': signature } };
}
