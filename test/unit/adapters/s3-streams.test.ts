import { Readable } from 'node:stream';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { evidencePackRetentionDays } from '../../../shared/adapters/s3';
import { uploadStream } from '../../../shared/adapters/s3-streams';
import { packRetainUntil } from '../../../shared/services/evidence/pack';

/**
 * The evidence pack's own retention (docs/evidence-pack.md#retention): written with an explicit GOVERNANCE lock until
 * the date given, which replaces the bucket's 10-year default for that object; nothing asked when no date is given.
 */
const client = new S3Client({ region: 'eu-west-3', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const s3 = mockClient(client);
const saved = process.env.EVIDENCE_PACK_RETENTION_DAYS;

afterEach(() => {
  s3.reset();
  if (saved === undefined) delete process.env.EVIDENCE_PACK_RETENTION_DAYS;
  else process.env.EVIDENCE_PACK_RETENTION_DAYS = saved;
});

describe('uploadStream', () => {
  it('locks the object in GOVERNANCE mode until the date given', async () => {
    s3.on(PutObjectCommand).resolves({});
    // 2026-12-04 10:00 UTC + 30 days = 2027-01-03 10:00 UTC (December has 31 days: 27 left, then 3 in January)
    const until = new Date('2027-01-03T10:00:00Z');
    await uploadStream(
      client,
      'docs',
      'preuves/D1/pack.zip',
      Readable.from([Buffer.from('zip')]),
      'application/zip',
      until,
    );
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      Bucket: 'docs',
      Key: 'preuves/D1/pack.zip',
      ObjectLockMode: 'GOVERNANCE',
      ObjectLockRetainUntilDate: until,
    });
  });

  it('asks for no lock of its own without a date', async () => {
    s3.on(PutObjectCommand).resolves({});
    await uploadStream(client, 'docs', 'preuves/D1/pack.zip', Readable.from([Buffer.from('zip')]), 'application/zip');
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input?.ObjectLockMode).toBeUndefined();
    expect(input?.ObjectLockRetainUntilDate).toBeUndefined();
  });
});

describe('evidencePackRetentionDays', () => {
  it('reads a whole positive number of days, and nothing else', () => {
    process.env.EVIDENCE_PACK_RETENTION_DAYS = '30';
    expect(evidencePackRetentionDays()).toBe(30);
    for (const bad of ['', '0', '-3', '2.5', 'trente']) {
      process.env.EVIDENCE_PACK_RETENTION_DAYS = bad;
      expect(evidencePackRetentionDays(), bad).toBeUndefined();
    }
    delete process.env.EVIDENCE_PACK_RETENTION_DAYS;
    expect(evidencePackRetentionDays()).toBeUndefined();
  });
});

describe('packRetainUntil', () => {
  it('locks a pack 30 days from its building, and not at all without retention', () => {
    // 2026-12-04 10:00 UTC + 30 × 24 h = 2027-01-03 10:00 UTC (27 days left in December, then 3 in January)
    expect(packRetainUntil(new Date('2026-12-04T10:00:00Z'), 30)).toEqual(new Date('2027-01-03T10:00:00Z'));
    expect(packRetainUntil(new Date('2026-12-04T10:00:00Z'), undefined)).toBeUndefined();
  });
});
