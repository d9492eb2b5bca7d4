import type { S3Event } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { decodeEventKey, objectCreatedHandler } from '../../../functions/documents/object-created';
import { verifyDocument } from '../../../shared/documents/verify';
import type { PieceService } from '../../../shared/services/pieces';

/** The ObjectCreated handler: decodes each record's key as S3 encodes it and hands it to the verification. */
function event(...records: { key: string; eventName?: string; versionId?: string }[]): S3Event {
  return {
    Records: records.map((r) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'eu-west-3',
      eventTime: '2025-03-03T09:00:00.000Z',
      eventName: r.eventName ?? 'ObjectCreated:Post',
      userIdentity: { principalId: 'x' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': 'r', 'x-amz-id-2': 'i' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'c',
        bucket: { name: 'b', ownerIdentity: { principalId: 'x' }, arn: 'arn:aws:s3:::b' },
        object: { key: r.key, size: 1, eTag: 'e', sequencer: '1', versionId: r.versionId },
      },
    })),
  } as S3Event;
}

describe('object-created handler', () => {
  it('decodes keys the way S3 encodes them in notifications (+ for space, %XX)', () => {
    expect(decodeEventKey('uploads/a+b%C3%A9%2B')).toBe('uploads/a bé+');
  });

  it('verifies every created object, with its version, and skips other events', async () => {
    const verifyUpload = vi.fn(async () => ({ outcome: 'IGNORE' as const, reason: 'test' }));
    const handler = objectCreatedHandler(() => ({ pieces: { verifyUpload } as unknown as PieceService }));
    await handler(
      event(
        { key: 'uploads/abc', versionId: 'v1' },
        { key: 'uploads/def', eventName: 'ObjectRemoved:Delete' },
        { key: 'uploads/ghi', eventName: 'ObjectCreated:CompleteMultipartUpload' },
      ),
    );
    // with the PDF verifier, which only this handler imports
    expect(verifyUpload.mock.calls).toEqual([
      [{ key: 'uploads/abc', versionId: 'v1' }, verifyDocument],
      [{ key: 'uploads/ghi' }, verifyDocument],
    ]);
  });

  it('fails the invocation when the verification fails, so that Lambda delivers the event again', async () => {
    const handler = objectCreatedHandler(() => ({
      pieces: {
        verifyUpload: vi.fn(async () => {
          throw new Error('DynamoDB throttled');
        }),
      } as unknown as PieceService,
    }));
    await expect(handler(event({ key: 'uploads/abc' }))).rejects.toThrow('DynamoDB throttled');
  });
});
