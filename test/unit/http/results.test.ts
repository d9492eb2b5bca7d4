import { describe, expect, it } from 'vitest';
import { binary, created, noContent, ok, text, toHttpResponse } from '../../../shared/http/results';
import type { HttpResult } from '../../../shared/http/types';

describe('result helpers', () => {
  it('ok: 200 JSON, with ETag "<version>" when given', () => {
    const response = toHttpResponse(ok({ id: 'd1' }, { etag: 3 }));
    expect(response).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json', ETag: '"3"' },
      body: '{"id":"d1"}',
    });
  });

  it('text: the body as is, with its media type (a CSV download)', () => {
    const response = toHttpResponse(
      text('a;b\r\n', 'text/csv; charset=utf-8', { headers: { 'Content-Disposition': 'attachment' } }),
    );
    expect(response).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment' },
      body: 'a;b\r\n',
    });
    expect(() => toHttpResponse({ statusCode: 200, body: { a: 1 }, raw: true })).toThrow(TypeError);
  });

  it('ok: another status and extra headers', () => {
    const response = toHttpResponse(ok([], { status: 202, headers: { 'Cache-Control': 'no-store' } }));
    expect(response.statusCode).toBe(202);
    expect(response.headers).toMatchObject({ 'Cache-Control': 'no-store' });
    expect(response.headers).not.toHaveProperty('ETag');
  });

  it('created: 201 with Location', () => {
    const response = toHttpResponse(created({ id: 'd1' }, '/v1/dossiers/d1', { etag: 0 }));
    expect(response.statusCode).toBe(201);
    expect(response.headers).toMatchObject({ Location: '/v1/dossiers/d1', ETag: '"0"' });
  });

  it('noContent: 204 without body or content type', () => {
    const response = toHttpResponse(noContent({ etag: 9 }));
    expect(response).toEqual({ statusCode: 204, headers: { ETag: '"9"' } });
  });

  it('binary: the bytes base64-encoded for API Gateway, with their type and a safe file name', () => {
    const response = toHttpResponse(
      binary(new Uint8Array([0x25, 0x50, 0x44, 0x46]), {
        contentType: 'application/pdf',
        fileName: 'certificat n°1.pdf',
      }),
    );
    // "%PDF" = 0x25 0x50 0x44 0x46 → base64 "JVBERg=="
    expect(response).toMatchObject({ statusCode: 200, body: 'JVBERg==', isBase64Encoded: true });
    expect(response.headers).toMatchObject({
      'Content-Type': 'application/pdf',
      'Content-Disposition': 'attachment; filename="certificat_n_1.pdf"',
    });
  });

  it.each([
    ['undefined', undefined],
    ['a plain object', { id: 1 }],
    ['a status out of range', { statusCode: 42 }],
    ['a body JSON cannot hold', { statusCode: 200, body: 10n }],
  ])('refuses %s as a result', (_label, result) => {
    expect(() => toHttpResponse(result as unknown as HttpResult)).toThrow();
  });
});
