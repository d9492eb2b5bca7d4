/**
 * `/* @__PURE__ *\/ pure(() => z.object({ … }))`: the value built at once, as the bare expression would be, but
 * dropped from a bundle none of whose code uses it. esbuild drops an unused annotated call only when its arguments
 * are free of effects, and a zod/mini schema is calls nested in arguments (`z.optional(z.string())`) that it cannot
 * prove free (it does not follow zod's own `@__NO_SIDE_EFFECTS__` across modules), while a function expression is.
 * Classic zod's method chains did not need it: an annotated call's callee (`z.string().optional`) is not checked.
 */
export function pure<T>(build: () => T): T {
  return build();
}
