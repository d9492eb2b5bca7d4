import { createHash, randomBytes } from 'node:crypto';

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

/** Keys in S3 event notifications are URL-encoded, spaces as `+`. */
export function encodeEventKey(key: string): string {
  return key
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/%20/g, '+'))
    .join('/');
}

function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length)
    .toUpperCase();
}

/**
 * The `ObjectCreated:Post` record of a checked browser upload, shaped as s3rver shapes its own (the front publishes
 * these uploads itself, s3-versions.ts). Key as stored (not yet encoded); region, time and ARN are filled where
 * every record is, in s3.ts.
 */
export function postCreatedRecord(
  bucket: string,
  key: string,
  object: { readonly size: number; readonly eTag: string; readonly versionId: string },
): S3EventRecord {
  return {
    eventVersion: '2.0',
    eventSource: 'aws:s3',
    awsRegion: '',
    eventTime: '',
    eventName: 'ObjectCreated:Post',
    userIdentity: { principalId: `AWS:${randomHex(21)}` },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: {
      'x-amz-request-id': randomHex(16),
      'x-amz-id-2': createHash('sha256').update(bucket).digest('base64'),
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'testConfigId',
      bucket: { name: bucket, arn: '', ownerIdentity: { principalId: randomHex(14) } },
      object: { key, ...object, sequencer: Date.now().toString(16).toUpperCase() },
    },
  };
}
