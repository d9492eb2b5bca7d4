import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import type { Clock } from '../../shared/adapters/clock';
import type { CorsRule } from './cdk-model';
import { closeServer, listen, listenPreferring } from './net';
import type { PostPolicyRejection } from './post-policy';
import { encodeEventKey, type S3EventRecord } from './s3-events';
import { type BrowserPostOutcome, receiveBrowserPost } from './s3-post';
import { presignedOnPlatformClock } from './s3-presigned';
import { keyOrder, LOCAL_CHECKSUM, newVersionId, VERSIONS_PREFIX, versionPath, versionStore } from './s3-versions';
import { storedObjects, storeOf } from './s3rver-store';

export type { S3EventRecord } from './s3-events';
export { VERSIONS_PREFIX } from './s3-versions';

interface S3rverInstance {
  httpServer?: http.Server;
  readonly store?: unknown;
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
  /** Largest POST body the front accepts, whatever its policy says (default 64 MiB; bodies are streamed, not buffered). */
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

/**
 * s3rver on an internal port behind a small front on the public one. The front checks browser POST uploads
 * against their signed policy and their declared SHA-256 (s3rver checks neither), answering S3's XML errors, writes
 * them into s3rver's store itself and keeps object versions (s3-versions.ts); everything else is piped through.
 * s3rver's object events and the front's own, fixed to look like AWS's, go to `onEvent`.
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
  /** Every record, s3rver's or the front's own, as AWS would deliver it. */
  const deliver = (record: S3EventRecord) => {
    const name = record.s3.bucket.name;
    record.awsRegion = options.region;
    record.eventTime = options.clock.now().toISOString();
    record.s3.bucket.arn = `arn:aws:s3:::${name}`;
    record.s3.object.key = encodeEventKey(record.s3.object.key);
    options.onEvent(record);
  };
  server.on('event', (event) => {
    for (const record of event.Records) {
      const rawKey = record.s3.object.key;
      if (rawKey.startsWith(VERSIONS_PREFIX)) continue; // the version copies are ours, not the application's
      if (record.eventName === 'ObjectCreated:Post' && completing.has(`${record.s3.bucket.name}/${rawKey}`)) {
        record.eventName = 'ObjectCreated:CompleteMultipartUpload';
      }
      deliver(record);
    }
  });
  const { port: internalPort } = await server.run();
  // The front is s3rver's only client and keeps its connections in a pool (`agent` below). Node closes an idle
  // connection after 5 s by default; a request the front sends on it at that instant fails ("socket hang up", 502 to
  // the browser, seen once in CI on a download). s3rver leaves idle connections to the front, which closes them at stop.
  if (server.httpServer) server.httpServer.keepAliveTimeout = 0;
  const maxPostBytes = options.maxPostBytes ?? 64 * 1024 * 1024;
  const agent = new http.Agent({ keepAlive: true });
  const objectPath = (bucket: string, key: string) => `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const versions = versionStore(storedObjects(storeOf(server)), deliver);
  const inKeyOrder = keyOrder();

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
