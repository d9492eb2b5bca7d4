import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { DomainError, type DomainErrorKind } from '../../../shared/domain/errors';
import { HttpProblem } from '../../../shared/http/errors';
import { errorMapping } from '../../../shared/http/middlewares/error-mapping';
import { logging } from '../../../shared/http/middlewares/logging';
import { mapError, problemSchema } from '../../../shared/http/problem';
import { header, httpEvent, json, middyRequest, silentLogger } from './fixtures';

describe('error mapping (RFC 9457 problems)', () => {
  const kinds: [DomainErrorKind, number][] = [
    ['INVALID', 422],
    ['FORBIDDEN', 403],
    ['NOT_FOUND', 404],
    ['CONFLICT', 409],
    ['STALE', 412],
  ];

  it.each(kinds)('maps a DomainError of kind %s to status %i with its code, message and fields', (kind, status) => {
    const error = new DomainError('CODE_ESSAI', 'Message en français.', kind, [
      { path: 'siret', message: 'Clé invalide.' },
    ]);
    const { problem, expected } = mapError(error, 'req-42');
    expect(expected).toBe(true);
    expect(problem).toMatchObject({
      status,
      code: 'CODE_ESSAI',
      detail: 'Message en français.',
      instance: 'req-42',
      type: 'https://factures-travaux.example/problemes/CODE_ESSAI',
      fields: [{ path: 'siret', message: 'Clé invalide.' }],
    });
    expect(problem.title.length).toBeGreaterThan(0);
    expect(problemSchema.safeParse(problem).success).toBe(true);
  });

  it('gives each status its own French title', () => {
    const titles = kinds.map(([kind]) => mapError(new DomainError('X', 'x', kind), 'r').problem.title);
    expect(new Set(titles).size).toBe(kinds.length);
  });

  it('leaves out `fields` when the error has none', () => {
    const { problem } = mapError(new DomainError('X', 'x', 'CONFLICT'), 'r');
    expect(problem).not.toHaveProperty('fields');
  });

  it('keeps the status, code and headers of an HttpProblem', () => {
    const mapped = mapError(
      new HttpProblem(401, 'AUTHENTIFICATION_REQUISE', 'Jeton absent.', [], { 'WWW-Authenticate': 'Bearer' }),
      'r',
    );
    expect(mapped.problem).toMatchObject({ status: 401, code: 'AUTHENTIFICATION_REQUISE', detail: 'Jeton absent.' });
    expect(mapped.headers).toEqual({ 'WWW-Authenticate': 'Bearer' });
  });

  it.each([
    new Error('connect ECONNREFUSED 10.0.0.12:8000 table factures-prod'),
    new TypeError("Cannot read properties of undefined (reading 'secret')"),
    'a thrown string',
    undefined,
    { statusCode: 404, message: 'an object shaped like an http-error' },
  ])('answers anything else with a generic 500 that leaks nothing (%s)', (error) => {
    const mapped = mapError(error, 'req-7');
    expect(mapped.expected).toBe(false);
    expect(mapped.problem).toMatchObject({ status: 500, code: 'ERREUR_INTERNE', instance: 'req-7' });
    const text = JSON.stringify(mapped.problem);
    expect(text).not.toMatch(/ECONNREFUSED|secret|thrown string|http-error|10\.0\.0\.12/);
  });
});

describe('errorMapping middleware', () => {
  it('turns the error into an application/problem+json response', async () => {
    const request = middyRequest(httpEvent({ requestId: 'req-9' }));
    request.error = new DomainError('DOSSIER_INTROUVABLE', 'Dossier introuvable.', 'NOT_FOUND');
    await errorMapping().onError!(request);
    expect(request.response?.statusCode).toBe(404);
    expect(header(request.response!, 'content-type')).toBe('application/problem+json');
    expect(json(request.response!)).toMatchObject({ code: 'DOSSIER_INTROUVABLE', instance: 'req-9' });
  });

  it('logs an unexpected error with its stack, and a refusal without one', async () => {
    const logger = silentLogger();
    // Each request logs through its own child of the handler's logger
    const errorLog = vi.spyOn(Logger.prototype, 'error');
    const infoLog = vi.spyOn(Logger.prototype, 'info');
    const failing = middyRequest(httpEvent());
    await logging(logger, 'essai').before!(failing);
    const boom = new Error('disk on fire');
    failing.error = boom;
    await errorMapping().onError!(failing);
    expect(errorLog).toHaveBeenCalledWith('Erreur inattendue', { error: boom });
    expect(json(failing.response!).detail).not.toContain('disk on fire');

    const refused = middyRequest(httpEvent());
    await logging(logger, 'essai').before!(refused);
    refused.error = new DomainError('X', 'x', 'FORBIDDEN');
    await errorMapping().onError!(refused);
    expect(infoLog).toHaveBeenCalledWith('Requête refusée', { status: 403, code: 'X' });
    expect(errorLog).toHaveBeenCalledTimes(1);
    errorLog.mockRestore();
    infoLog.mockRestore();
  });

  it('does not replace a response another middleware already set', async () => {
    const request = middyRequest(httpEvent());
    request.error = new Error('x');
    request.response = { statusCode: 200, body: '{}' };
    await errorMapping().onError!(request);
    expect(request.response.statusCode).toBe(200);
  });
});
