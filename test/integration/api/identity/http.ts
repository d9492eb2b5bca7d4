import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import * as z from 'zod/mini';
import { LocalAuth } from '../../../../infra/local/auth';
import type { Platform } from '../../../../infra/local/platform';
import { IdentityStore } from '../../../../shared/adapters/dynamo/identity-store';
import { MarcheStore } from '../../../../shared/adapters/dynamo/marche-store';
import { localToken } from '../../../setup/platform';
import '../../../../functions/catalog';
import { problemStatuses } from '../../../../shared/http/openapi';
import { PROBLEM_CONTENT_TYPE, problemSchema } from '../../../../shared/http/problem';
import { operations } from '../../../../shared/http/registry';
import type { OperationDescription } from '../../../../shared/http/types';
import { seedDemo } from '../../../../shared/seed/demo';

/**
 * HTTP client of the integration tests of the API, on the embedded platform. Every answer is checked against the
 * operation's description (the same one the OpenAPI document is built from): a 2xx must be a documented status and
 * its body must parse with the documented zod schema; a 4xx/5xx must be one of the statuses the document lists for
 * the operation, as application/problem+json matching the Problem schema. What was exercised is recorded.
 */

/** Tokens of users that are not yet registered are signed with this secret (the platform reads it at start). */
export const TEST_JWT_SECRET = 'tests-api-identite-secret-0123456789abcdef';
process.env.LOCAL_JWT_SECRET = TEST_JWT_SECRET;

export interface Call {
  readonly token?: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string | number>>;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** A version (sent as `"n"`) or a raw If-Match value. */
  readonly ifMatch?: number | string;
  /** Default: a fresh key on POST; `null` sends none. */
  readonly idempotencyKey?: string | null;
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies by literal paths
  readonly body: any;
  readonly operation?: OperationDescription;
}

/** `operationId status` of every answer checked, for coverage assertions. */
export const exercised = new Set<string>();

function operationOf(method: string, template: string): OperationDescription | undefined {
  return operations().find((o) => o.method === method && o.path === template);
}

function fill(template: string, params: Readonly<Record<string, string>> = {}): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(v);
  });
}

/** Checks an answer against the operation's description; throws (test failure) when it does not match. */
export function checkAgainstDescription(op: OperationDescription, status: number, headers: Headers, body: unknown) {
  const where = `${op.operationId} → ${status}`;
  if (status < 400) {
    const documented = op.responses[status];
    expect(documented, `${where}: statut non documenté`).toBeDefined();
    if (documented?.schema) {
      const parsed = z.safeParse(documented.schema, body);
      expect(parsed.success, `${where}: corps non conforme au schéma : ${JSON.stringify(parsed.error?.issues)}`).toBe(
        true,
      );
    }
  } else if (status === 401 && (body as { code?: string })?.code === 'AUTHENTIFICATION_REQUISE') {
    // the gateway's authorizer answers before the function (locally as problem+json)
    expect(op.auth, where).toBe('user');
    expect(problemSchema.safeParse(body).success, where).toBe(true);
  } else {
    expect(problemStatuses(op), `${where}: statut d'erreur non documenté`).toContain(status);
    expect(headers.get('content-type'), where).toBe(PROBLEM_CONTENT_TYPE);
    const parsed = problemSchema.safeParse(body);
    expect(parsed.success, `${where}: problème non conforme : ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
  }
  exercised.add(`${op.operationId} ${status}`);
}

export async function call(p: Platform, method: string, template: string, c: Call = {}): Promise<Reply> {
  const url = new URL(fill(template, c.params), p.url);
  for (const [k, v] of Object.entries(c.query ?? {})) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { ...c.headers };
  if (c.token) headers.authorization = `Bearer ${c.token}`;
  if (c.body !== undefined) headers['content-type'] = 'application/json';
  if (c.ifMatch !== undefined) headers['if-match'] = typeof c.ifMatch === 'number' ? `"${c.ifMatch}"` : c.ifMatch;
  const key = c.idempotencyKey === undefined ? (method === 'POST' ? randomUUID() : null) : c.idempotencyKey;
  if (key) headers['idempotency-key'] = key;
  const res = await fetch(url, {
    method,
    headers,
    ...(c.body !== undefined ? { body: typeof c.body === 'string' ? c.body : JSON.stringify(c.body) } : {}),
  });
  const text = await res.text();
  const body = text.length > 0 && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
  const operation = operationOf(method, template);
  if (operation) checkAgainstDescription(operation, res.status, res.headers, body);
  return { status: res.status, headers: res.headers, body, ...(operation ? { operation } : {}) };
}

/** Expects a refusal with this status and code. */
export function expectProblem(reply: Reply, status: number, code: string): void {
  expect({ status: reply.status, code: reply.body?.code }, JSON.stringify(reply.body)).toEqual({ status, code });
}

/** Seeds the demo data set (shared/seed/demo.ts) into the platform's table. */
export async function seed(p: Platform): Promise<void> {
  const identity = new IdentityStore(p.clients.document, p.tableName);
  const marches = new MarcheStore(p.clients.document, p.tableName);
  await seedDemo({ identity, marches }, p.clock.now());
}

/** Signs a registered user in through the local gateway (`POST /_local/login`). */
export async function login(p: Platform, loginAddress: string): Promise<string> {
  return localToken(p.url, loginAddress);
}

/** A token for an identity the table does not know yet (as the identity provider would issue it). */
export async function tokenFor(p: Platform, sub: string, email: string | null): Promise<string> {
  const auth = new LocalAuth(new TextEncoder().encode(TEST_JWT_SECRET), p.clock);
  return (await auth.issue(sub, email ?? '')).token;
}

let counter = 0;

/** A new person, registered through POST /v1/utilisateurs. */
export async function newUser(
  p: Platform,
  prefix = 'personne',
): Promise<{ userId: string; login: string; token: string }> {
  counter += 1;
  const userId = `u-${randomUUID()}`;
  const address = `${prefix}.${counter}.${userId.slice(2, 10)}@essai.test`;
  const token = await tokenFor(p, userId, address);
  const res = await call(p, 'POST', '/v1/utilisateurs', { token, body: { adresseConnexion: address } });
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { userId, login: address, token };
}

/**
 * A SIRET with a valid Luhn key: 13 given digits and the key digit (test oracle, written independently of
 * shared/domain/siret.ts).
 */
export function siretFrom(thirteen: string): string {
  if (!/^\d{13}$/.test(thirteen)) throw new Error('13 digits expected');
  for (let key = 0; key <= 9; key++) {
    const candidate = `${thirteen}${key}`;
    let sum = 0;
    [...candidate].reverse().forEach((ch, i) => {
      const d = Number(ch) * (i % 2 === 1 ? 2 : 1);
      sum += d > 9 ? d - 9 : d;
    });
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}

let siretCounter = 0;
/** A fresh valid SIRET for this run (time-based prefix, so that reruns on a kept table do not collide). */
export function freshSiret(): string {
  siretCounter += 1;
  const base = `${(Date.now() % 1e9).toString().padStart(9, '0')}${String(siretCounter).padStart(4, '0')}`;
  return siretFrom(base);
}

/** The same SIRET with its last digit changed: a wrong key. */
export function wrongKey(siret: string): string {
  return `${siret.slice(0, 13)}${(Number(siret[13]) + 1) % 10}`;
}
