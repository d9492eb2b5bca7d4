/**
 * Every refusal of a rule is a `DomainError`: a stable `code` (tests and clients rely on it), a French message
 * that says what is wrong and how to fix it, and the offending fields. The HTTP layer maps `kind` to a status.
 */
export type DomainErrorKind =
  | 'INVALID' // bad input → 422
  | 'FORBIDDEN' // actor may not do this → 403
  | 'NOT_FOUND' // → 404
  | 'CONFLICT' // state does not allow it, duplicate → 409
  | 'STALE'; // optimistic lock lost → 412

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'INVALID',
    readonly fields: readonly FieldIssue[] = [],
  ) {
    super(message);
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

/** Result type for validators that must report every fault, not only the first. */
export type Validation<T> = { ok: true; value: T } | { ok: false; error: DomainError };
