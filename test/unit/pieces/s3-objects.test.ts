import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_BUCKET_NAME, LOCAL_REGION, localS3ClientConfig } from '../../../infra/local/platform-options';
import { type LocalS3, startLocalS3 } from '../../../infra/local/s3';
import { S3DocumentObjects, S3RequestFailed } from '../../../shared/adapters/s3-objects';
import { type SigningTarget, signingTargetOf } from '../../../shared/adapters/s3-presign';
import { verifySigV4 } from '../../fixtures/sigv4';

/**
 * The stored objects without the S3 client (shared/adapters/s3-objects.ts): its requests checked on the wire against
 * Signature V4 as AWS documents it (the S3 client's own request passes the same check, the control), its answers
 * against the embedded platform's storage, and its retries on transient failures.
 */

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const withToken = { ...credentials, sessionToken: 'IQoJb3JpZ2luX2VjE//token+with/slashes==' };

describe('requests on the wire: Signature V4 as AWS documents it', () => {
  let server: http.Server;
  let endpoint: string;
  const received: http.IncomingMessage[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      received.push(req);
      res.writeHead(req.method === 'DELETE' ? 204 : 200, { 'content-length': '3', 'x-amz-version-id': 'v1' });
      res.end(req.method === 'HEAD' ? undefined : 'abc');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = () =>
    new S3Client({ region: 'eu-west-3', endpoint, forcePathStyle: true, credentials: withToken, maxAttempts: 1 });

  it('the control: the S3 client’s HeadObject passes the check', async () => {
    received.length = 0;
    await client().send(
      new HeadObjectCommand({ Bucket: 'docs', Key: 'uploads/d1/p 1/f+1', VersionId: 'v/1', ChecksumMode: 'ENABLED' }),
    );
    expect(verifySigV4(received[0] as http.IncomingMessage, credentials.secretAccessKey).valid).toBe(true);
  });

  it('head, bytes and hide are signed requests S3 accepts, with the session token, the version and the checksum mode', async () => {
    received.length = 0;
    const objects = new S3DocumentObjects(signingTargetOf(client()), 'docs');
    const key = 'uploads/d1/p 1/f+1';
    await objects.head(key, 'v/1');
    await objects.bytes(key, 'v/1');
    await objects.hide(key);
    expect(received.map((r) => `${r.method} ${r.url}`)).toEqual([
      // the key's segments escaped as the SDK escapes them, the version in the query
      'HEAD /docs/uploads/d1/p%201/f%2B1?versionId=v%2F1',
      'GET /docs/uploads/d1/p%201/f%2B1?versionId=v%2F1',
      'DELETE /docs/uploads/d1/p%201/f%2B1',
    ]);
    for (const req of received) {
      const { valid, signedHeaders } = verifySigV4(req, credentials.secretAccessKey);
      expect(valid, `${req.method} ${req.url}`).toBe(true);
      expect(signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token']));
      expect(req.headers['x-amz-security-token']).toBe(withToken.sessionToken);
      // no body: the hash of the empty string
      expect(req.headers['x-amz-content-sha256']).toBe(createHash('sha256').update('').digest('hex'));
    }
    expect(received[0]?.headers['x-amz-checksum-mode']).toBe('ENABLED');
    // a wrong secret does not pass: the check checks
    expect(verifySigV4(received[0] as http.IncomingMessage, 'other').valid).toBe(false);
  });
});

describe('answers: the same as the embedded platform’s storage gives the S3 client', () => {
  let s3: LocalS3;
  let dir: string;
  let client: S3Client;
  let objects: S3DocumentObjects;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 's3-objects-'));
    s3 = await startLocalS3({
      port: 0,
      directory: dir,
      bucket: LOCAL_BUCKET_NAME,
      cors: [],
      clock: { now: () => new Date() },
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      onEvent: () => undefined,
    });
    client = new S3Client(localS3ClientConfig(s3.endpoint));
    objects = new S3DocumentObjects(signingTargetOf(client), LOCAL_BUCKET_NAME);
  });
  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('heads and reads an object, its size and its bytes', async () => {
    const body = Buffer.from('%PDF-1.7 pièce n°1');
    await client.send(new PutObjectCommand({ Bucket: LOCAL_BUCKET_NAME, Key: 'uploads/a/b c.pdf', Body: body }));
    const head = await objects.head('uploads/a/b c.pdf');
    // '%PDF-1.7' 8 bytes, a space, 'pièce n°1' 11 bytes in UTF-8 (è and ° two each): 8 + 1 + 11 = 20
    expect(head?.size).toBe(20);
    const viaClient = await client.send(new HeadObjectCommand({ Bucket: LOCAL_BUCKET_NAME, Key: 'uploads/a/b c.pdf' }));
    expect(head?.size).toBe(viaClient.ContentLength);
    expect(Buffer.from(await objects.bytes('uploads/a/b c.pdf')).equals(body)).toBe(true);
  });

  it('answers undefined for an object that is not there, and throws NoSuchKey when asked its bytes', async () => {
    await expect(objects.head('uploads/none')).resolves.toBeUndefined();
    const error = await objects.bytes('uploads/none').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3RequestFailed);
    expect(error).toMatchObject({ status: 404, code: 'NoSuchKey' });
  });

  it('hides an object: it is no longer there', async () => {
    await client.send(new PutObjectCommand({ Bucket: LOCAL_BUCKET_NAME, Key: 'uploads/hidden', Body: 'x' }));
    await objects.hide('uploads/hidden');
    await expect(objects.head('uploads/hidden')).resolves.toBeUndefined();
  });

  // The storage front sends every request to s3rver on pooled connections. Node's HTTP server closes an idle one after
  // 5 s by default and says so (`Keep-Alive: timeout=5`); a request the front sent on it at that very instant failed
  // with "socket hang up", a 502 for the browser (a download lost so in CI). s3rver must leave idle connections to
  // its one client, which closes them when the platform stops.
  it('behind the front, s3rver keeps idle pooled connections open: it announces no idle timeout', async () => {
    const agent = new http.Agent({ keepAlive: true });
    const headers = await new Promise<http.IncomingHttpHeaders>((resolve, reject) => {
      http
        .get(`${s3.internalEndpoint}/`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.headers));
        })
        .on('error', reject);
    });
    agent.destroy();
    expect(headers.connection).toBe('keep-alive');
    // Node writes `Keep-Alive: timeout=<s>` when it will close the idle connection itself: here it must not
    expect(headers['keep-alive']).toBeUndefined();
  });
});

describe('transient failures, tried three times in all as the SDK does', () => {
  const target: SigningTarget = {
    region: async () => 'eu-west-3',
    endpoint: async () => undefined,
    credentials: async () => credentials,
    checksumMode: async () => true,
  };
  const answer = (status: number, body = '', headers: Record<string, string> = {}) =>
    new Response(status === 204 || body === '' ? null : body, { status, headers });
  const slowDown = () => answer(503, '<Error><Code>SlowDown</Code><Message>Please reduce</Message></Error>');

  function objectsWith(...answers: (() => Response | Promise<never>)[]) {
    const fetch = vi.fn(async () => (answers.shift() ?? (() => answer(500)))());
    const backoff = vi.fn(async () => undefined);
    return { objects: new S3DocumentObjects(target, 'docs', { fetch: fetch as never, backoff }), fetch, backoff };
  }

  it('succeeds when S3 slows down twice then answers, waiting before the second and third attempts', async () => {
    const { objects, fetch, backoff } = objectsWith(slowDown, slowDown, () => answer(200, 'ok'));
    expect(Buffer.from(await objects.bytes('k')).toString()).toBe('ok');
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(backoff.mock.calls).toEqual([[1], [2]]);
  });

  it('throws S3’s error after three failed attempts', async () => {
    const { objects, fetch } = objectsWith(slowDown, slowDown, slowDown, () => answer(200));
    await expect(objects.hide('k')).rejects.toMatchObject({ name: 'S3RequestFailed', status: 503, code: 'SlowDown' });
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('tries a dropped connection again', async () => {
    const { objects, fetch } = objectsWith(
      () => Promise.reject(new TypeError('fetch failed')),
      () => answer(200, '', { 'content-length': '5', 'x-amz-checksum-sha256': Buffer.alloc(32, 7).toString('base64') }),
    );
    // 32 bytes of 7, in hex
    await expect(objects.head('k')).resolves.toEqual({ size: 5, versionId: undefined, sha256: '07'.repeat(32) });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('does not try a refusal again', async () => {
    const { objects, fetch } = objectsWith(() => answer(403, '<Error><Code>AccessDenied</Code></Error>'));
    await expect(objects.bytes('k')).rejects.toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('reads no checksum from a multipart object’s composite one', async () => {
    const { objects } = objectsWith(() =>
      answer(200, '', { 'content-length': '9', 'x-amz-checksum-sha256': 'AAAA-3', 'x-amz-version-id': 'v9' }),
    );
    await expect(objects.head('k')).resolves.toEqual({ size: 9, versionId: 'v9', sha256: undefined });
  });
});
