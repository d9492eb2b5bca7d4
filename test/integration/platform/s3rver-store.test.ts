import * as fs from 'node:fs';
import type * as http from 'node:http';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StoredObjects, storedObjects, storeOf } from '../../../infra/local/s3rver-store';

/**
 * The storage front writes checked uploads into s3rver's store itself (infra/local/s3rver-store.ts), relying on where
 * s3rver keeps an object's bytes. These tests read through s3rver's own HTTP API what the front wrote: they fail if
 * an s3rver upgrade moves its files, before any upload silently goes missing.
 */
interface S3rverServer {
  readonly store?: unknown;
  httpServer?: http.Server;
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}

const BUCKET = 'probe-bucket';
// RFC 1321 §A.5 test suite: MD5 ("1234567890" × 8) = 57edf4a22be3c955ac49da2e2107b67a
const EIGHTY_DIGITS = '1234567890'.repeat(8);
const EIGHTY_DIGITS_MD5 = '57edf4a22be3c955ac49da2e2107b67a';

let directory: string;
let server: S3rverServer;
let endpoint: string;
let objects: StoredObjects;

beforeAll(async () => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-store-'));
  const S3rver = createRequire(import.meta.url)('s3rver') as new (options: Record<string, unknown>) => S3rverServer;
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  objects = storedObjects(storeOf(server));
});

afterAll(async () => {
  server?.httpServer?.closeAllConnections();
  await server?.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

/** A request to s3rver under the bucket (anonymous: s3rver has no access control). */
function request(pathAndQuery: string, method = 'GET'): Promise<Response> {
  return fetch(`${endpoint}/${BUCKET}${pathAndQuery}`, { method });
}

function read(key: string, method = 'GET'): Promise<Response> {
  return request(`/${key.split('/').map(encodeURIComponent).join('/')}`, method);
}

/** The eighty digits in eight chunks of ten, as a socket would hand them over. */
function digitsInChunks(): Readable {
  return Readable.from(Array.from({ length: 8 }, () => Buffer.from('1234567890')));
}

describe("the front's writes into s3rver's store are what s3rver serves", () => {
  it('serves the bytes written, whole as soon as the write resolves, with their metadata and MD5 as ETag', async () => {
    await objects.writeBytes(BUCKET, '.versions/a/b.txt/v1', digitsInChunks());
    // No wait: the bytes are on file when the write resolves (s3rver's own putObject resolves earlier)
    const head = await read('.versions/a/b.txt/v1', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('80');
    await objects.writeMetadata(
      BUCKET,
      '.versions/a/b.txt/v1',
      { 'content-type': 'text/plain', 'x-amz-meta-origine': 'probe' },
      EIGHTY_DIGITS_MD5,
    );
    const got = await read('.versions/a/b.txt/v1');
    expect(await got.text()).toBe(EIGHTY_DIGITS);
    expect(got.headers.get('etag')).toBe(`"${EIGHTY_DIGITS_MD5}"`);
    expect(got.headers.get('content-type')).toBe('text/plain');
    expect(got.headers.get('x-amz-meta-origine')).toBe('probe');
  });

  it('shares the bytes of a version with its key: served and listed with their own metadata, each removed apart', async () => {
    await objects.writeBytes(BUCKET, '.versions/c.txt/v1', digitsInChunks());
    await objects.writeMetadata(BUCKET, '.versions/c.txt/v1', { 'content-type': 'text/csv' }, EIGHTY_DIGITS_MD5);
    await objects.share(BUCKET, '.versions/c.txt/v1', 'c.txt');
    await objects.writeMetadata(BUCKET, 'c.txt', { 'content-type': 'text/csv' }, EIGHTY_DIGITS_MD5);
    const shared = await read('c.txt');
    expect(await shared.text()).toBe(EIGHTY_DIGITS);
    expect(shared.headers.get('content-type')).toBe('text/csv');
    expect(shared.headers.get('etag')).toBe(`"${EIGHTY_DIGITS_MD5}"`);
    // Listed once, and nothing else under the prefix (no file left from putting the link in place)
    const listing = await (await request('?list-type=2&prefix=c')).text();
    expect(listing.match(/<Key>[^<]*<\/Key>/g)).toEqual(['<Key>c.txt</Key>']);

    await objects.remove(BUCKET, '.versions/c.txt/v1');
    expect((await read('.versions/c.txt/v1', 'HEAD')).status).toBe(404);
    expect(await (await read('c.txt')).text()).toBe(EIGHTY_DIGITS);
  });

  it("replaces a key's bytes in one step: the key then serves the second version's bytes, the first keeps its own", async () => {
    await objects.writeBytes(BUCKET, '.versions/d.txt/v1', digitsInChunks());
    await objects.share(BUCKET, '.versions/d.txt/v1', 'd.txt');
    await objects.writeBytes(BUCKET, '.versions/d.txt/v2', Readable.from([Buffer.from('second')]));
    await objects.share(BUCKET, '.versions/d.txt/v2', 'd.txt');
    expect(await (await read('d.txt')).text()).toBe('second');
    expect(await (await read('.versions/d.txt/v1')).text()).toBe(EIGHTY_DIGITS);
  });

  it("leaves a version's bytes alone when s3rver itself writes its key again (PUT, then a copy onto it)", async () => {
    await objects.writeBytes(BUCKET, '.versions/e.txt/v1', digitsInChunks());
    await objects.share(BUCKET, '.versions/e.txt/v1', 'e.txt');
    // s3rver rewrites an object's file in place: without care, the version would read "put over" too
    const put = await fetch(`${endpoint}/${BUCKET}/e.txt`, { method: 'PUT', body: 'put over' });
    expect(put.status).toBe(200);
    expect(await (await read('e.txt')).text()).toBe('put over');
    expect(await (await read('.versions/e.txt/v1')).text()).toBe(EIGHTY_DIGITS);

    await objects.share(BUCKET, '.versions/e.txt/v1', 'e.txt');
    await fetch(`${endpoint}/${BUCKET}/other.txt`, { method: 'PUT', body: 'copied over' });
    const copy = await fetch(`${endpoint}/${BUCKET}/e.txt`, {
      method: 'PUT',
      headers: { 'x-amz-copy-source': `/${BUCKET}/other.txt` },
    });
    expect(copy.status).toBe(200);
    expect(await (await read('e.txt')).text()).toBe('copied over');
    expect(await (await read('.versions/e.txt/v1')).text()).toBe(EIGHTY_DIGITS);

    // A PUT to the version itself (a tampering test does this) leaves the key's bytes alone as well
    await objects.share(BUCKET, '.versions/e.txt/v1', 'e.txt');
    await fetch(`${endpoint}/${BUCKET}/.versions/e.txt/v1`, { method: 'PUT', body: 'tampered' });
    expect(await (await read('.versions/e.txt/v1')).text()).toBe('tampered');
    expect(await (await read('e.txt')).text()).toBe(EIGHTY_DIGITS);
  });

  it('copies a version onto the key that shares its bytes (s3rver would refuse to copy a file onto itself)', async () => {
    await objects.writeBytes(BUCKET, '.versions/f.txt/v1', digitsInChunks());
    await objects.writeMetadata(BUCKET, '.versions/f.txt/v1', { 'content-type': 'text/plain' }, EIGHTY_DIGITS_MD5);
    await objects.share(BUCKET, '.versions/f.txt/v1', 'f.txt');
    const copy = await fetch(`${endpoint}/${BUCKET}/f.txt`, {
      method: 'PUT',
      headers: { 'x-amz-copy-source': `/${BUCKET}/.versions/f.txt/v1` },
    });
    expect(copy.status).toBe(200);
    expect(await (await read('f.txt')).text()).toBe(EIGHTY_DIGITS);
    expect(await (await read('.versions/f.txt/v1')).text()).toBe(EIGHTY_DIGITS);
  });
});
