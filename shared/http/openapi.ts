import * as z from 'zod/mini';
import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENT_REPLAYED_HEADER } from './middlewares/idempotency';
import { PROBLEM_CONTENT_TYPE, problemSchema } from './problem';
import { checkOperation, operations, pathParameterNames } from './registry';
import type { ObjectSchema, OperationDescription } from './types';

/**
 * The OpenAPI 3.1 document of the API, built from the registered operations' zod schemas (zod 4
 * `z.toJSONSchema`, JSON Schema 2020-12, which is OpenAPI 3.1's dialect). Request schemas are rendered as their
 * input (what clients send), response schemas as their output. Schemas with a zod `id` (`.meta({ id })`) become
 * named components, so generated clients get named types; the rest is inlined. Every operation also lists the
 * problem responses the chain may produce (see shared/http/handler.ts).
 */
export type JsonObject = { [key: string]: unknown };

export interface OpenApiOptions {
  readonly title?: string;
  readonly version?: string;
  readonly description?: string;
  readonly servers?: readonly { url: string; description?: string }[];
}

const SCHEMA_REF = '#/components/schemas/';

const PROBLEM_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Requête mal formée : JSON illisible, en-tête If-Match ou Idempotency-Key invalide, paramètre de requête inconnu.',
  401: 'Jeton d’accès absent ou invalide.',
  403: 'Action non autorisée pour cet utilisateur.',
  404: 'Ressource introuvable.',
  409: 'Conflit : l’état ne permet pas l’action, doublon, ou requête de même clé d’idempotence encore en cours.',
  412: 'La version envoyée dans If-Match n’est plus la version actuelle : relisez la ressource.',
  415: 'Le corps de la requête doit être en application/json.',
  422: 'Données invalides (voir « fields »), ou clé d’idempotence déjà utilisée pour une autre requête.',
  428: 'En-tête obligatoire absent : If-Match ou Idempotency-Key.',
  500: 'Erreur interne : réessayez plus tard.',
  503: 'Stockage momentanément saturé, rien n’a été enregistré : réessayez après Retry-After avec la même clé d’idempotence.',
};

const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The problem statuses the chain can answer for an operation, whatever its handler does. */
export function problemStatuses(op: OperationDescription): number[] {
  const statuses = new Set<number>([400, 500, 503]);
  const hasInput = op.body || op.query || op.params || op.headers;
  if (op.auth === 'user') statuses.add(401).add(403);
  if (pathParameterNames(op.path).length > 0) statuses.add(404);
  if (op.body) statuses.add(415);
  if (hasInput) statuses.add(422);
  if (op.idempotent) statuses.add(409).add(422).add(428);
  if (op.requiresIfMatch) statuses.add(412).add(428);
  for (const s of Object.keys(op.responses).map(Number)) if (s >= 400) statuses.add(s);
  return [...statuses].sort((a, b) => a - b);
}

/**
 * Output objects: zod marks plain `z.object` outputs `additionalProperties: false`; a client must tolerate new
 * response fields, and the input rendering of the same object says nothing either, so drop it (strict objects
 * keep theirs). That way one named schema usually renders the same in requests and responses.
 */
function lenientOutputObjects(ctx: { zodSchema: z.core.$ZodTypes; jsonSchema: z.core.JSONSchema.BaseSchema }): void {
  const def = ctx.zodSchema._zod.def as { type: string; catchall?: unknown };
  if (def.type === 'object' && def.catchall === undefined && ctx.jsonSchema.additionalProperties === false) {
    delete ctx.jsonSchema.additionalProperties;
  }
}

/** Variant name of a named schema whose request form differs from its response form (a transform inside). */
const INPUT_SUFFIX = 'Entree';

class SchemaCollector {
  readonly components: Record<string, JsonObject> = {};

  /** A zod schema as an inline JSON Schema whose named parts are hoisted into components. */
  convert(schema: z.core.$ZodType, io: 'input' | 'output', context: string): JsonObject {
    const raw = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      cycles: 'ref',
      ...(io === 'output' ? { override: lenientOutputObjects } : {}),
    }) as JsonObject;
    const { $schema: _dialect, $defs, ...root } = raw;
    const defs = ($defs ?? {}) as Record<string, JsonObject>;
    const renames = new Map<string, string>();
    for (const name of Object.keys(defs)) {
      // Anonymous recursive parts get zod's positional names (__schema0): qualify them by their operation.
      renames.set(name, /^__schema\d+$/.test(name) ? `${context}${name.replace(/^__schema/, 'Partie')}` : name);
    }
    let selfReferent = false;
    const rewrite = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(rewrite);
      if (!node || typeof node !== 'object') return node;
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(node)) {
        if (k !== '$ref' || typeof v !== 'string') out[k] = rewrite(v);
        else if (v === '#') {
          selfReferent = true;
          out[k] = `${SCHEMA_REF}${context}`;
        } else if (v.startsWith('#/$defs/')) out[k] = `${SCHEMA_REF}${renames.get(v.slice(8)) ?? v.slice(8)}`;
        else out[k] = v;
      }
      return out;
    };
    // A request form that differs from the response form already collected gets its own name; renaming one part
    // changes the parts that refer to it, hence the loop (bounded by the number of parts).
    let rendered: [string, JsonObject][] = [];
    for (let round = 0; round <= Object.keys(defs).length; round++) {
      rendered = Object.entries(defs).map(([name, def]) => [renames.get(name)!, rewrite(def) as JsonObject]);
      const clashing = rendered.filter(([name, json]) => this.clashes(name, json));
      if (clashing.length === 0 || io === 'output') break;
      for (const [original, current] of renames) {
        if (clashing.some(([name]) => name === current) && !current.endsWith(INPUT_SUFFIX)) {
          renames.set(original, `${current}${INPUT_SUFFIX}`);
        }
      }
    }
    for (const [name, json] of rendered) this.add(name, json);
    const converted = rewrite(root) as JsonObject;
    if (selfReferent) {
      // The root refers to itself: it must be a component to be referable.
      this.add(context, converted);
      return { $ref: `${SCHEMA_REF}${context}` };
    }
    return converted;
  }

  private clashes(name: string, schema: JsonObject): boolean {
    const existing = this.components[name];
    return existing !== undefined && JSON.stringify(existing) !== JSON.stringify(schema);
  }

  private add(name: string, schema: JsonObject): void {
    if (this.clashes(name, schema)) {
      throw new Error(`OpenAPI: two different schemas are named ${name}: give them different zod ids`);
    }
    this.components[name] = schema;
  }
}

function pascal(operationId: string): string {
  return operationId.charAt(0).toUpperCase() + operationId.slice(1);
}

function parametersOf(
  schema: ObjectSchema | undefined,
  location: 'path' | 'query' | 'header',
  collector: SchemaCollector,
  context: string,
): JsonObject[] {
  if (!schema) return [];
  const json = collector.convert(schema, 'input', context);
  const properties = (json.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, propertySchema]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    ...(typeof propertySchema.description === 'string' ? { description: propertySchema.description } : {}),
    schema: propertySchema,
  }));
}

function operationObject(op: OperationDescription, collector: SchemaCollector): JsonObject {
  const name = pascal(op.operationId);
  const parameters: JsonObject[] = [
    ...parametersOf(op.params, 'path', collector, `${name}Chemin`),
    ...parametersOf(op.query, 'query', collector, `${name}Requete`),
    ...parametersOf(op.headers, 'header', collector, `${name}EnTetes`),
    ...(op.idempotent ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
    ...(op.requiresIfMatch ? [{ $ref: '#/components/parameters/IfMatch' }] : []),
  ];
  const responses: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(op.responses)) {
    if (Number(status) >= 400) continue;
    const headers: Record<string, unknown> = {};
    for (const [header, description] of Object.entries(spec.headers ?? {})) {
      headers[header] = { description, schema: { type: 'string' } };
    }
    if (op.idempotent) headers[IDEMPOTENT_REPLAYED_HEADER] = { $ref: '#/components/headers/IdempotentReplayed' };
    responses[status] = {
      description: spec.description,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      ...(spec.contentType && !spec.schema
        ? { content: { [spec.contentType]: { schema: { type: 'string', format: 'binary' } } } }
        : {}),
      ...(spec.schema
        ? {
            content: {
              [spec.contentType ?? 'application/json']: {
                schema: collector.convert(spec.schema, 'output', `${name}Reponse${status}`),
              },
            },
          }
        : {}),
    };
  }
  for (const status of problemStatuses(op)) {
    const own = op.responses[status];
    responses[String(status)] = own
      ? {
          description: own.description,
          content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: `${SCHEMA_REF}Problem` } } },
        }
      : { $ref: `#/components/responses/Probleme${status}` };
  }
  const body = op.body;
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.tags && op.tags.length > 0 ? { tags: [...op.tags] } : {}),
    security: op.auth === 'user' ? [{ jwt: [] }] : [],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: !z.safeParse(body, undefined).success,
            content: { 'application/json': { schema: collector.convert(body, 'input', `${name}Corps`) } },
          },
        }
      : {}),
    responses,
  };
}

export function buildOpenApi(
  ops: readonly OperationDescription[] = operations(),
  options: OpenApiOptions = {},
): JsonObject {
  const collector = new SchemaCollector();
  const problem = collector.convert(problemSchema, 'output', 'Problem');
  const ids = new Map<string, OperationDescription>();
  const paths: Record<string, Record<string, unknown>> = {};
  const sorted = [...ops].sort(
    (a, b) => a.path.localeCompare(b.path) || METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method),
  );
  // Response forms first, so that they own the plain names and request forms that differ get the suffix.
  for (const op of sorted) {
    for (const [status, spec] of Object.entries(op.responses)) {
      if (spec.schema && Number(status) < 400)
        collector.convert(spec.schema, 'output', `${pascal(op.operationId)}Reponse${status}`);
    }
  }
  for (const op of sorted) {
    checkOperation(op);
    const other = ids.get(op.operationId);
    if (other)
      throw new Error(
        `OpenAPI: operationId ${op.operationId} used by ${other.method} ${other.path} and ${op.method} ${op.path}`,
      );
    ids.set(op.operationId, op);
    const item = paths[op.path] ?? {};
    paths[op.path] = item;
    if (item[op.method.toLowerCase()]) throw new Error(`OpenAPI: ${op.method} ${op.path} defined twice`);
    item[op.method.toLowerCase()] = operationObject(op, collector);
  }
  const statuses = [...new Set(sorted.flatMap(problemStatuses))].sort((a, b) => a - b);
  const problemResponses: Record<string, unknown> = {};
  for (const status of statuses) {
    problemResponses[`Probleme${status}`] = {
      description: PROBLEM_DESCRIPTIONS[status] ?? 'Problème.',
      content: { [PROBLEM_CONTENT_TYPE]: { schema: problem } },
    };
  }
  const tags = [...new Set(sorted.flatMap((op) => op.tags ?? []))].sort();
  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'Factures de travaux',
      version: options.version ?? '0.1.0',
      description:
        options.description ??
        'API de dépôt et de traitement des pièces de marchés publics de travaux (CCAG Travaux). Erreurs au format RFC 9457 (application/problem+json) ; montants en chaînes décimales ("1234.56") ; dates AAAA-MM-JJ.',
    },
    servers: options.servers
      ? options.servers.map((s) => ({ ...s }))
      : [{ url: '/', description: 'Même origine que ce document' }],
    ...(tags.length > 0 ? { tags: tags.map((name) => ({ name })) } : {}),
    paths,
    components: {
      schemas: collector.components,
      responses: problemResponses,
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: true,
          description:
            'Clé unique par opération (un UUID par exemple), réutilisée telle quelle en cas de nouvel essai : la première réponse est alors renvoyée sans refaire l’opération (24 heures).',
          schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source },
        },
        IfMatch: {
          name: 'If-Match',
          in: 'header',
          required: true,
          description:
            'Version lue (valeur de l’ETag), par exemple "3" : la modification est refusée (412) si elle a changé.',
          schema: { type: 'string', pattern: '^(W/)?"\\d+"$' },
        },
      },
      headers: {
        IdempotentReplayed: {
          description: 'Présent (true) quand la réponse est celle, rejouée, d’une requête antérieure de même clé.',
          schema: { type: 'string', enum: ['true'] },
        },
      },
      securitySchemes: {
        jwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Jeton d’accès OIDC (Cognito par défaut) ; localement, celui qu’émet la plateforme embarquée.',
        },
      },
    },
  };
}
