import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { HeadObjectCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localS3ClientConfig, type Platform } from '../../../infra/local/platform';
import { usePlatform } from '../../setup/platform';

const MB10 = 10 * 1024 * 1024;
const received: S3Event[] = [];
const getPlatform = usePlatform({
  extend: (stack) => {
    // A bucket notification declared on the construct, as a product `s3` function gets one.
    const fn = new lambda.Function(stack, 'UploadProbe', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
    });
    stack.storage.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn), {
      prefix: 'probe/',
    });
    return {
      lambdaHandlers: {
        [stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction)]: async (event) => {
          received.push(event as S3Event);
        },
      },
    };
  },
});
let platform: Platform;
let client: S3Client;

beforeAll(() => {
  platform = getPlatform();
  client = new S3Client(localS3ClientConfig(platform.endpoints.s3));
});

afterAll(() => {
  client?.destroy();
});

async function presign(key: string, options: { expires?: number; contentType?: string } = {}) {
  // The presigner signs with Date.now() + systemClockOffset: follow the platform clock, as the S3 adapter must.
  client.config.systemClockOffset = platform.clock.offset;
  return createPresignedPost(client, {
    Bucket: platform.bucketName,
    Key: key,
    Conditions: [
      ['content-length-range', 1, MB10],
      ['eq', '$Content-Type', 'application/pdf'],
    ],
    Fields: { 'Content-Type': options.contentType ?? 'application/pdf' },
    Expires: options.expires ?? 600,
  });
}

async function post(
  form: { url: string; fields: Record<string, string> },
  size: number,
  override: Record<string, string> = {},
) {
  const body = new FormData();
  for (const [k, v] of Object.entries({ ...form.fields, ...override })) body.append(k, v);
  body.append('file', new Blob([Buffer.alloc(size, 0x25)], { type: 'application/pdf' }), 'piece.pdf');
  const res = await fetch(form.url, { method: 'POST', body });
  return { status: res.status, text: await res.text(), versionId: res.headers.get('x-amz-version-id') };
}

async function stored(key: string): Promise<number | undefined> {
  try {
    return (await client.send(new HeadObjectCommand({ Bucket: platform.bucketName, Key: key }))).ContentLength;
  } catch (error) {
    if (error instanceof NotFound) return undefined;
    throw error;
  }
}

function code(xml: string): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(xml)?.[1];
}

describe('local S3: presigned POST policies are enforced like S3', () => {
  it('stores exactly 10 MB and delivers ObjectCreated to the notified handler', async () => {
    const form = await presign('probe/ten.pdf');
    const res = await post(form, MB10);
    expect(res.status).toBe(204);
    expect(await stored('probe/ten.pdf')).toBe(MB10);
    await platform.settle();
    const records = received.flatMap((e) => e.Records);
    const record = records.find((r) => r.s3.object.key === 'probe/ten.pdf');
    expect(record).toMatchObject({
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Post',
      awsRegion: platform.region,
      s3: { bucket: { name: platform.bucketName, arn: `arn:aws:s3:::${platform.bucketName}` }, object: { size: MB10 } },
    });
    // The record names the version the answer named, and carries the bytes' MD5 as S3's ETag
    expect(res.versionId).toMatch(/^[\w-]{20,}$/);
    expect(record?.s3.object.versionId).toBe(res.versionId);
    expect(record?.s3.object.eTag).toBe(createHash('md5').update(Buffer.alloc(MB10, 0x25)).digest('hex'));
  });

  it('refuses 10 MB + 1 byte with EntityTooLarge and stores nothing', async () => {
    const form = await presign('probe/too-large.pdf');
    const res = await post(form, MB10 + 1);
    expect(res.status).toBe(400);
    expect(code(res.text)).toBe('EntityTooLarge');
    expect(res.text).toContain(`<MaxSizeAllowed>${MB10}</MaxSizeAllowed>`);
    expect(await stored('probe/too-large.pdf')).toBeUndefined();
  });

  it('refuses an empty file with EntityTooSmall', async () => {
    const res = await post(await presign('probe/empty.pdf'), 0);
    expect(res.status).toBe(400);
    expect(code(res.text)).toBe('EntityTooSmall');
    expect(await stored('probe/empty.pdf')).toBeUndefined();
  });

  it('refuses a content type other than the policy allows', async () => {
    const form = await presign('probe/wrong-type.pdf');
    const res = await post(form, 1024, { 'Content-Type': 'text/html' });
    expect(res.status).toBe(403);
    expect(code(res.text)).toBe('AccessDenied');
    expect(await stored('probe/wrong-type.pdf')).toBeUndefined();
  });

  it('refuses a form whose key or signature was tampered with', async () => {
    const form = await presign('probe/signed.pdf');
    const otherKey = await post(form, 1024, { key: 'probe/other.pdf' });
    expect(otherKey.status).toBe(403);
    expect(await stored('probe/other.pdf')).toBeUndefined();
    const badSignature = await post(form, 1024, { 'X-Amz-Signature': '0'.repeat(64) });
    expect(badSignature.status).toBe(403);
    expect(code(badSignature.text)).toBe('SignatureDoesNotMatch');
  });

  it('refuses an expired policy once the platform clock has passed its expiration', async () => {
    const form = await presign('probe/late.pdf', { expires: 60 });
    await platform.advanceClock({ minutes: 2 });
    const res = await post(form, 1024);
    expect(res.status).toBe(403);
    expect(code(res.text)).toBe('AccessDenied');
    expect(res.text).toContain('Policy expired');
    expect(await stored('probe/late.pdf')).toBeUndefined();
  });

  it('notifies only under the configured prefix', async () => {
    const before = received.length;
    const res = await post(await presign('elsewhere/x.pdf'), 10);
    expect(res.status).toBe(204);
    expect(await stored('elsewhere/x.pdf')).toBe(10);
    await platform.settle();
    expect(received.length).toBe(before);
  });

  it('stores nothing and notifies nothing when the connection drops in the middle of the file', async () => {
    const form = await presign('probe/dropped.pdf');
    const before = received.length;
    // A multipart body announced whole (3 MB of file) and cut after 1 MB, as a browser losing its network does
    const boundary = 'coupure';
    const head = Buffer.from(
      Object.entries(form.fields)
        .map(([k, v]) => `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
        .join('') +
        `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="piece.pdf"\r\ncontent-type: application/pdf\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const url = new URL(form.url);
    await new Promise<void>((resolve) => {
      const req = http.request({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(head.length + 3 * 1024 * 1024 + tail.length),
        },
      });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write(head);
      req.write(Buffer.alloc(1024 * 1024, 0x25), () => setImmediate(() => req.destroy()));
    });
    await platform.settle();
    expect(await stored('probe/dropped.pdf')).toBeUndefined();
    expect(received.slice(before).flatMap((e) => e.Records.map((r) => r.s3.object.key))).not.toContain(
      'probe/dropped.pdf',
    );
    // The same form still works afterwards (it is valid until it expires): the retry stores the whole file
    expect((await post(form, 2048)).status).toBe(204);
    expect(await stored('probe/dropped.pdf')).toBe(2048);
  });
});
