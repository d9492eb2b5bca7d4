import * as z from 'zod/mini';

/**
 * zod classic's `.meta(m)` for any schema, classic or mini: a copy of `schema` registered in `z.globalRegistry` with
 * `m` (the OpenAPI builder reads ids and descriptions there; shared/http/openapi.ts), the original left unnamed.
 * Not mini's `.check(z.meta(m))`: that check stays on the schema and registers again every copy a later `.check()`
 * makes, so a named schema refined further would carry the same id twice.
 */
// @__NO_SIDE_EFFECTS__
export function withMeta<T extends z.core.$ZodType>(schema: T, metadata: z.core.GlobalMeta): T {
  const copy = z.clone(schema);
  z.globalRegistry.add(copy, metadata);
  return copy;
}
