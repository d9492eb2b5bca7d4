import type { PostPolicyRejection } from './post-policy';

/**
 * A presigned (query-string SigV4) request's expiry, on the platform clock. The S3 adapter signs download links at
 * the platform's instant (`X-Amz-Date`); s3rver would compare `X-Amz-Date + X-Amz-Expires` with the machine's time,
 * so a platform started in the past (or moved into the future) would see its links expired at once (or never). The
 * front checks the expiry as S3 would, on the platform clock, then hands s3rver the same request dated at the
 * machine's time (s3rver checks no SigV4 signature, only the dates).
 */
export type PresignedCheck =
  | { readonly ok: true; readonly url: string }
  | { readonly ok: false; readonly error: PostPolicyRejection };

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** `20261203T081500Z` → its instant, or undefined when malformed. */
function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** `2026-12-03T08:15:00.000Z` → `20261203T081500Z`. */
export function toAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * `rawUrl` (path and query as received) when it is no presigned SigV4 request; else its expiry checked against
 * `platformNow` and its `X-Amz-Date` moved by the platform clock's offset (`machineNow − platformNow`), so that
 * s3rver, reading the machine's time, sees the same time left.
 */
export function presignedOnPlatformClock(rawUrl: string, platformNow: Date, machineNow: Date): PresignedCheck {
  const query = new URL(rawUrl, 'http://local').searchParams;
  if (!query.has('X-Amz-Algorithm')) return { ok: true, url: rawUrl };
  const dateParam = query.get('X-Amz-Date') ?? '';
  const signedAt = parseAmzDate(dateParam);
  const expires = Number(query.get('X-Amz-Expires'));
  if (!signedAt || !Number.isInteger(expires) || expires < 0) {
    return {
      ok: false,
      error: { status: 400, code: 'AuthorizationQueryParametersError', message: 'Invalid X-Amz-Date or X-Amz-Expires' },
    };
  }
  const expiresAt = new Date(signedAt.getTime() + expires * 1000);
  if (platformNow.getTime() > expiresAt.getTime()) {
    return {
      ok: false,
      error: {
        status: 403,
        code: 'AccessDenied',
        message: 'Request has expired',
        extra: { 'X-Amz-Expires': String(expires), Expires: toAmzIso(expiresAt), ServerTime: toAmzIso(platformNow) },
      },
    };
  }
  const onMachine = toAmzDate(new Date(signedAt.getTime() + machineNow.getTime() - platformNow.getTime()));
  // Only the date's value changes: the rest of the query goes through byte for byte.
  const url = rawUrl.replace(/([?&]X-Amz-Date=)[^&]*/, `$1${onMachine}`);
  return { ok: true, url };
}

function toAmzIso(date: Date): string {
  return date.toISOString().replace(/\.\d+/, '');
}
