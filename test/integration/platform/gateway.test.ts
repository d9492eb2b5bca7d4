import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../../../infra/local/platform';
import { dynamoClient, tableName } from '../../../shared/adapters/dynamo/client';
import { GetCommand, PutCommand } from '../../../shared/adapters/dynamo/document-client';
import { keys } from '../../../shared/adapters/dynamo/keys';
import { serviceContext } from '../../../shared/services/context';

const USER_ID = 'u-0001';
const LOGIN = 'marie.dupont@example.fr';

let platform: Platform;
let healthWhileStarting: number | undefined;
const echoed: unknown[] = [];

beforeAll(async () => {
  platform = await startPlatform({
    port: 0,
    inMemory: true,
    onGatewayListening: (url) => {
      void fetch(`${url}/health`).then((r) => {
        healthWhileStarting = r.status;
      });
    },
    extend: () => ({
      routes: [
        {
          method: 'PUT',
          path: '/_test/notes/{noteId}',
          handler: async (event) => {
            const e = event as APIGatewayProxyEventV2WithJWTAuthorizer;
            const { text } = JSON.parse(e.body ?? '{}') as { text: string };
            await dynamoClient().send(
              new PutCommand({
                TableName: tableName(),
                Item: {
                  pk: `TEST#${e.pathParameters?.noteId}`,
                  sk: 'NOTE',
                  text,
                  owner: e.requestContext.authorizer.jwt.claims.sub,
                },
              }),
            );
            return { statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) };
          },
        },
        {
          method: 'GET',
          path: '/_test/notes/{noteId}',
          handler: async (event) => {
            const e = event as APIGatewayProxyEventV2WithJWTAuthorizer;
            const { Item } = await dynamoClient().send(
              new GetCommand({ TableName: tableName(), Key: { pk: `TEST#${e.pathParameters?.noteId}`, sk: 'NOTE' } }),
            );
            if (!Item) return { statusCode: 404, body: '' };
            return { note: Item, jwt: e.requestContext.authorizer.jwt };
          },
        },
        {
          method: 'GET',
          path: '/_test/echo/{a}/{rest+}',
          public: true,
          handler: (event) => {
            echoed.push(event);
            return { ok: true };
          },
        },
        {
          method: 'POST',
          path: '/_test/echo',
          public: true,
          handler: (event) => {
            echoed.push(event);
            return { statusCode: 204 };
          },
        },
        {
          method: 'GET',
          path: '/_test/file',
          public: true,
          handler: () => ({
            statusCode: 200,
            headers: { 'content-type': 'application/octet-stream' },
            cookies: ['a=1; Path=/', 'b=2; Path=/'],
            isBase64Encoded: true,
            body: Buffer.from([0, 1, 2, 255]).toString('base64'),
          }),
        },
        {
          method: 'GET',
          path: '/_test/now',
          public: true,
          handler: () => ({ now: serviceContext().clock.now().toISOString() }),
        },
      ],
    }),
  });
});

afterAll(async () => {
  await platform?.stop();
});

async function login(loginAddress: string): Promise<Response> {
  return fetch(`${platform.url}/_local/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginAddress }),
  });
}

async function registerUser(): Promise<void> {
  await platform.clients.document.send(
    new PutCommand({ TableName: platform.tableName, Item: { ...keys.uniqueLogin(LOGIN), userId: USER_ID } }),
  );
  await platform.clients.document.send(
    new PutCommand({ TableName: platform.tableName, Item: { ...keys.user(USER_ID), displayName: 'Marie Dupont' } }),
  );
}

describe('local HTTP gateway', () => {
  it('answers /health 503 while starting, then 200 with every component and the table read by the health function', async () => {
    expect(healthWhileStarting).toBe(503);
    const res = await fetch(`${platform.url}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; components: Record<string, string> };
    expect(body.status).toBe('ok');
    expect(body.components).toEqual({
      table: 'ok',
      dynamodb: 'ok',
      s3: 'ok',
      stepfunctions: 'ok',
      gateway: 'ok',
      clock: 'ok',
    });
  });

  it('signs a user in from the table and issues a 12-hour HS256 token with the authorizer claims', async () => {
    await registerUser();
    const res = await login('Marie.Dupont@example.fr');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; userId: string };
    expect(body.userId).toBe(USER_ID);
    const claims = decodeJwt(body.token);
    expect(claims).toMatchObject({
      iss: 'factures-travaux-local',
      aud: 'factures-travaux',
      sub: USER_ID,
      email: LOGIN,
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(12 * 3600);
  });

  it('refuses an unknown login address with a French problem', async () => {
    const res = await login('personne@example.fr');
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('CONNEXION_INCONNUE');
  });

  it('guards non-public routes like the JWT authorizer: 401 without or with a forged token', async () => {
    const noToken = await fetch(`${platform.url}/_test/notes/n1`, { method: 'PUT', body: '{"text":"x"}' });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('content-type')).toBe('application/problem+json');
    expect(noToken.headers.get('www-authenticate')).toBe('Bearer');
    expect(await noToken.json()).toMatchObject({ status: 401, code: 'AUTHENTIFICATION_REQUISE' });

    const { token } = (await (await login(LOGIN)).json()) as { token: string };
    const [h, p] = token.split('.');
    const forged = `${h}.${p}.${'A'.repeat(43)}`;
    const res = await fetch(`${platform.url}/_test/notes/n1`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${forged}` },
      body: '{"text":"x"}',
    });
    expect(res.status).toBe(401);
  });

  it('runs a handler that writes then reads DynamoDB, with the claims in requestContext.authorizer.jwt', async () => {
    const { token } = (await (await login(LOGIN)).json()) as { token: string };
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const put = await fetch(`${platform.url}/_test/notes/n-42`, {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ text: 'Décompte mensuel n°3' }),
    });
    expect(put.status).toBe(201);

    const stored = await platform.clients.document.send(
      new GetCommand({ TableName: platform.tableName, Key: { pk: 'TEST#n-42', sk: 'NOTE' } }),
    );
    expect(stored.Item).toMatchObject({ text: 'Décompte mensuel n°3', owner: USER_ID });

    const get = await fetch(`${platform.url}/_test/notes/n-42`, { headers: auth });
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('application/json');
    const body = (await get.json()) as {
      note: { text: string };
      jwt: { claims: Record<string, unknown>; scopes: unknown };
    };
    expect(body.note.text).toBe('Décompte mensuel n°3');
    expect(body.jwt.claims).toMatchObject({
      sub: USER_ID,
      email: LOGIN,
      iss: 'factures-travaux-local',
      aud: 'factures-travaux',
    });
    expect(typeof body.jwt.claims.exp).toBe('string');
    expect(body.jwt.scopes).toBeNull();
  });

  it('answers 404 problem+json ROUTE_INCONNUE for an unknown route or method', async () => {
    const unknown = await fetch(`${platform.url}/v1/inexistant`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
    const body = (await unknown.json()) as { code: string; detail: string };
    expect(body.code).toBe('ROUTE_INCONNUE');
    expect(body.detail).toContain('/v1/inexistant');
    const wrongMethod = await fetch(`${platform.url}/health`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(404);
  });

  it("passes the health function's own 4xx through: a malformed If-Match is a 400 problem with a numeric status", async () => {
    const res = await fetch(`${platform.url}/health`, { headers: { 'if-match': '*' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 400, code: 'PRECONDITION_INVALIDE' });
  });

  it('answers 400 problem+json CHEMIN_INVALIDE for a path whose percent-encoding does not decode, token or not', async () => {
    // %FF alone is not UTF-8: decodeURIComponent throws URIError, which used to become a 500
    for (const path of ['/v1/dossiers/%FF', '/_test/echo/%E0%A4/x', '/_test/notes/%']) {
      const res = await fetch(`${platform.url}${path}`);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(((await res.json()) as { code: string }).code).toBe('CHEMIN_INVALIDE');
    }
  });

  it('answers 431 problem+json EN_TETES_TROP_GRANDS for headers over 16 KB, instead of the bare 431 of Node', async () => {
    // Found by the fuzzer (test/reliability): a 70,000-character Idempotency-Key; Node's limit is 16 KB of headers
    const res = await fetch(`${platform.url}/v1/moi`, { headers: { 'idempotency-key': 'x'.repeat(70_000) } });
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 431, code: 'EN_TETES_TROP_GRANDS' });
  });

  it('builds payload 2.0 events: path parameters, joined query values, lowercased headers, cookies, base64 bodies', async () => {
    echoed.length = 0;
    await fetch(`${platform.url}/_test/echo/x%20y/p/q.pdf?b=1&b=2&c=%C3%A9`, {
      headers: { 'X-Custom': 'Val', cookie: 'session=abc; theme=dark' },
    });
    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff]);
    await fetch(`${platform.url}/_test/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/pdf' },
      body: bytes,
    });
    await fetch(`${platform.url}/_test/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(echoed).toHaveLength(3);
    const [get, binary, json] = echoed as [APIGatewayProxyEventV2, APIGatewayProxyEventV2, APIGatewayProxyEventV2];
    expect(get).toMatchObject({
      version: '2.0',
      routeKey: 'GET /_test/echo/{a}/{rest+}',
      rawPath: '/_test/echo/x%20y/p/q.pdf',
      rawQueryString: 'b=1&b=2&c=%C3%A9',
      pathParameters: { a: 'x y', rest: 'p/q.pdf' },
      queryStringParameters: { b: '1,2', c: 'é' },
      cookies: ['session=abc', 'theme=dark'],
      isBase64Encoded: false,
      requestContext: { http: { method: 'GET', path: '/_test/echo/x%20y/p/q.pdf' }, stage: '$default' },
    });
    expect(get.headers['x-custom']).toBe('Val');
    expect(get.headers.cookie).toBeUndefined();
    expect((get.requestContext as { authorizer?: unknown }).authorizer).toBeUndefined();
    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body ?? '', 'base64')).toEqual(bytes);
    expect(json).toMatchObject({ isBase64Encoded: false, body: '{"a":1}' });
  });

  it('returns binary bodies and cookies from a structured result', async () => {
    const res = await fetch(`${platform.url}/_test/file`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
  });

  it('moves the one clock forward only: handlers see it and tokens expire by it', async () => {
    const { token } = (await (await login(LOGIN)).json()) as { token: string };
    const back = await fetch(`${platform.url}/_local/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceDays: -1 }),
    });
    expect(back.status).toBe(422);
    expect(back.headers.get('content-type')).toBe('application/problem+json');
    expect(((await back.json()) as { code: string }).code).toBe('HORLOGE_RECUL_INTERDIT');
    const pastTarget = await fetch(`${platform.url}/_local/clock`, {
      method: 'POST',
      body: JSON.stringify({ to: '2000-01-01T00:00:00Z' }),
    });
    expect(pastTarget.status).toBe(422);

    const before = Date.parse(((await (await fetch(`${platform.url}/_test/now`)).json()) as { now: string }).now);
    const moved = await fetch(`${platform.url}/_local/clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceHours: 13 }),
    });
    expect(moved.status).toBe(200);
    const state = (await moved.json()) as { offsetMs: number; fired: unknown[] };
    expect(state.offsetMs).toBe(13 * 3_600_000);
    const after = Date.parse(((await (await fetch(`${platform.url}/_test/now`)).json()) as { now: string }).now);
    expect(after - before).toBeGreaterThanOrEqual(13 * 3_600_000);
    expect(after - before).toBeLessThan(13 * 3_600_000 + 60_000);

    const expired = await fetch(`${platform.url}/_test/notes/n-42`, { headers: { authorization: `Bearer ${token}` } });
    expect(expired.status).toBe(401);
    const clockNow = (await (await fetch(`${platform.url}/_local/clock`)).json()) as {
      offsetMs: number;
      parisDate: string;
    };
    expect(clockNow.offsetMs).toBe(13 * 3_600_000);
    expect(clockNow.parisDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
