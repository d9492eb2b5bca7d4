import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import {
  attachmentDisposition,
  presignDownload,
  presignUploadForm,
  s3ClientConfigFromEnv,
  sha256Base64ToHex,
  sha256HexToBase64,
} from '../../../shared/adapters/s3';

/** The S3 adapter: what a presigned POST policy fixes, on the process clock, and the download link. */
const client = new S3Client({ region: 'eu-west-3', credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' } });
// A clock far from the machine's: the policy must follow it, not Date.now()
const at = new Date('2031-05-06T07:08:09.000Z');
const fixed = { now: () => at };

function policyOf(fields: Record<string, string>) {
  return JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8')) as {
    expiration: string;
    conditions: unknown[];
  };
}

describe('presigned POST', () => {
  it('fixes key, content type, size range, checksum and expiry', async () => {
    const sha = 'ab'.repeat(32);
    const form = await presignUploadForm(
      client,
      {
        bucket: 'docs',
        key: 'uploads/k1',
        contentType: 'application/pdf',
        minBytes: 1,
        maxBytes: 4242,
        sha256: sha,
        expiresInSeconds: 300,
      },
      fixed,
    );
    expect(form.expiresAt.toISOString()).toBe('2031-05-06T07:13:09.000Z');
    const policy = policyOf(form.fields);
    expect(policy.expiration).toBe('2031-05-06T07:13:09Z');
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['content-length-range', 1, 4242],
        ['eq', '$Content-Type', 'application/pdf'],
        { key: 'uploads/k1' },
        { bucket: 'docs' },
        { 'x-amz-checksum-algorithm': 'SHA256' },
        { 'x-amz-checksum-sha256': Buffer.from(sha, 'hex').toString('base64') },
      ]),
    );
    expect(form.fields['X-Amz-Date']).toBe('20310506T070809Z');
    expect(form.fields['x-amz-checksum-sha256']).toBe(sha256HexToBase64(sha));
  });

  it('without a declared hash, lets the browser add the checksum field', async () => {
    const form = await presignUploadForm(
      client,
      { bucket: 'docs', key: 'uploads/k2', contentType: 'text/plain', minBytes: 1, maxBytes: 10, expiresInSeconds: 60 },
      fixed,
    );
    expect(policyOf(form.fields).conditions).toContainEqual(['starts-with', '$x-amz-checksum-sha256', '']);
    expect(form.fields['x-amz-checksum-sha256']).toBeUndefined();
  });

  it('does not move the shared client onto the process clock', async () => {
    const before = client.config.systemClockOffset;
    await presignUploadForm(
      client,
      { bucket: 'b', key: 'uploads/k', contentType: 'text/plain', minBytes: 1, maxBytes: 1, expiresInSeconds: 1 },
      fixed,
    );
    expect(client.config.systemClockOffset).toBe(before);
  });
});

describe('download link', () => {
  it('is signed on the process clock for a short time, for one version, saved under its name', async () => {
    const link = await presignDownload(
      client,
      {
        bucket: 'docs',
        key: 'uploads/k1',
        versionId: 'v9',
        fileName: 'Décompte n°3.pdf',
        contentType: 'application/pdf',
        expiresInSeconds: 300,
      },
      fixed,
    );
    const url = new URL(link.url);
    expect(url.searchParams.get('X-Amz-Date')).toBe('20310506T070809Z');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('versionId')).toBe('v9');
    expect(url.searchParams.get('response-content-disposition')).toBe(
      `attachment; filename="Decompte n_3.pdf"; filename*=UTF-8''D%C3%A9compte%20n%C2%B03.pdf`,
    );
    expect(link.expiresAt.toISOString()).toBe('2031-05-06T07:13:09.000Z');
  });

  it('never lets a name break out of the header', () => {
    expect(attachmentDisposition('a"b\\c\r\nd.pdf')).toBe(
      `attachment; filename="a_b_c__d.pdf"; filename*=UTF-8''a%22b%5Cc%0D%0Ad.pdf`,
    );
  });
});

describe('client settings and checksums', () => {
  it('uses path style and checksums only when required against a local endpoint; AWS defaults otherwise', () => {
    expect(s3ClientConfigFromEnv({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569' })).toEqual({
      endpoint: 'http://127.0.0.1:4569',
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    expect(s3ClientConfigFromEnv({})).toEqual({});
  });

  it('converts SHA-256 between hex and base64 both ways, refusing partial values', () => {
    const hex = '00ff'.repeat(16);
    expect(sha256Base64ToHex(sha256HexToBase64(hex))).toBe(hex);
    expect(sha256Base64ToHex('AAAA')).toBeUndefined();
  });
});
