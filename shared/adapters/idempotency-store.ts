import { gunzipSync, gzipSync } from 'node:zlib';
import {
  ConditionalCheckFailedException,
  DeleteCommand,
  type DocumentClient,
  GetCommand,
  PutCommand,
} from './dynamo/document-client';
import { keys, TABLE_KEYS } from './dynamo/keys';
import type { TransactItem } from './dynamo/transactions';
import {
  type CompletedRecord,
  type IdempotencyRecord,
  IdempotencyRecordExistsError,
  type IdempotencyStatus,
  type IdempotencyStore,
  isLive,
  type StoredResponse,
} from './idempotency-records';

/**
 * Idempotency records in the single table (`keys.idempotency(scope, key)`, TTL attribute `ttl`), after Powertools'
 * `DynamoDBPersistenceLayer`: one conditional Put takes the key; it succeeds when no record exists or the existing
 * one is dead (TTL passed — DynamoDB deletes expired items only eventually — or IN_PROGRESS with an expired lock).
 * On a lost condition the record is read back with a consistent Get (rather than ReturnValuesOnConditionCheckFailure,
 * whose item the document client leaves marshalled).
 */
interface Item {
  pk: string;
  sk: string;
  status: IdempotencyStatus;
  payloadHash: string;
  ttl: number;
  lockExpiresAt: number;
  response?: StoredResponse;
  /** The response body gzipped, when it is large (see COMPRESS_FROM); `response` then has no body. */
  bodyGzip?: Uint8Array;
}

/**
 * A DynamoDB item holds at most 400 KB. Our answers are JSON built from bounded inputs and compress ten-fold or
 * better, so a body past 16 KB is kept gzipped: the record stays far under the limit and a replay still returns
 * the exact bytes (a record too big to write used to leave the key IN_PROGRESS, and the retry got a 409).
 */
export const COMPRESS_FROM = 16 * 1024;

/**
 * A write inside a transaction bills 2 units per KB (a plain Put 1): the record a decision's transaction writes is
 * gzipped from 1 KB, so that its response (2–4 KB of JSON, a few hundred bytes gzipped) costs 2 units, not 6 to 8.
 */
export const COMPRESS_IN_TRANSACTION_FROM = 1024;

/** Whether a transaction item is an idempotency record's write (its failed condition: a live record holds the key). */
export function isIdempotencyWrite(item: TransactItem): boolean {
  return String(item.Put?.Item?.pk ?? '').startsWith(IDEMPOTENCY_PK_PREFIX);
}

const IDEMPOTENCY_PK_PREFIX = `${keys.idempotency('scope', 'key').pk.split('#')[0]}#`;

/** The condition of a write that takes the key: no record, or a dead one (TTL passed, or IN_PROGRESS with its lock expired). */
function unlessLive(now: Date) {
  return {
    ConditionExpression: 'attribute_not_exists(#pk) OR #ttl <= :nowS OR (#status = :inProgress AND #lock <= :nowMs)',
    ExpressionAttributeNames: {
      '#pk': TABLE_KEYS.partitionKey,
      '#ttl': TABLE_KEYS.ttlAttribute,
      '#status': 'status',
      '#lock': 'lockExpiresAt',
    },
    ExpressionAttributeValues: {
      ':nowS': Math.floor(now.getTime() / 1000),
      ':nowMs': now.getTime(),
      ':inProgress': 'IN_PROGRESS',
    },
  };
}

function completedItem(record: CompletedRecord, compressFrom = COMPRESS_FROM): Item {
  const { body, ...head } = record.response;
  const large = body !== undefined && Buffer.byteLength(body) > compressFrom;
  return {
    ...keys.idempotency(record.scope, record.key),
    status: 'COMPLETED',
    payloadHash: record.payloadHash,
    [TABLE_KEYS.ttlAttribute]: record.expiresAt,
    lockExpiresAt: 0,
    response: large ? head : record.response,
    ...(large ? { bodyGzip: gzipSync(body) } : {}),
  };
}

export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly client: () => DocumentClient,
    private readonly table: () => string,
  ) {}

  async saveInProgress(record: Omit<IdempotencyRecord, 'status' | 'response'>, now: Date): Promise<void> {
    const item: Item = {
      ...keys.idempotency(record.scope, record.key),
      status: 'IN_PROGRESS',
      payloadHash: record.payloadHash,
      [TABLE_KEYS.ttlAttribute]: record.expiresAt,
      lockExpiresAt: record.lockExpiresAt,
    };
    await this.putUnlessLive(item, record, now);
  }

  async saveCompleted(record: CompletedRecord): Promise<void> {
    await this.client().send(new PutCommand({ TableName: this.table(), Item: completedItem(record) }));
  }

  async saveCompletedIfAbsent(record: CompletedRecord, now: Date): Promise<void> {
    await this.putUnlessLive(completedItem(record), record, now);
  }

  /** The COMPLETED record as a Put of the decision's own transaction, on the condition that no live record exists. */
  readonly completedWrite = (record: CompletedRecord, now: Date): TransactItem => ({
    Put: { TableName: this.table(), Item: completedItem(record, COMPRESS_IN_TRANSACTION_FROM), ...unlessLive(now) },
  });

  /** One conditional Put: succeeds when no record exists or the existing one is dead. */
  private async putUnlessLive(item: Item, record: { scope: string; key: string }, now: Date): Promise<void> {
    try {
      await this.client().send(new PutCommand({ TableName: this.table(), Item: item, ...unlessLive(now) }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new IdempotencyRecordExistsError(record.scope, record.key);
      throw error;
    }
  }

  async get(scope: string, key: string, now: Date): Promise<IdempotencyRecord | undefined> {
    const out = await this.client().send(
      new GetCommand({ TableName: this.table(), Key: keys.idempotency(scope, key), ConsistentRead: true }),
    );
    const item = out.Item as Item | undefined;
    if (!item) return undefined;
    const record: IdempotencyRecord = {
      scope,
      key,
      status: item.status,
      payloadHash: item.payloadHash,
      expiresAt: Number(item[TABLE_KEYS.ttlAttribute]),
      lockExpiresAt: Number(item.lockExpiresAt ?? 0),
      ...(item.response
        ? {
            response: item.bodyGzip
              ? { ...item.response, body: gunzipSync(item.bodyGzip).toString('utf8') }
              : item.response,
          }
        : {}),
    };
    return isLive(record, now) ? record : undefined;
  }

  async release(scope: string, key: string): Promise<void> {
    try {
      await this.client().send(
        new DeleteCommand({
          TableName: this.table(),
          Key: keys.idempotency(scope, key),
          ConditionExpression: '#status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS' },
        }),
      );
    } catch (error) {
      // Already gone, or completed meanwhile: nothing to release.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
