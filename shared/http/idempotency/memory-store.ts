import {
  type CompletedRecord,
  type IdempotencyRecord,
  IdempotencyRecordExistsError,
  type IdempotencyStore,
  isLive,
} from '../../adapters/idempotency-records';

/** In-process store with the same semantics as the DynamoDB one (unit tests, benchmarks). */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly records = new Map<string, IdempotencyRecord>();

  private static id(scope: string, key: string): string {
    return `${scope}\u0000${key}`;
  }

  async saveInProgress(record: Omit<IdempotencyRecord, 'status' | 'response'>, now: Date): Promise<void> {
    const id = InMemoryIdempotencyStore.id(record.scope, record.key);
    const existing = this.records.get(id);
    if (existing && isLive(existing, now)) throw new IdempotencyRecordExistsError(record.scope, record.key);
    this.records.set(id, { ...record, status: 'IN_PROGRESS' });
  }

  async saveCompleted(record: CompletedRecord): Promise<void> {
    this.records.set(InMemoryIdempotencyStore.id(record.scope, record.key), {
      ...record,
      status: 'COMPLETED',
      lockExpiresAt: 0,
    });
  }

  async saveCompletedIfAbsent(record: CompletedRecord, now: Date): Promise<void> {
    const existing = await this.get(record.scope, record.key, now);
    if (existing) throw new IdempotencyRecordExistsError(record.scope, record.key);
    await this.saveCompleted(record);
  }

  async get(scope: string, key: string, now: Date): Promise<IdempotencyRecord | undefined> {
    const record = this.records.get(InMemoryIdempotencyStore.id(scope, key));
    return record && isLive(record, now) ? record : undefined;
  }

  async release(scope: string, key: string): Promise<void> {
    const id = InMemoryIdempotencyStore.id(scope, key);
    if (this.records.get(id)?.status === 'IN_PROGRESS') this.records.delete(id);
  }
}
