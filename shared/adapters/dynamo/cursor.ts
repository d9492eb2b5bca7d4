import { DomainError } from '../../domain/errors';

/**
 * Opaque continuation cursors for paginated Queries: the base64url JSON of DynamoDB's LastEvaluatedKey. A cursor
 * comes back from the client, so it is validated completely before it reaches DynamoDB: exactly the key attributes
 * of the table and of the index queried, every one a bounded string, the partition the one being listed and the
 * sort key under the listed prefix. A cursor short of a key attribute used to reach DynamoDB and fail there
 * (ValidationException, a 500); a cursor for another partition would list someone else's items.
 */
export interface CursorShape {
  /** Every attribute of the key, table's and index's (e.g. pk, sk, gsi2pk, gsi2sk). */
  readonly attributes: readonly string[];
  /** The partition being listed: the cursor must stay in it. */
  readonly partition: { readonly name: string; readonly value: string };
  /** The listed sort-key prefix (`begins_with`), if any. */
  readonly sortPrefix?: { readonly name: string; readonly value: string };
}

/** A key attribute is an id-sized string; a cursor is a handful of them. */
const MAX_ATTRIBUTE_LENGTH = 1024;
export const MAX_CURSOR_LENGTH = 4096;

export type CursorKey = Record<string, string>;

export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function invalidCursor(path = 'query.suivant'): DomainError {
  return new DomainError(
    'CURSEUR_INVALIDE',
    'Valeur de « suivant » invalide : reprenez la liste depuis le début (sans « suivant »), puis utilisez la valeur rendue telle quelle.',
    'INVALID',
    [{ path, message: 'Curseur invalide.' }],
  );
}

export function decodeCursor(cursor: string, shape: CursorShape, path?: string): CursorKey {
  const invalid = () => invalidCursor(path);
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!key || typeof key !== 'object' || Array.isArray(key)) throw invalid();
  const entries = Object.entries(key as Record<string, unknown>);
  if (entries.length !== shape.attributes.length) throw invalid();
  for (const name of shape.attributes) {
    const value = (key as Record<string, unknown>)[name];
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ATTRIBUTE_LENGTH) throw invalid();
  }
  const k = key as CursorKey;
  if (k[shape.partition.name] !== shape.partition.value) throw invalid();
  if (shape.sortPrefix && !k[shape.sortPrefix.name]?.startsWith(shape.sortPrefix.value)) throw invalid();
  return k;
}
