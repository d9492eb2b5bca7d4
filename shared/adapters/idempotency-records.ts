/**
 * Persistence of idempotency records, behind an interface in the spirit of Powertools' `BasePersistenceLayer`
 * (packages/idempotency of powertools-lambda-typescript). We do not use @aws-lambda-powertools/idempotency
 * itself: it is not installed, and its records store a function's return value, whereas we must store and replay
 * an HTTP response (status, headers, body) keyed per user and operation.
 *
 * Implementations: `DynamoIdempotencyStore` (shared/adapters/idempotency-store.ts) and `InMemoryIdempotencyStore`.
 */
import type { TransactItem } from './dynamo/transactions';

export type IdempotencyStatus = 'IN_PROGRESS' | 'COMPLETED';

export interface StoredResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface IdempotencyRecord {
  readonly scope: string;
  readonly key: string;
  readonly status: IdempotencyStatus;
  /** SHA-256 (hex) of method, path and body of the first request. */
  readonly payloadHash: string;
  /** Epoch seconds after which the record is dead (DynamoDB TTL attribute). */
  readonly expiresAt: number;
  /** Epoch milliseconds after which an IN_PROGRESS record may be taken over (its Lambda died). */
  readonly lockExpiresAt: number;
  readonly response?: StoredResponse;
}

/** A record once the request is answered: the response to replay. */
export type CompletedRecord = Omit<IdempotencyRecord, 'status' | 'lockExpiresAt'> & {
  readonly response: StoredResponse;
};

/** `saveInProgress` or a conditional completed write lost: a live record already holds this key. */
export class IdempotencyRecordExistsError extends Error {
  override readonly name = 'IdempotencyRecordExistsError';
  constructor(
    readonly scope: string,
    readonly key: string,
  ) {
    super(`idempotency record exists: ${scope} ${key}`);
  }
}

export interface IdempotencyStore {
  /**
   * Creates the IN_PROGRESS record unless a live one exists (atomic: a conditional write). A record is dead when
   * `expiresAt` has passed, or when it is IN_PROGRESS and `lockExpiresAt` has passed; a dead record is replaced.
   * @throws IdempotencyRecordExistsError when a live record holds the key.
   */
  saveInProgress(record: Omit<IdempotencyRecord, 'status' | 'response'>, now: Date): Promise<void>;
  /** Marks the record COMPLETED with the response to replay. */
  saveCompleted(record: CompletedRecord): Promise<void>;
  /**
   * Writes the COMPLETED record unless a live one holds the key (a request that took no IN_PROGRESS record).
   * @throws IdempotencyRecordExistsError when a live record holds the key.
   */
  saveCompletedIfAbsent(record: CompletedRecord, now: Date): Promise<void>;
  /**
   * The same conditional write as an item of the request's own DynamoDB transaction, for the stores that can: the
   * record then exists if and only if the decision does. A store that cannot has no such method.
   */
  readonly completedWrite?: (record: CompletedRecord, now: Date) => TransactItem;
  /** The live record, if any (consistent read). */
  get(scope: string, key: string, now: Date): Promise<IdempotencyRecord | undefined>;
  /** Removes an IN_PROGRESS record so that the client may retry (a COMPLETED one is kept). */
  release(scope: string, key: string): Promise<void>;
}

/** A record is live until its TTL, and an IN_PROGRESS one only until its lock expires. */
export function isLive(record: IdempotencyRecord, now: Date): boolean {
  if (record.expiresAt * 1000 <= now.getTime()) return false;
  return record.status === 'COMPLETED' || record.lockExpiresAt > now.getTime();
}
