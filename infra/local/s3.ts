import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import type { Clock } from '../../shared/adapters/clock';
import type { CorsRule } from './cdk-model';
import { closeServer, listen, listenPreferring, readBody } from './net';
import { checkPostPolicy, type PostPolicyRejection } from './post-policy';

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
    object: { key: string; size?: number; eTag?: string; sequencer: string };
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
 * s3rver on an internal port behind a small front on the public one. The front checks browser POST uploads
 * against their signed policy (s3rver does not), answering S3's XML errors; everything else is piped through.
 * s3rver's object events, fixed to look like AWS's, go to `onEvent`.
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
  server.on('event', (event) => {
    for (const record of event.Records) {
      const rawKey = record.s3.object.key;
      const name = record.s3.bucket.name;
      if (record.eventName === 'ObjectCreated:Post' && completing.has(`${name}/${rawKey}`)) {
        record.eventName = 'ObjectCreated:CompleteMultipartUpload';
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
  const forward = (req: http.IncomingMessage, res: http.ServerResponse, body?: Buffer, onDone?: () => void) => {
    const headers = { ...req.headers };
    if (body) {
      headers['content-length'] = String(body.length);
      delete headers['transfer-encoding'];
    }
    const upstream = http.request(
      { host: '127.0.0.1', port: internalPort, method: req.method, path: req.url, headers, agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
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
      const url = new URL(req.url ?? '/', 'http://local');
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
        const body = await readBody(req, maxPostBytes);
        let form: FormData;
        try {
          form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
        } catch {
          sendError(req, res, {
            status: 400,
            code: 'MalformedPOSTRequest',
            message: 'The body of your POST request is not well-formed multipart/form-data.',
          });
          return;
        }
        const fields = new Map<string, string>();
        let fileSize: number | undefined;
        for (const [name, value] of form) {
          if (name === 'file') fileSize = typeof value === 'string' ? Buffer.byteLength(value) : value.size;
          else if (typeof value === 'string') fields.set(name, value);
        }
        const rejection = checkPostPolicy(
          { fields, fileSize, bucket: decodeURIComponent(bucketPost[1] as string) },
          {
            now: options.clock.now(),
            credentials: { [options.credentials.accessKeyId]: options.credentials.secretAccessKey },
          },
        );
        if (rejection) sendError(req, res, rejection);
        else forward(req, res, body);
        return;
      }
      // CompleteMultipartUpload: remember the key, so that its event is named as AWS names it.
      if (req.method === 'POST' && url.searchParams.has('uploadId')) {
        const key = `${decodeURIComponent(url.pathname.slice(1))}`;
        completing.add(key);
        forward(req, res, undefined, () => completing.delete(key));
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
