import { createHash } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localS3ClientConfig, type Platform } from '../../../infra/local/platform';
import { IdentityStore } from '../../../shared/adapters/dynamo/identity-store';
import { MarcheStore } from '../../../shared/adapters/dynamo/marche-store';
import { presignDownload, presignUploadForm } from '../../../shared/adapters/s3';
import { DEMO, seedDemo } from '../../../shared/seed/demo';
import { localToken, usePlatform } from '../../setup/platform';

/**
 * A platform started at an explicit instant, here years before any machine running this test: everything that
 * reads time reads the platform clock, so sign-in tokens, upload forms and download links live their lifetime on it,
 * whatever the machine's date (the tests with absolute dates start this way).
 */
const START = '2025-01-06T09:00:00+01:00';
const getPlatform = usePlatform({ startAt: START });
let p: Platform;
let client: S3Client;

beforeAll(async () => {
  p = getPlatform();
  client = new S3Client(localS3ClientConfig(p.endpoints.s3));
  await seedDemo(
    {
      identity: new IdentityStore(p.clients.document, p.tableName),
      marches: new MarcheStore(p.clients.document, p.tableName),
    },
    p.clock.now(),
  );
});

afterAll(() => client?.destroy());

describe('a platform started at an explicit instant in the past', () => {
  it('reads that instant and moves on from it', async () => {
    // 2025-01-06T09:00+01:00 = 08:00Z; a few real seconds have passed since the start
    const read = p.clock.now().getTime() - Date.parse('2025-01-06T08:00:00Z');
    expect(read).toBeGreaterThanOrEqual(0);
    expect(read).toBeLessThan(120_000);
    expect(p.clock.offset).toBeLessThan(0);
    const clock = (await (await fetch(`${p.url}/_local/clock`)).json()) as { now: string; parisDate: string };
    expect(clock.parisDate).toBe('2025-01-06');
    // …and only forward
    const back = await fetch(`${p.url}/_local/clock`, { method: 'POST', body: JSON.stringify({ to: START }) });
    expect(back.status).toBe(422);
  });

  it('signs users in with tokens valid on the platform clock, 12 h long', async () => {
    const token = await localToken(p.url, DEMO.users.moa.login);
    const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));
    // issued at the platform's 2025-01-06, not the machine's date; expires 12 h = 43 200 s later
    expect(new Date(claims.iat * 1000).toISOString().slice(0, 10)).toBe('2025-01-06');
    expect(claims.exp - claims.iat).toBe(43_200);
    const moi = await fetch(`${p.url}/v1/moi`, { headers: { authorization: `Bearer ${token}` } });
    expect(moi.status).toBe(200);
  });

  it('accepts an upload form and serves a download link until they expire on the platform clock', async () => {
    const bytes = Buffer.from('%PDF-1.4 start-at\n');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const key = 'probe/start-at.pdf';
    const form = await presignUploadForm(
      client,
      {
        bucket: p.bucketName,
        key,
        contentType: 'application/pdf',
        minBytes: 1,
        maxBytes: 1024,
        sha256,
        expiresInSeconds: 300,
      },
      p.clock,
    );
    const body = new FormData();
    for (const [k, v] of Object.entries(form.fields)) body.append(k, v);
    body.append('file', new Blob([bytes], { type: 'application/pdf' }), 'start-at.pdf');
    const posted = await fetch(form.url, { method: 'POST', body });
    expect(posted.status, await posted.clone().text()).toBe(204);
    await p.settle();

    const link = await presignDownload(
      client,
      { bucket: p.bucketName, key, fileName: 'start-at.pdf', contentType: 'application/pdf', expiresInSeconds: 300 },
      p.clock,
    );
    // signed at the platform's instant: X-Amz-Date is 2025-01-06
    expect(new URL(link.url).searchParams.get('X-Amz-Date')?.slice(0, 8)).toBe('20250106');
    const got = await fetch(link.url);
    expect(got.status, await got.clone().text()).toBe(200);
    expect(Buffer.from(await got.arrayBuffer())).toEqual(bytes);

    // 5 min + 1 s later on the platform clock, both are refused as S3 refuses them
    const late = await presignUploadForm(
      client,
      {
        bucket: p.bucketName,
        key: 'probe/late.pdf',
        contentType: 'application/pdf',
        minBytes: 1,
        maxBytes: 1024,
        sha256,
        expiresInSeconds: 300,
      },
      p.clock,
    );
    await p.advanceClock({ seconds: 301 });
    const expired = await fetch(link.url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');
    const lateBody = new FormData();
    for (const [k, v] of Object.entries(late.fields)) lateBody.append(k, v);
    lateBody.append('file', new Blob([bytes], { type: 'application/pdf' }), 'late.pdf');
    const refused = await fetch(late.url, { method: 'POST', body: lateBody });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('Policy expired');
  });
});
