import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../functions/catalog';

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};

/**
 * Every string and array a client sends has a bound in the API's own document: a maxLength (or a pattern, enum,
 * format or constant, which bound it by their grammar) and a maxItems. The fuzzer and the clients read the same
 * document; an unbounded field let a 1 MB SIRET through to the rule book, whose refusal echoed it.
 */
function unbounded(doc: Record<string, unknown>): string[] {
  const components = ((doc.components as Record<string, unknown>)?.schemas ?? {}) as Record<string, Schema>;
  const found = new Set<string>();
  const walk = (input: Schema | undefined, where: string, seen: Set<Schema>) => {
    const s = input?.$ref ? components[input.$ref.split('/').pop() as string] : input;
    if (!s || seen.has(s)) return;
    seen.add(s);
    const types = Array.isArray(s.type) ? s.type : [s.type];
    const grammar = s.enum !== undefined || s.const !== undefined || s.pattern !== undefined || s.format !== undefined;
    if (types.includes('string') && s.maxLength === undefined && !grammar) found.add(where);
    if (types.includes('array') && s.maxItems === undefined) found.add(`${where}[]`);
    for (const [name, p] of Object.entries(s.properties ?? {})) walk(p, `${where}.${name}`, seen);
    if (s.items) walk(s.items, `${where}[]`, seen);
    if (typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${where}.*`, seen);
    for (const list of [s.anyOf, s.oneOf, s.allOf]) for (const sub of list ?? []) walk(sub, where, seen);
  };
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>)) {
    for (const [method, op] of Object.entries(ops)) {
      const at = `${method.toUpperCase()} ${path}`;
      const body = (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content;
      for (const media of Object.values(body ?? {})) walk(media.schema, `${at} body`, new Set());
      for (const p of (op.parameters ?? []) as { in: string; name: string; schema: Schema }[]) {
        walk(p.schema, `${at} ${p.in}.${p.name}`, new Set());
      }
    }
  }
  return [...found];
}

describe('bounded inputs', () => {
  it('bounds every string and every array of every request in the OpenAPI document', () => {
    expect(unbounded(openApiDocument())).toEqual([]);
  });

  it('finds an unbounded field (the check itself)', () => {
    const doc = {
      paths: {
        '/x': {
          post: {
            requestBody: {
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      ok: { type: 'string', maxLength: 10 },
                      code: { type: 'string', pattern: '^\\d+$' },
                      libre: { type: 'string' },
                      liste: { type: 'array', items: { $ref: '#/components/schemas/L' } },
                    },
                  },
                },
              },
            },
          },
        },
      },
      components: { schemas: { L: { type: 'object', properties: { nom: { type: 'string' } } } } },
    };
    expect(unbounded(doc).sort()).toEqual(['POST /x body.libre', 'POST /x body.liste[]', 'POST /x body.liste[].nom']);
  });
});
