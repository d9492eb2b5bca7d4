import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { s3ClientConfigFromEnv } from '../../../shared/adapters/s3';
import {
  presignGetObject,
  presignPostPolicy,
  signingTargetFromEnv,
  signingTargetOf,
} from '../../../shared/adapters/s3-presign';

/**
 * Our presigner (shared/adapters/s3-presign.ts: `@smithy/signature-v4` and the function's credentials, no S3 client)
 * against the SDK's own presigners for the same inputs at a fixed date: two independent implementations, so equal
 * URLs and forms say ours is valid wherever the SDK's is (AWS, and the embedded platform's s3rver).
 */

const at = new Date('2031-05-06T07:08:09.000Z');
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const withToken = { ...credentials, sessionToken: 'IQoJb3JpZ2luX2VjE//token+with/slashes==' };

const settings = {
  'AWS, virtual-hosted, session token': { region: 'eu-west-3', credentials: withToken },
  'embedded platform, path-style': {
    region: 'eu-west-3',
    credentials,
    endpoint: 'http://127.0.0.1:4569',
    forcePathStyle: true,
  },
} as const;

const keys = ['uploads/d1/p1/f1', 'preuves/Dossier n°3 (copie)+a.zip'];

describe('presigned GET: ours equals the SDK presigner', () => {
  for (const [name, config] of Object.entries(settings)) {
    for (const key of keys) {
      it(`${name}: ${key}`, async () => {
        const client = new S3Client(config);
        const query = {
          versionId: 'v9.x',
          'response-content-disposition': `attachment; filename="Decompte n_3.pdf"; filename*=UTF-8''D%C3%A9compte`,
          'response-content-type': 'application/pdf',
        };
        const sdk = await getSignedUrl(
          client,
          new GetObjectCommand({
            Bucket: 'factures-docs-1a2b',
            Key: key,
            VersionId: query.versionId,
            ResponseContentDisposition: query['response-content-disposition'],
            ResponseContentType: query['response-content-type'],
          }),
          { expiresIn: 300, signingDate: at },
        );
        const ours = await presignGetObject(
          signingTargetOf(client),
          { bucket: 'factures-docs-1a2b', key, query, expiresInSeconds: 300 },
          at,
        );
        expect(ours).toBe(sdk);
        expect(new URL(ours).searchParams.get('X-Amz-Date')).toBe('20310506T070809Z');
      });
    }
  }
});

describe('presigned POST: ours equals the SDK presigner', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  for (const [name, config] of Object.entries(settings)) {
    it(name, async () => {
      const client = new S3Client(config);
      const conditions = [
        ['content-length-range', 1, 4242],
        ['eq', '$Content-Type', 'application/pdf'],
      ];
      const fields = { 'Content-Type': 'application/pdf', 'x-amz-checksum-algorithm': 'SHA256' };
      // The SDK's POST presigner signs at Date.now(): the machine's date is fixed for it
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(at);
      const sdk = await createPresignedPost(client, {
        Bucket: 'factures-docs-1a2b',
        Key: 'uploads/k1',
        Conditions: conditions as never,
        Fields: fields,
        Expires: 300,
      });
      vi.useRealTimers();
      const ours = await presignPostPolicy(
        signingTargetOf(client),
        { bucket: 'factures-docs-1a2b', key: 'uploads/k1', conditions, fields, expiresInSeconds: 300 },
        at,
      );
      expect(ours).toEqual(sdk);
      // 07:08:09 + 300 s = 07:13:09
      const policy = JSON.parse(Buffer.from(ours.fields.Policy ?? '', 'base64').toString('utf8'));
      expect(policy.expiration).toBe('2031-05-06T07:13:09Z');
    });
  }
});

describe('signing target from the environment', () => {
  it('signs with the role credentials, region and local endpoint of the environment, as a client built from it', async () => {
    const env = {
      AWS_REGION: 'eu-west-3',
      AWS_ACCESS_KEY_ID: withToken.accessKeyId,
      AWS_SECRET_ACCESS_KEY: withToken.secretAccessKey,
      AWS_SESSION_TOKEN: withToken.sessionToken,
    };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const target = signingTargetFromEnv({ ...env, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569' });
      const request = { bucket: 'b-1', key: 'uploads/k', query: {}, expiresInSeconds: 60 };
      // the client the process builds from the same environment (shared/adapters/s3.ts)
      const client = new S3Client({
        region: 'eu-west-3',
        credentials: withToken,
        ...s3ClientConfigFromEnv({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569' }),
      });
      const fromClient = await presignGetObject(signingTargetOf(client), request, at);
      expect(await presignGetObject(target, request, at)).toBe(fromClient);
      expect(new URL(fromClient).pathname).toBe('/b-1/uploads/k');
    } finally {
      process.env = saved;
    }
  });
});
