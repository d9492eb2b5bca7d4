import fc from 'fast-check';

/**
 * fast-check arbitraries from the JSON Schemas (2020-12) of the OpenAPI document: `valid` follows the schema
 * (types, bounds, patterns, enums, required properties), `invalid` breaks it in one place (wrong type, bound
 * exceeded, pattern missed, required property dropped, unknown property added, hostile strings).
 */
export type JsonSchema = { [key: string]: unknown };
type Components = Readonly<Record<string, JsonSchema>>;

/** Strings that have broken parsers and routers elsewhere: encodings, control characters, injections, sizes. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '%FF',
  '%',
  '%E0%A4%A',
  '../../etc/passwd',
  '..%2F..%2F',
  '\u0000',
  'a\u0000b',
  'facture\u202Egnp.pdf',
  'CON.pdf',
  '\uD800',
  '😀'.repeat(20),
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '{"$ne":null}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection probe, sent as is
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '0x10',
  'x'.repeat(70_000),
  'é'.repeat(5_000),
];

const MAX_DEPTH = 6;

function resolve(schema: JsonSchema, components: Components): JsonSchema {
  let current = schema;
  for (let i = 0; i < 20 && typeof current.$ref === 'string'; i++) {
    const name = current.$ref.split('/').pop() ?? '';
    const target = components[name];
    if (!target) return {};
    current = { ...target, ...Object.fromEntries(Object.entries(current).filter(([k]) => k !== '$ref')) };
  }
  return current;
}

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type as string[];
  if (typeof schema.type === 'string') return [schema.type];
  if (schema.properties) return ['object'];
  if (schema.items) return ['array'];
  return [];
}

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? Math.min(schema.maxLength, 400) : 40;
  if (schema.format === 'date') {
    return fc
      .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
  }
  if (schema.format === 'date-time') {
    return fc
      .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString());
  }
  if (typeof schema.pattern === 'string') {
    try {
      const re = new RegExp(schema.pattern);
      const matching = fc.stringMatching(re, { size: 'small' });
      // Only the schema's own bounds (never the default maximum, which a long pattern exceeds)
      return typeof schema.maxLength === 'number' || minLength > 0
        ? matching.filter(
            (s) => s.length >= minLength && s.length <= ((schema.maxLength as number | undefined) ?? Infinity),
          )
        : matching;
    } catch {
      // A pattern JavaScript cannot read: fall through to plain strings
    }
  }
  return fc.string({ minLength, maxLength: Math.max(minLength, maxLength), unit: 'grapheme' });
}

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min =
    typeof schema.minimum === 'number'
      ? schema.minimum
      : typeof schema.exclusiveMinimum === 'number'
        ? schema.exclusiveMinimum + (integer ? 1 : 0.01)
        : -1_000_000_000;
  const max =
    typeof schema.maximum === 'number'
      ? schema.maximum
      : typeof schema.exclusiveMaximum === 'number'
        ? schema.exclusiveMaximum - (integer ? 1 : 0.01)
        : 1_000_000_000_000;
  const lo = Math.max(min, Number.MIN_SAFE_INTEGER);
  const hi = Math.min(max, Number.MAX_SAFE_INTEGER);
  if (integer) return fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) });
  return fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
}

/** Values that follow the schema. `hints` gives known-good values by property name (ids, SIRETs of the data). */
export function validArbitrary(
  schema: JsonSchema,
  components: Components,
  hints: Readonly<Record<string, readonly unknown[]>> = {},
  depth = 0,
  name = '',
): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  const hinted = name && hints[name]?.length ? hints[name] : undefined;
  const plain = plainValid(s, components, hints, depth);
  return hinted
    ? fc.oneof({ arbitrary: fc.constantFrom(...hinted), weight: 2 }, { arbitrary: plain, weight: 1 })
    : plain;
}

function plainValid(
  s: JsonSchema,
  components: Components,
  hints: Readonly<Record<string, readonly unknown[]>>,
  depth: number,
): fc.Arbitrary<unknown> {
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum) && s.enum.length > 0) return fc.constantFrom(...(s.enum as unknown[]));
  const alternatives = (s.oneOf ?? s.anyOf) as JsonSchema[] | undefined;
  if (alternatives?.length) {
    const base = Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'oneOf' && k !== 'anyOf'));
    return fc.oneof(...alternatives.map((a) => validArbitrary({ ...base, ...a }, components, hints, depth + 1)));
  }
  if (Array.isArray(s.allOf) && s.allOf.length > 0) {
    const merged = (s.allOf as JsonSchema[]).reduce<JsonSchema>(
      (acc, part) => mergeObjects(acc, resolve(part, components)),
      {},
    );
    return validArbitrary(merged, components, hints, depth + 1);
  }
  const types = typesOf(s);
  if (types.length === 0) return depth >= MAX_DEPTH ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(...types.map((t) => ofType(t, s, components, hints, depth)));
}

function mergeObjects(a: JsonSchema, b: JsonSchema): JsonSchema {
  return {
    ...a,
    ...b,
    properties: { ...((a.properties as object) ?? {}), ...((b.properties as object) ?? {}) },
    required: [...((a.required as string[]) ?? []), ...((b.required as string[]) ?? [])],
  };
}

function ofType(
  type: string,
  s: JsonSchema,
  components: Components,
  hints: Readonly<Record<string, readonly unknown[]>>,
  depth: number,
): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return stringArbitrary(s);
    case 'integer':
      return numberArbitrary(s, true);
    case 'number':
      return numberArbitrary(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (depth >= MAX_DEPTH) return fc.constant([]);
      const minLength = typeof s.minItems === 'number' ? s.minItems : 0;
      const maxLength = Math.min(typeof s.maxItems === 'number' ? s.maxItems : 4, Math.max(minLength, 4));
      const items = (s.items as JsonSchema | undefined) ?? {};
      return fc.array(validArbitrary(items, components, hints, depth + 1), { minLength, maxLength });
    }
    case 'object': {
      if (depth >= MAX_DEPTH) return fc.constant({});
      const properties = (s.properties as Record<string, JsonSchema> | undefined) ?? {};
      const required = new Set((s.required as string[] | undefined) ?? []);
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, prop] of Object.entries(properties)) {
        model[key] = validArbitrary(prop, components, hints, depth + 1, key);
      }
      const record = fc.record(model, { requiredKeys: [...required].filter((k) => k in model) });
      if (Object.keys(properties).length === 0 && s.additionalProperties && s.additionalProperties !== true) {
        return fc.dictionary(
          fc.string({ minLength: 1, maxLength: 12 }),
          validArbitrary(s.additionalProperties as JsonSchema, components, hints, depth + 1),
          { maxKeys: 3 },
        );
      }
      return record;
    }
    default:
      return fc.constant(null);
  }
}

/** A value of the wrong kind for the schema, or one beyond its bounds. */
function wrongValue(schema: JsonSchema, components: Components): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  const types = typesOf(s);
  const options: fc.Arbitrary<unknown>[] = [
    fc.constantFrom<unknown>(null, true, 0, -1, 1e21, -0.5, '', [], {}, 'x'.repeat(100_000)),
    fc.constantFrom(...HOSTILE_STRINGS),
    fc.jsonValue({ maxDepth: 3 }),
  ];
  if (types.includes('string') && typeof s.maxLength === 'number') {
    options.push(fc.constant('a'.repeat(s.maxLength + 1)));
  }
  if ((types.includes('integer') || types.includes('number')) && typeof s.maximum === 'number') {
    options.push(fc.constant(s.maximum + 1));
  }
  if ((types.includes('integer') || types.includes('number')) && typeof s.minimum === 'number') {
    options.push(fc.constant(s.minimum - 1));
  }
  if (types.includes('array')) {
    options.push(
      fc.constant(Array.from({ length: (typeof s.maxItems === 'number' ? s.maxItems : 1000) + 1 }, () => 1)),
    );
  }
  // Deep nesting: parsers that recurse
  options.push(fc.constant(JSON.parse(`${'['.repeat(2000)}${']'.repeat(2000)}`)));
  return fc.oneof(...options);
}

/** A value that follows the schema except in one place (a path into objects and arrays chosen at random). */
export function invalidArbitrary(schema: JsonSchema, components: Components, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  const types = typesOf(s);
  if (depth < 3 && types.includes('object') && s.properties) {
    const properties = s.properties as Record<string, JsonSchema>;
    const keys = Object.keys(properties);
    const required = (s.required as string[] | undefined) ?? [];
    const valid = validArbitrary(s, components, {}, depth) as fc.Arbitrary<Record<string, unknown>>;
    const breakers: fc.Arbitrary<unknown>[] = [
      wrongValue(s, components),
      // An unknown property
      valid.map((v) => ({ ...v, champInconnu: 'x' })),
    ];
    if (required.length > 0) {
      breakers.push(
        fc.tuple(valid, fc.constantFrom(...required)).map(([v, k]) => {
          const copy = { ...v };
          delete copy[k];
          return copy;
        }),
      );
    }
    if (keys.length > 0) {
      breakers.push(
        fc
          .constantFrom(...keys)
          .chain((k) => fc.tuple(fc.constant(k), valid, invalidArbitrary(properties[k] ?? {}, components, depth + 1)))
          .map(([k, v, bad]) => ({ ...v, [k]: bad })),
      );
    }
    return fc.oneof(...breakers);
  }
  if (depth < 3 && types.includes('array') && s.items) {
    return fc.oneof(
      wrongValue(s, components),
      invalidArbitrary(s.items as JsonSchema, components, depth + 1).map((bad) => [bad]),
    );
  }
  return wrongValue(s, components);
}
