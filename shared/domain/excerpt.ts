/**
 * A refusal quotes what it refuses so that the user finds it, but never more than a short excerpt: a 1 MB field
 * must not come back twice in a 2 MB answer (nor fill the logs, nor the idempotency record that keeps the answer).
 */
export const EXCERPT_MAX = 40;

/** `value` itself when short; else its first characters, an ellipsis and its length. Control characters shown as `�`. */
export function excerpt(value: string, max = EXCERPT_MAX): string {
  const visible = (s: string) => s.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, '\uFFFD');
  const chars = [...value];
  if (chars.length <= max) return visible(value);
  return `${visible(chars.slice(0, max).join(''))}… (${chars.length} caractères)`;
}
