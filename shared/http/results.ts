import { etagOf } from './middlewares/preconditions';
import type { HttpResponse, HttpResult } from './types';

export interface ResultOptions {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Resource version: sets `ETag: "<version>"`, which clients send back in `If-Match`. */
  readonly etag?: number;
}

/** A JSON response, 200 unless `status` says otherwise. */
export function ok<T>(body: T, options: ResultOptions = {}): HttpResult<T> {
  return {
    statusCode: options.status ?? 200,
    headers: { ...options.headers, ...(options.etag !== undefined ? { ETag: etagOf(options.etag) } : {}) },
    body,
  };
}

/** 201 with the new resource's `Location`. */
export function created<T>(body: T, location: string, options: Omit<ResultOptions, 'status'> = {}): HttpResult<T> {
  return ok(body, { ...options, status: 201, headers: { ...options.headers, Location: location } });
}

export function noContent(options: Omit<ResultOptions, 'status'> = {}): HttpResult<undefined> {
  return {
    statusCode: 204,
    headers: { ...options.headers, ...(options.etag !== undefined ? { ETag: etagOf(options.etag) } : {}) },
  };
}

/** A file (PDF…) as the body: sent base64-encoded to API Gateway, which delivers the bytes. */
export function binary(
  bytes: Uint8Array,
  options: { readonly contentType: string; readonly fileName: string },
): HttpResult<Uint8Array> {
  return {
    statusCode: 200,
    headers: {
      'Content-Type': options.contentType,
      'Content-Disposition': `attachment; filename="${options.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'Cache-Control': 'private, no-store',
    },
    body: bytes,
  };
}

/**
 * A text body sent as is (e.g. a CSV download), with its media type; the operation documents it with the
 * response's `contentType`.
 */
export function text(body: string, contentType: string, options: Omit<ResultOptions, 'etag'> = {}): HttpResult<string> {
  return {
    statusCode: options.status ?? 200,
    headers: { ...options.headers, 'Content-Type': contentType },
    body,
    raw: true,
  };
}

/**
 * The handler's result as API Gateway expects it (payload 2.0, body as a string). A result that is not one is a
 * programming error and becomes a 500 like any other.
 */
export function toHttpResponse(result: HttpResult): HttpResponse {
  if (!result || typeof result !== 'object' || !Number.isInteger(result.statusCode)) {
    throw new TypeError('handler result is not an HttpResult (use ok(), created() or noContent())');
  }
  if (result.statusCode < 200 || result.statusCode > 599) throw new RangeError(`invalid status ${result.statusCode}`);
  const headers: Record<string, string> = { ...result.headers };
  if (result.body === undefined) return { statusCode: result.statusCode, headers };
  if (result.body instanceof Uint8Array) {
    const body = Buffer.from(result.body.buffer, result.body.byteOffset, result.body.byteLength).toString('base64');
    return { statusCode: result.statusCode, headers, body, isBase64Encoded: true };
  }
  if (result.raw) {
    if (typeof result.body !== 'string') throw new TypeError('a raw handler result body must be a string');
    return { statusCode: result.statusCode, headers, body: result.body };
  }
  const body = JSON.stringify(result.body);
  if (body === undefined) throw new TypeError('handler result body is not serializable as JSON');
  return { statusCode: result.statusCode, headers: { 'Content-Type': 'application/json', ...headers }, body };
}
