import fc from 'fast-check';
import { HOSTILE_STRINGS, invalidArbitrary, type JsonSchema, validArbitrary } from './schema-arbitrary';

/**
 * Requests generated from the OpenAPI document: every operation it lists (never a hand list), each request either
 * "valid-ish" (path, query, headers and body follow the schemas, with ids of the seeded data mixed in, a demo
 * account's token) or broken in one place (body, a parameter, a header, the token, the path's encoding).
 */
export interface FuzzOperation {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly parameters: readonly OpenApiParameter[];
  readonly body?: JsonSchema;
  readonly authenticated: boolean;
}

interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required?: boolean;
  readonly schema: JsonSchema;
}

export type RequestKind = 'valide' | 'corps' | 'parametre' | 'en-tete' | 'jeton' | 'chemin';

export interface FuzzRequest {
  readonly operationId: string;
  readonly kind: RequestKind;
  readonly method: string;
  /** Path and query, already encoded (possibly badly, on purpose). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Who signs the request: a demo account's login, or what stands in for a token. */
  readonly who: string;
}

export interface FuzzIdentity {
  /** Demo login → bearer token. */
  readonly tokens: Readonly<Record<string, string>>;
  /** Tokens that must be refused: forged signature, alg none, garbage. */
  readonly badTokens: readonly string[];
  /** Known-good values by parameter or property name (ids and SIRETs of the seeded data). */
  readonly hints: Readonly<Record<string, readonly unknown[]>>;
  /**
   * Throw-away accounts for the operations that change accounts (`identityMutation`): they sign those requests and
   * are the users they name, so that the demo accounts are never deactivated, demoted or handed a structure.
   */
  readonly throwAway?: {
    readonly tokens: Readonly<Record<string, string>>;
    readonly hints: Readonly<Record<string, readonly unknown[]>>;
  };
  /**
   * A throw-away structure and its GP for the operations that change a structure or a marché
   * (`structureMutation`): they sign those requests and name that structure (and a marché that does not exist), so
   * that the demo structures and the demo marché are never changed.
   */
  readonly throwAwayStructure?: {
    readonly tokens: Readonly<Record<string, string>>;
    readonly hints: Readonly<Record<string, readonly unknown[]>>;
  };
}

/**
 * An operation that changes an account or a membership: a write on /v1/moi (but its notifications) or
 * /v1/utilisateurs, or on a structure's members, attachment requests or principal manager.
 */
export function identityMutation(op: Pick<FuzzOperation, 'method' | 'path'>): boolean {
  if (op.method === 'GET' || op.method === 'HEAD' || op.method === 'OPTIONS') return false;
  if (/^\/v1\/moi\/notifications/.test(op.path)) return false;
  return (
    /^\/v1\/(moi|utilisateurs)(\/|$)/.test(op.path) ||
    /\/(membres|rattachements|gestionnaire-principal)(\/|$)/.test(op.path)
  );
}

/**
 * An operation that changes a structure or a marché: a write under /v1/structures or /v1/marches, but the account
 * operations above and the pieces deposited on a marché (they open the fuzz's own dossiers).
 */
export function structureMutation(op: Pick<FuzzOperation, 'method' | 'path'>): boolean {
  if (op.method === 'GET' || op.method === 'HEAD' || op.method === 'OPTIONS') return false;
  if (identityMutation(op) || /^\/v1\/marches\/\{marcheId\}\/pieces/.test(op.path)) return false;
  return /^\/v1\/(structures|marches)(\/|$)/.test(op.path);
}

type OpenApiDocument = {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonSchema>; parameters?: Record<string, OpenApiParameter> };
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The operations of the document, with parameter references resolved. */
export function operationsOf(document: unknown): FuzzOperation[] {
  const doc = document as OpenApiDocument;
  const ops: FuzzOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method] as
        | {
            operationId: string;
            parameters?: ({ $ref: string } | OpenApiParameter)[];
            requestBody?: { content: Record<string, { schema: JsonSchema }> };
            security?: unknown[];
          }
        | undefined;
      if (!op) continue;
      const parameters = (op.parameters ?? []).map((p) =>
        '$ref' in p ? doc.components.parameters?.[p.$ref.split('/').pop() ?? ''] : p,
      );
      ops.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        parameters: parameters.filter((p): p is OpenApiParameter => p !== undefined),
        ...(op.requestBody?.content['application/json']
          ? { body: op.requestBody.content['application/json'].schema }
          : {}),
        authenticated: (op.security?.length ?? 0) > 0,
      });
    }
  }
  return ops;
}

/** Characters a request line cannot carry raw: encoded even when the rest is left as is. */
function looseEncode(value: string): string {
  return value.replace(/[^A-Za-z0-9\-._~%!$&'()*+,;=:@]/g, (c) => encode(c).replace(/%25/g, '%'));
}

/** encodeURIComponent, except that a lone surrogate becomes the (invalid UTF-8) bytes it would have had. */
function encode(value: string): string {
  return value.replace(/[\s\S]/gu, (c) => {
    try {
      return encodeURIComponent(c);
    } catch {
      return '%ED%A0%80';
    }
  });
}

/** Crafted pagination cursors: base64 of JSON lacking keys, of other items' keys, of garbage. */
const CRAFTED_CURSORS: readonly string[] = [
  Buffer.from('{}').toString('base64url'),
  Buffer.from('{"pk":"x"}').toString('base64url'),
  Buffer.from('{"pk":"USER#x","sk":"META"}').toString('base64url'),
  Buffer.from('{"pk":{"S":"x"},"sk":{"N":"1"}}').toString('base64url'),
  Buffer.from('null').toString('base64url'),
  Buffer.from('[1,2,3]').toString('base64url'),
  'eyJ',
  '!!!',
  'A'.repeat(5000),
];

function parameterArbitrary(p: OpenApiParameter, components: Record<string, JsonSchema>, hints: FuzzIdentity['hints']) {
  const extraHints = p.name === 'suivant' || p.name === 'curseur' ? { [p.name]: CRAFTED_CURSORS } : {};
  return validArbitrary(p.schema, components, { ...hints, ...extraHints }, 0, p.name).map(String);
}

function brokenParameter(p: OpenApiParameter, components: Record<string, JsonSchema>): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...HOSTILE_STRINGS),
    invalidArbitrary(p.schema, components).map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))),
  );
}

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8'];
const BAD_CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''];
const RAW_BODIES = ['{', 'null', '[]', '"x"', '', '{"a":1,"a":2}', '\u0000', '{"__proto__":{"admin":true}}'];

/** One request of `op`, valid-ish or broken in one place. */
export function requestArbitrary(
  op: FuzzOperation,
  components: Record<string, JsonSchema>,
  identity: FuzzIdentity,
): fc.Arbitrary<FuzzRequest> {
  const stand =
    identity.throwAway && identityMutation(op)
      ? identity.throwAway
      : identity.throwAwayStructure && structureMutation(op)
        ? identity.throwAwayStructure
        : undefined;
  const who = stand ? { ...identity, tokens: stand.tokens, hints: { ...identity.hints, ...stand.hints } } : identity;
  const logins = Object.keys(who.tokens);
  const kinds: RequestKind[] = ['valide', 'valide', 'parametre', 'en-tete', 'jeton', 'chemin'];
  if (op.body) kinds.push('corps', 'corps');
  const paramsByPlace = (place: OpenApiParameter['in']) => op.parameters.filter((p) => p.in === place);
  const validValues = fc.record(
    Object.fromEntries(
      op.parameters.map((p) => [
        `${p.in}:${p.name}`,
        p.required
          ? parameterArbitrary(p, components, who.hints)
          : fc.option(parameterArbitrary(p, components, who.hints), { nil: undefined }),
      ]),
    ),
  );
  return fc
    .record({
      kind: fc.constantFrom(...kinds),
      values: validValues,
      login: fc.constantFrom(...logins),
      badToken: fc.constantFrom('', ...who.badTokens),
      broken: op.parameters.length
        ? fc
            .constantFrom(...op.parameters)
            .chain((p) => fc.tuple(fc.constant(p), fc.oneof(brokenParameter(p, components), fc.constant(undefined))))
        : fc.constant(undefined),
      body: op.body ? validArbitrary(op.body, components, who.hints) : fc.constant(undefined),
      badBody: op.body
        ? fc.oneof(
            invalidArbitrary(op.body, components).map((v) => JSON.stringify(v) ?? ''),
            fc.constantFrom(...RAW_BODIES),
          )
        : fc.constant(''),
      contentType: fc.constantFrom(...CONTENT_TYPES),
      badContentType: fc.constantFrom(...BAD_CONTENT_TYPES),
      rawPath: fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.length < 200)),
      extraQuery: fc.option(fc.constantFrom('inconnu=1', 'limite=1&limite=2', '%FF=1', 'a%00=b'), { nil: undefined }),
    })
    .map((g) => {
      const values: Record<string, string | undefined> = { ...g.values };
      if (g.kind === 'parametre' && g.broken) values[`${g.broken[0].in}:${g.broken[0].name}`] = g.broken[1];
      let path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
        const v = values[`path:${name}`] ?? '';
        return g.kind === 'parametre' && g.broken?.[0].name === name ? looseEncode(v) : encode(v);
      });
      if (g.kind === 'chemin') {
        const segments = path.split('/');
        const at = 1 + ((g.rawPath.length * 7) % Math.max(1, segments.length - 1));
        segments[at] = looseEncode(g.rawPath);
        path = segments.join('/');
      }
      const query = paramsByPlace('query')
        .flatMap((p) => {
          const v = values[`query:${p.name}`];
          return v === undefined ? [] : [`${encode(p.name)}=${g.kind === 'parametre' ? looseEncode(v) : encode(v)}`];
        })
        .concat(g.kind === 'parametre' && g.extraQuery ? [g.extraQuery] : []);
      const headers: Record<string, string> = {};
      for (const p of paramsByPlace('header')) {
        const v = values[`header:${p.name}`];
        if (v !== undefined) headers[p.name.toLowerCase()] = v;
      }
      let signer = g.login;
      if (g.kind === 'jeton') {
        signer = g.badToken ? 'jeton-invalide' : 'sans-jeton';
        if (g.badToken) headers.authorization = g.badToken;
      } else {
        headers.authorization = `Bearer ${who.tokens[g.login]}`;
      }
      if (g.kind === 'en-tete') {
        // Header values must stay sendable (no control characters, latin-1): hostile but transmissible
        const sendable = (s: string) => s.replace(/[^\x20-\x7e]/g, '?').slice(0, 8000);
        const name = g.broken?.[0].in === 'header' ? g.broken[0].name.toLowerCase() : 'if-match';
        headers[name] = sendable(g.rawPath);
      }
      let body: string | undefined;
      if (op.body) {
        body = g.kind === 'corps' ? g.badBody : JSON.stringify(g.body);
        headers['content-type'] = g.kind === 'corps' && g.rawPath.length % 3 === 0 ? g.badContentType : g.contentType;
        if (headers['content-type'] === '') delete headers['content-type'];
      }
      return {
        operationId: op.operationId,
        kind: g.kind,
        method: op.method,
        url: query.length ? `${path}?${query.join('&')}` : path,
        headers,
        ...(body !== undefined ? { body } : {}),
        who: signer,
      };
    });
}
