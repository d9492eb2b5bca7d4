import { describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../../shared/adapters/aws-json';
import { FunctionError, LambdaInvoker } from '../../../shared/adapters/lambda-invoke';
import { DomainError } from '../../../shared/domain/errors';
import { lambdaEvidenceBuilder } from '../../../shared/services/evidence/builder';
import { EXAMPLE_CREDENTIALS, type Received, useRecordingServer } from '../../fixtures/recording-server';
import { verifySigV4 } from '../../fixtures/sigv4';

/**
 * Lambda's Invoke without the SDK (shared/adapters/lambda-invoke.ts on aws-json.ts) and the evidence builder that
 * uses it (shared/services/evidence/builder.ts), against a recording HTTP server that answers as Lambda does
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html): the request's path, body and signature; a function
 * error (200 + X-Amz-Function-Error) thrown; a refusal answered by the worker thrown as the same DomainError; 5xx
 * tried again.
 */

const credentials = EXAMPLE_CREDENTIALS;
const recorder = useRecordingServer('application/json', { status: 200, body: null });

const invoker = () =>
  new LambdaInvoker({
    endpoint: recorder.endpoint,
    region: async () => 'eu-west-3',
    credentials: async () => credentials,
    backoff: async () => undefined,
  });

describe('Lambda Invoke as a signed request', () => {
  it('POSTs the event as JSON to the function’s invocations path, signed for lambda, and answers the payload', async () => {
    recorder.replies = [{ status: 200, body: { ok: { n: 1 } } }];
    const event = { kind: 'pack', dossierId: 'D-2026-0001' };
    const value = await invoker().invoke('Stack-dossiersEvidenceBuild-AbC123', event);
    expect(value).toEqual({ ok: { n: 1 } });
    expect(recorder.received).toHaveLength(1);
    const [{ req, body }] = recorder.received as [Received];
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/2015-03-31/functions/Stack-dossiersEvidenceBuild-AbC123/invocations');
    expect(JSON.parse(body)).toEqual(event);
    expect(req.headers['content-type']).toBe('application/json');
    // no JSON-protocol operation: Lambda's REST API names the operation by the path
    expect(req.headers['x-amz-target']).toBeUndefined();
    // credential scope <day>/eu-west-3/lambda/aws4_request, and a signature valid over the body recorder.received
    expect(String(req.headers.authorization)).toMatch(/Credential=AKIDEXAMPLE\/\d{8}\/eu-west-3\/lambda\/aws4_request/);
    const check = verifySigV4(req, credentials.secretAccessKey, body);
    expect(check.valid).toBe(true);
    expect(check.signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token']));
  });

  it('throws a function error (200 with X-Amz-Function-Error) with the payload’s type and message, once', async () => {
    recorder.replies = [
      {
        status: 200,
        headers: { 'X-Amz-Function-Error': 'Unhandled' },
        body: { errorType: 'TypeError', errorMessage: 'boom', trace: ['TypeError: boom', '    at x'] },
      },
    ];
    const failure = await invoker()
      .invoke('worker', {})
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(failure).toBeInstanceOf(FunctionError);
    expect((failure as FunctionError).errorType).toBe('TypeError');
    expect((failure as FunctionError).message).toBe('worker: TypeError: boom');
    // a function error is the function's answer: not tried again
    expect(recorder.received).toHaveLength(1);
  });

  it('tries a 5xx again and answers the attempt that succeeded', async () => {
    recorder.replies = [
      { status: 503, headers: { 'x-amzn-ErrorType': 'ServiceException' }, body: { Type: 'Service', message: 'busy' } },
      { status: 200, body: { ok: 'yes' } },
    ];
    expect(await invoker().invoke('worker', { a: 1 })).toEqual({ ok: 'yes' });
    expect(recorder.received).toHaveLength(2);
    // the second attempt carries the same body, signed again
    expect(recorder.received[1]?.body).toBe('{"a":1}');
    expect(verifySigV4(recorder.received[1]!.req, credentials.secretAccessKey, recorder.received[1]!.body).valid).toBe(
      true,
    );
  });

  it('throws Lambda’s own error by its x-amzn-ErrorType name, without trying a 4xx again', async () => {
    recorder.replies = [
      {
        status: 404,
        headers: { 'x-amzn-ErrorType': 'ResourceNotFoundException:http://internal.amazon.com/coral/' },
        body: { Type: 'User', message: 'Function not found: arn:aws:lambda:eu-west-3:1:function:worker' },
      },
    ];
    const failure = await invoker()
      .invoke('worker', {})
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(failure).toBeInstanceOf(AwsServiceError);
    expect((failure as AwsServiceError).name).toBe('ResourceNotFoundException');
    expect((failure as AwsServiceError).$metadata.httpStatusCode).toBe(404);
    expect(recorder.received).toHaveLength(1);
  });
});

describe('the evidence builder on Lambda Invoke', () => {
  const builder = () => lambdaEvidenceBuilder(invoker(), 'evidence-worker');

  it('asks the worker for the pack and answers its fields', async () => {
    const pack = {
      dossierId: 'D1',
      url: 'https://example.test/preuves/D1.zip?X-Amz-Signature=1',
      expireLe: '2026-12-03T08:15:00.000Z',
      documents: 2,
      documentsConformes: true,
      pisteIntegre: true,
    };
    recorder.replies = [{ status: 200, body: { ok: pack } }];
    expect(await builder().pack('D1')).toEqual(pack);
    expect(recorder.received[0]?.req.url).toBe('/2015-03-31/functions/evidence-worker/invocations');
    expect(JSON.parse(recorder.received[0]!.body)).toEqual({ kind: 'pack', dossierId: 'D1' });
  });

  it('asks for a certificate by dossier and piece', async () => {
    // "%PDF" in base64
    recorder.replies = [{ status: 200, body: { ok: { pdfBase64: 'JVBERg==', fileName: 'certificat-C-1.pdf' } } }];
    expect(await builder().certificate('D1', 'P2')).toEqual({ pdfBase64: 'JVBERg==', fileName: 'certificat-C-1.pdf' });
    expect(JSON.parse(recorder.received[0]!.body)).toEqual({ kind: 'certificat', dossierId: 'D1', pieceId: 'P2' });
  });

  it('throws the worker’s refusal as the same DomainError (code, kind, message, fields)', async () => {
    const fields = [{ path: 'pieceId', message: 'pas encore envoyée' }];
    recorder.replies = [
      {
        status: 200,
        body: {
          refusal: {
            code: 'PIECE_NON_ENVOYEE',
            kind: 'CONFLICT',
            message: 'La pièce n’est pas encore envoyée.',
            fields,
          },
        },
      },
    ];
    const failure = await builder()
      .certificate('D1', 'P2')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(failure).toBeInstanceOf(DomainError);
    expect(failure).toMatchObject({
      code: 'PIECE_NON_ENVOYEE',
      kind: 'CONFLICT',
      message: 'La pièce n’est pas encore envoyée.',
      fields,
    });
  });

  it('throws, not a DomainError, when the worker failed', async () => {
    recorder.replies = [
      {
        status: 200,
        headers: { 'X-Amz-Function-Error': 'Unhandled' },
        body: { errorType: 'Runtime.ExitError', errorMessage: 'RequestId: 1 Error: Runtime exited' },
      },
    ];
    const failure = await builder()
      .pack('D1')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(failure).toBeInstanceOf(FunctionError);
    expect(failure).not.toBeInstanceOf(DomainError);
  });
});
