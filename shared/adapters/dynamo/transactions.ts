import {
  type DocumentClient,
  TransactionCanceledException,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from './document-client';

/**
 * DynamoDB transactions, their cancellation reasons read in one place: a transaction cancelled by a concurrent one
 * is a `TransactionRace` (worth retrying, or a lost optimistic lock for the caller), one whose conditions failed is a
 * `ConditionsFailed` naming the items that failed (by position in the transaction the store built).
 */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Cancelled by a concurrent transaction on the same items, before any condition was evaluated. */
export class TransactionRace extends Error {
  override readonly name = 'TransactionRace';
}

/** Conditions of these items (positions in the transaction) failed. */
export class ConditionsFailed extends Error {
  override readonly name = 'ConditionsFailed';
  constructor(readonly failedAt: readonly number[]) {
    super(`transaction items ${failedAt.join(', ')} failed their condition`);
  }

  at(index: number): boolean {
    return this.failedAt.includes(index);
  }
}

/** The cancellation reasons of a failed transaction, as one of the errors above; other errors unchanged. */
export function interpretCancellation(e: unknown): unknown {
  if ((e as { name?: string })?.name === 'TransactionConflictException') return new TransactionRace();
  if (!(e instanceof TransactionCanceledException)) return e;
  const reasons = (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
  // A failed condition says more than a race (retrying would fail it again)
  const failedAt = reasons.flatMap((r, i) => (r === 'ConditionalCheckFailed' ? [i] : []));
  if (failedAt.length > 0) return new ConditionsFailed(failedAt);
  return reasons.includes('TransactionConflict') ? new TransactionRace() : e;
}

export async function transactWrite(client: DocumentClient, items: readonly TransactItem[]): Promise<void> {
  try {
    await client.send(new TransactWriteCommand({ TransactItems: [...items] }));
  } catch (e) {
    throw interpretCancellation(e);
  }
}
