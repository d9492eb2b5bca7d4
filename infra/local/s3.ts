import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import type { Clock } from '../../shared/adapters/clock';
import type { CorsRule } from './cdk-model';
import { closeServer, listen, listenPreferring } from './net';
import type { PostPolicyRejection } from './post-policy';
import { type BrowserPostOutcome, type BrowserPostStore, receiveBrowserPost } from './s3-post';
import { presignedOnPlatformClock, toAmzDate } from './s3-presigned';

/** One record of an S3 event notification, as AWS delivers it to Lambda. */
export interface S3EventRecord {
  eventVersion: string;
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  eventName: string;
  s3: {
    s3SchemaVersion: string;
    configurationId: string;
    bucket: { name: string; arn: string; ownerIdentity: { principalId: string } };
    object: { key: string; size?: number; eTag?: string; versionId?: string; sequencer: string };
  };
  [other: string]: unknown;
}

interface S3rverInstance {
  httpServer?: http.Server;
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  on(event: 'event', listener: (event: { Records: S3EventRecord[] }) => void): void;
}

export interface LocalS3Options {
  /** Preferred public port (0: any; a taken port falls back to a free one). */
  readonly port: number;
  readonly directory: string;
  readonly bucket: string;
  readonly cors: readonly CorsRule[];
  readonly clock: Clock;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Largest POST body buffered for policy checks (default 64 MiB). */
  readonly maxPostBytes?: number;
  readonly onEvent: (record: S3EventRecord) => void;
}

export interface LocalS3 {
  /** The public endpoint (the policy-checking front). */
  readonly endpoint: string;
  readonly port: number;
  /** s3rver itself, unchecked (for diagnostics only). */
  readonly internalEndpoint: string;
  stop(): Promise<void>;
}

function escapeXml(s: string): string {
  return s.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string,
  );
}

export function s3ErrorXml(error: PostPolicyRejection): string {
  const extra = Object.entries(error.extra ?? {})
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join('');
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message>${extra}` +
    `<RequestId>${requestId}</RequestId><HostId>${randomBytes(24).toString('base64')}</HostId></Error>`
  );
}

function corsXml(rules: readonly CorsRule[]): string | undefined {
  if (rules.length === 0) return undefined;
  const list = (tag: string, values?: string[]) =>
    (values ?? []).map((v) => `<${tag}>${escapeXml(v)}</${tag}>`).join('');
  return (
    '<CORSConfiguration>' +
    rules
      .map(
        (r) =>
          `<CORSRule>${list('AllowedOrigin', r.allowedOrigins)}${list('AllowedMethod', r.allowedMethods)}` +
          `${list('AllowedHeader', r.allowedHeaders)}${list('ExposeHeader', r.exposedHeaders)}` +
          `${r.maxAge !== undefined ? `<MaxAgeSeconds>${r.maxAge}</MaxAgeSeconds>` : ''}</CORSRule>`,
      )
      .join('') +
    '</CORSConfiguration>'
  );
}

/** Keys in S3 event notifications are URL-encoded, spaces as `+`. */
function encodeEventKey(key: string): string {
  return key
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/%20/g, '+'))
    .join('/');
}

/**
 * Object versions, as on the versioned bucket of AWS (s3rver has none): every browser POST upload also stores its
 * bytes under `.versions/<key>/<versionId>`, its event and answer carry that `versionId`, and a GET, HEAD or DELETE
 * with `?versionId=` reaches that copy. So a download pinned to the verified version keeps serving the verified
 * bytes even if other bytes are posted later under the same key (a form stays usable until it expires).
 */
export const VERSIONS_PREFIX = '.versions/';

/** The metadata under which a version keeps its SHA-256 (base64), served as `x-amz-checksum-sha256`. */
const LOCAL_CHECKSUM = 'x-amz-meta-local-checksum-sha256';

function versionPath(bucket: string, key: string, versionId: string): string {
  return `/${bucket}/${[...`${VERSIONS_PREFIX}${key}/${versionId}`.split('/')].map(encodeURIComponent).join('/')}`;
}

/** `20261203T081500Z`, the machine's time (s3rver compares with it). */
function amzDate(): string {
  return toAmzDate(new Date());
}

/** Opaque, URL-safe and time-ordered, like S3's. */
function newVersionId(): string {
  return `${Date.now().toString(36).padStart(9, '0')}${randomBytes(12).toString('base64url')}`;
}

/**
 * s3rver on an internal port behind a small front on the public one. The front checks browser POST uploads
 * against their signed policy and their declared SHA-256 (s3rver checks neither), answering S3's XML errors, and
 * keeps object versions (above); everything else is piped through. s3rver's object events, fixed to look like
 * AWS's, go to `onEvent`.
 */
export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const require = createRequire(import.meta.url);
  const S3rver = require('s3rver') as new (opts: Record<string, unknown>) => S3rverInstance;
  const cors = corsXml(options.cors);
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: options.directory,
    configureBuckets: [{ name: options.bucket, configs: cors ? [cors] : [] }],
  });
  const completing = new Set<string>();
  /** bucket/key of browser POSTs being published (their copy's event is renamed Post). */
  const posting = new Set<string>();
  /** bucket/key → version ids of POSTs forwarded to s3rver whose event has not come yet (one POST per key at once). */
  const pendingVersions = new Map<string, string[]>();
  const keyQueues = new Map<string, Promise<unknown>>();
  server.on('event', (event) => {
    for (const record of event.Records) {
      const rawKey = record.s3.object.key;
      const name = record.s3.bucket.name;
      if (rawKey.startsWith(VERSIONS_PREFIX)) continue; // the version copies are ours, not the application's
      const pending = pendingVersions.get(`${name}/${rawKey}`);
      const versionId = record.eventName.startsWith('ObjectCreated:') ? pending?.shift() : undefined;
      if (versionId) record.s3.object.versionId = versionId;
      if (record.eventName === 'ObjectCreated:Post' && completing.has(`${name}/${rawKey}`)) {
        record.eventName = 'ObjectCreated:CompleteMultipartUpload';
      }
      // A browser POST is published by copying its checked version (s3-post.ts): AWS names that event Post
      if (record.eventName === 'ObjectCreated:Copy' && posting.has(`${name}/${rawKey}`)) {
        record.eventName = 'ObjectCreated:Post';
      }
      record.awsRegion = options.region;
      record.eventTime = options.clock.now().toISOString();
      record.s3.bucket.arn = `arn:aws:s3:::${name}`;
      record.s3.object.key = encodeEventKey(rawKey);
      options.onEvent(record);
    }
  });
  const { port: internalPort } = await server.run();
  const maxPostBytes = options.maxPostBytes ?? 64 * 1024 * 1024;
  const agent = new http.Agent({ keepAlive: true });
  /** A request straight to s3rver (s3rver checks no signature: the front is the only way in). */
  const internal = (
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: NodeJS.ReadableStream,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> =>
    new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port: internalPort,
          method,
          path,
          agent,
          headers: {
            ...headers,
            ...(body ? {} : { 'content-length': '0' }),
            // s3rver checks the key id only, not a SigV4 signature
            authorization: `AWS4-HMAC-SHA256 Credential=${options.credentials.accessKeyId}/${amzDate().slice(0, 8)}/${options.region}/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
            'x-amz-date': amzDate(),
            'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
          },
        },
        (up) => {
          const chunks: Buffer[] = [];
          up.on('data', (chunk: Buffer) => chunks.push(chunk));
          up.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = up.statusCode ?? 500;
            if (status < 300) resolve({ status, headers: up.headers, text });
            else reject(new Error(`s3rver ${method} ${path}: ${status} ${text.slice(0, 200)}`));
          });
        },
      );
      request.on('error', reject);
      if (body) {
        body.on('error', (error) => request.destroy(error));
        body.pipe(request);
      } else request.end();
    });
  const objectPath = (bucket: string, key: string) => `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

  /** Where checked browser uploads go (s3-post.ts): a hidden version copy first, published under its key once checked. */
  /** Versions stored with their (declared) SHA-256 already in their metadata. */
  const storedWithChecksum = new Set<string>();
  const versions: BrowserPostStore = {
    storeVersion: async (bucket, key, versionId, body, headers, declaredSha256) => {
      const checksum: Record<string, string> = declaredSha256 ? { [LOCAL_CHECKSUM]: declaredSha256 } : {};
      await internal('PUT', versionPath(bucket, key, versionId), { ...headers, ...checksum }, body);
      if (declaredSha256) storedWithChecksum.add(versionId);
    },
    removeVersion: async (bucket, key, versionId) => {
      storedWithChecksum.delete(versionId);
      await internal('DELETE', versionPath(bucket, key, versionId), {});
    },
    publish: async (bucket, key, versionId, stored) => {
      const hidden = versionPath(bucket, key, versionId);
      // s3rver answers a PUT before its file is flushed: wait until the stored size is the received one
      for (let attempt = 0; ; attempt++) {
        const head = await internal('HEAD', hidden, {});
        if (Number(head.headers['content-length']) === stored.bytes) break;
        if (attempt >= 200) throw new Error(`version ${versionId} of ${key} not stored whole`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // The version keeps its SHA-256 (served with x-amz-checksum-mode): stored with the bytes when the form declared
      // it (they matched, or we would not publish), else recorded now by a copy onto itself
      if (!storedWithChecksum.delete(versionId)) {
        await internal('PUT', hidden, {
          ...stored.headers,
          [LOCAL_CHECKSUM]: stored.sha256,
          'x-amz-copy-source': hidden,
          'x-amz-metadata-directive': 'REPLACE',
        });
      }
      posting.add(`${bucket}/${key}`);
      const queue = pendingVersions.get(`${bucket}/${key}`) ?? [];
      queue.push(versionId);
      pendingVersions.set(`${bucket}/${key}`, queue);
      try {
        const copied = await internal('PUT', objectPath(bucket, key), { 'x-amz-copy-source': hidden });
        return /<ETag>([^<]*)<\/ETag>/.exec(copied.text)?.[1]?.replaceAll('&quot;', '"') ?? '""';
      } finally {
        posting.delete(`${bucket}/${key}`);
        if (queue.length === 0) pendingVersions.delete(`${bucket}/${key}`);
      }
    },
  };
  const inKeyOrder = <T>(id: string, publish: () => Promise<T>): Promise<T> => {
    const turn = (keyQueues.get(id) ?? Promise.resolve()).then(publish);
    const settled = turn.catch(() => undefined);
    keyQueues.set(id, settled);
    void settled.then(() => {
      if (keyQueues.get(id) === settled) keyQueues.delete(id);
    });
    return turn;
  };

  const allowedOrigin = (origin: string | undefined) => {
    if (!origin) return undefined;
    const rule = options.cors.find((r) => r.allowedOrigins.includes('*') || r.allowedOrigins.includes(origin));
    return rule ? (rule.allowedOrigins.includes('*') ? '*' : origin) : undefined;
  };
  const sendError = (req: http.IncomingMessage, res: http.ServerResponse, error: PostPolicyRejection) => {
    const body = s3ErrorXml(error);
    const origin = allowedOrigin(req.headers.origin);
    res.writeHead(error.status, {
      'content-type': 'application/xml',
      'content-length': Buffer.byteLength(body),
      ...(origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}),
    });
    res.end(body);
  };
  /** S3's answer to an accepted browser POST: 204 by default, 200 / 201 (with its XML) or a 303 as the form asks. */
  const answerPost = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    posted: BrowserPostOutcome & { ok: true },
  ) => {
    const origin = allowedOrigin(req.headers.origin);
    const rule = options.cors.find((r) => r.allowedOrigins.includes('*') || r.allowedOrigins.includes(origin ?? ''));
    const location = `http://${req.headers.host ?? '127.0.0.1'}${objectPath(posted.bucket, posted.key)}`;
    const headers: Record<string, string> = {
      etag: posted.etag,
      location,
      'x-amz-version-id': posted.versionId,
      ...(origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}),
      ...(origin && rule?.exposedHeaders?.length
        ? { 'access-control-expose-headers': rule.exposedHeaders.join(', ') }
        : {}),
    };
    const redirect = posted.fields.get('success_action_redirect');
    if (redirect) {
      const target = new URL(redirect);
      target.searchParams.set('bucket', posted.bucket);
      target.searchParams.set('key', posted.key);
      target.searchParams.set('etag', posted.etag);
      res.writeHead(303, { ...headers, location: target.toString(), 'content-length': '0' });
      res.end();
      return;
    }
    const status = posted.fields.get('success_action_status');
    if (status === '201') {
      const body =
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
        `<PostResponse><Location>${escapeXml(location)}</Location><Bucket>${escapeXml(posted.bucket)}</Bucket>` +
        `<Key>${escapeXml(posted.key)}</Key><ETag>${escapeXml(posted.etag)}</ETag></PostResponse>`;
      res.writeHead(201, { ...headers, 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    res.writeHead(status === '200' ? 200 : 204, { ...headers, 'content-length': '0' });
    res.end();
  };
  const forward = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body?: Buffer,
    onDone?: () => void,
    over: { path?: string; headers?: (up: http.IncomingMessage) => Record<string, string> } = {},
  ) => {
    const headers = { ...req.headers };
    if (body) {
      headers['content-length'] = String(body.length);
      delete headers['transfer-encoding'];
    }
    const upstream = http.request(
      { host: '127.0.0.1', port: internalPort, method: req.method, path: over.path ?? req.url, headers, agent },
      (up) => {
        const ok = (up.statusCode ?? 502) < 300;
        res.writeHead(up.statusCode ?? 502, { ...up.headers, ...(ok ? over.headers?.(up) : {}) });
        up.pipe(res);
        up.on('end', () => onDone?.());
      },
    );
    upstream.on('error', (error) => {
      onDone?.();
      if (!res.headersSent) sendError(req, res, { status: 502, code: 'InternalError', message: error.message });
      else res.destroy();
    });
    if (body) upstream.end(body);
    else req.pipe(upstream);
  };

  const front = http.createServer(async (req, res) => {
    try {
      // A presigned link expires on the platform clock, as the adapter dated it (s3-presigned.ts)
      const presigned = presignedOnPlatformClock(req.url ?? '/', options.clock.now(), new Date());
      if (!presigned.ok) {
        sendError(req, res, presigned.error);
        req.resume();
        return;
      }
      req.url = presigned.url;
      const url = new URL(req.url, 'http://local');
      const contentType = String(req.headers['content-type'] ?? '');
      const bucketPost = /^\/([^/]+)\/?$/.exec(url.pathname);
      if (req.method === 'POST' && bucketPost && url.search === '' && /^multipart\/form-data/i.test(contentType)) {
        const declared = Number(req.headers['content-length'] ?? 0);
        if (declared > maxPostBytes) {
          sendError(req, res, {
            status: 400,
            code: 'EntityTooLarge',
            message: 'Your proposed upload exceeds the maximum allowed size',
            extra: { ProposedSize: String(declared), MaxSizeAllowed: String(maxPostBytes) },
          });
          req.resume();
          return;
        }
        const outcome = await receiveBrowserPost(req, decodeURIComponent(bucketPost[1] as string), versions, {
          now: options.clock.now(),
          credentials: { [options.credentials.accessKeyId]: options.credentials.secretAccessKey },
          maxPostBytes,
          newVersionId,
          inKeyOrder,
        });
        if (!outcome.ok) {
          // S3 answers at once and closes; the rest of the body is read and dropped
          res.setHeader('connection', 'close');
          sendError(req, res, outcome.error);
          req.resume();
          return;
        }
        answerPost(req, res, outcome);
        return;
      }
      // CompleteMultipartUpload: remember the key, so that its event is named as AWS names it.
      if (req.method === 'POST' && url.searchParams.has('uploadId')) {
        const key = `${decodeURIComponent(url.pathname.slice(1))}`;
        completing.add(key);
        forward(req, res, undefined, () => completing.delete(key));
        return;
      }
      // A version of an object: its copy under .versions/ (see VERSIONS_PREFIX)
      const versionId = url.searchParams.get('versionId');
      const objectPath = /^\/([^/]+)\/(.+)$/.exec(url.pathname);
      if (versionId && objectPath && ['GET', 'HEAD', 'DELETE'].includes(req.method ?? '')) {
        const [, bucket, rawKey] = objectPath as unknown as [string, string, string];
        const key = rawKey.split('/').map(decodeURIComponent).join('/');
        url.searchParams.delete('versionId');
        const query = url.searchParams.toString();
        const checksums = req.headers['x-amz-checksum-mode'] === 'ENABLED';
        forward(req, res, undefined, undefined, {
          path: `${versionPath(decodeURIComponent(bucket), key, versionId)}${query ? `?${query}` : ''}`,
          headers: (up) => {
            const sha = up.headers[LOCAL_CHECKSUM];
            return {
              'x-amz-version-id': versionId,
              ...(checksums && typeof sha === 'string' ? { 'x-amz-checksum-sha256': sha } : {}),
            };
          },
        });
        return;
      }
      forward(req, res);
    } catch (error) {
      const tooLarge = (error as { code?: string }).code === 'BODY_TOO_LARGE';
      sendError(
        req,
        res,
        tooLarge
          ? { status: 400, code: 'EntityTooLarge', message: 'Your proposed upload exceeds the maximum allowed size' }
          : { status: 500, code: 'InternalError', message: String(error) },
      );
    }
  });
  let port: number;
  try {
    port =
      options.port === 0
        ? await listen(front, 0, '127.0.0.1')
        : await listenPreferring(front, options.port, '127.0.0.1');
  } catch (error) {
    agent.destroy();
    await server.close();
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    internalEndpoint: `http://127.0.0.1:${internalPort}`,
    stop: async () => {
      await closeServer(front);
      agent.destroy();
      server.httpServer?.closeAllConnections();
      await server.close().catch(() => undefined);
    },
  };
}
