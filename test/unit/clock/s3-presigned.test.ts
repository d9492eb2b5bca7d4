import { describe, expect, it } from 'vitest';
import { presignedOnPlatformClock } from '../../../infra/local/s3-presigned';

/** A presigned GET as the SDK writes it, signed at `amzDate` for `expires` seconds. */
const link = (amzDate: string, expires: number) =>
  `/bucket/a%20b.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD&X-Amz-Credential=S3RVER%2F20270301%2Feu-west-3%2Fs3%2Faws4_request&X-Amz-Date=${amzDate}&X-Amz-Expires=${expires}&X-Amz-Signature=abc&X-Amz-SignedHeaders=host&response-content-disposition=attachment%3B%20filename%3D%22a%20b.pdf%22&x-id=GetObject`;

describe('a presigned link on the platform clock (local S3 front)', () => {
  // Signed at 2027-03-01T09:00:00Z for 300 s: valid until 09:05:00Z on the platform clock.
  const signed = link('20270301T090000Z', 300);

  it('leaves other requests untouched', () => {
    expect(presignedOnPlatformClock('/bucket/key?versionId=1', new Date(), new Date())).toEqual({
      ok: true,
      url: '/bucket/key?versionId=1',
    });
  });

  it('passes a live link, re-dated by the clock offset for s3rver, the rest byte for byte', () => {
    // platform 2027-03-01T09:04:59Z (1 s left), machine 2026-12-03T16:00:00Z:
    // offset = machine − platform; 09:00:00 on the platform is 2026-12-03T15:55:01Z on the machine (1 s + 300 s
    // before 16:00:00 … 15:55:01 + 300 s = 16:00:01, still 1 s left for s3rver too)
    const r = presignedOnPlatformClock(signed, new Date('2027-03-01T09:04:59Z'), new Date('2026-12-03T16:00:00Z'));
    expect(r).toEqual({ ok: true, url: signed.replace('X-Amz-Date=20270301T090000Z', 'X-Amz-Date=20261203T155501Z') });
  });

  it('refuses a link past its expiry on the platform clock, whatever the machine says', () => {
    // platform 09:05:01Z: 1 s past 09:05:00Z; the machine is years earlier
    const r = presignedOnPlatformClock(signed, new Date('2027-03-01T09:05:01Z'), new Date('2020-01-01T00:00:00Z'));
    expect(r).toMatchObject({
      ok: false,
      error: {
        status: 403,
        code: 'AccessDenied',
        message: 'Request has expired',
        extra: { Expires: '2027-03-01T09:05:00Z' },
      },
    });
  });

  it.each([link('2027-03-01', 300), link('20270301T090000Z', -1), link('20270301T090000Z', Number.NaN)])(
    'refuses a malformed date or expiry: %s',
    (url) => {
      expect(presignedOnPlatformClock(url, new Date(), new Date())).toMatchObject({
        ok: false,
        error: { status: 400, code: 'AuthorizationQueryParametersError' },
      });
    },
  );
});
