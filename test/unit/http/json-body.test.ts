import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../../../shared/http/errors';
import { isJsonContentType, jsonBody } from '../../../shared/http/middlewares/json-body';
import { stateOf } from '../../../shared/http/state';
import { httpEvent, middyRequest } from './fixtures';

async function run(expectsBody: boolean, request: ReturnType<typeof middyRequest>) {
  await jsonBody(expectsBody).before!(request);
  return stateOf(request);
}

async function refusal(promise: Promise<unknown>): Promise<HttpProblem> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpProblem);
  return error as HttpProblem;
}

describe('jsonBody middleware', () => {
  it('parses a JSON body', async () => {
    const state = await run(
      true,
      middyRequest(
        httpEvent({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"montant":"12.50"}' }),
      ),
    );
    expect(state.json).toEqual({ montant: '12.50' });
  });

  it('decodes a base64 body first', async () => {
    const body = Buffer.from('{"nom":"Édouard"}', 'utf8').toString('base64');
    const state = await run(
      true,
      middyRequest(
        httpEvent({ method: 'POST', headers: { 'content-type': 'application/json' }, body, isBase64Encoded: true }),
      ),
    );
    expect(state.json).toEqual({ nom: 'Édouard' });
  });

  it('reads Content-Type whatever its case, with parameters', async () => {
    const state = await run(
      true,
      middyRequest(
        httpEvent({ method: 'POST', headers: { 'Content-Type': 'Application/JSON; charset=utf-8' }, body: '[1]' }),
      ),
    );
    expect(state.json).toEqual([1]);
  });

  it('refuses another media type with 415 TYPE_CONTENU_NON_SUPPORTE', async () => {
    const problem = await refusal(
      run(true, middyRequest(httpEvent({ method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }))),
    );
    expect(problem.status).toBe(415);
    expect(problem.code).toBe('TYPE_CONTENU_NON_SUPPORTE');
  });

  it('refuses a body without Content-Type with 415', async () => {
    const problem = await refusal(run(true, middyRequest(httpEvent({ method: 'POST', body: '{}' }))));
    expect(problem.status).toBe(415);
  });

  it.each(['{"a":', "{'a':1}", '{"a":1}}', 'NaN'])('refuses malformed JSON %s with 400 JSON_INVALIDE', async (body) => {
    const problem = await refusal(
      run(true, middyRequest(httpEvent({ method: 'POST', headers: { 'content-type': 'application/json' }, body }))),
    );
    expect(problem.status).toBe(400);
    expect(problem.code).toBe('JSON_INVALIDE');
  });

  it('leaves an empty body undefined, for validation to report', async () => {
    const state = await run(true, middyRequest(httpEvent({ method: 'POST', body: '' })));
    expect(state.json).toBeUndefined();
    expect(state.rawBody).toBeUndefined();
  });

  it('ignores the body of an operation that takes none, but keeps its text', async () => {
    const state = await run(
      false,
      middyRequest(httpEvent({ method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })),
    );
    expect(state.json).toBeUndefined();
    expect(state.rawBody).toBe('x');
  });

  it.each([
    ['application/json', true],
    ['application/problem+json', true],
    ['application/vnd.api+json; charset=utf-8', true],
    ['application/jsonp', false],
    ['text/json', false],
    ['multipart/form-data; boundary=x', false],
    [undefined, false],
  ])('content type %s is JSON: %s', (value, expected) => {
    expect(isJsonContentType(value)).toBe(expected);
  });
});
