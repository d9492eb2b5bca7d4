import { DomainError } from '../../domain/errors';
import type { DocumentClient } from './document-client';
import { ConditionsFailed, type TransactItem, TransactionRace, transactWrite } from './transactions';

/**
 * Transactions whose items carry their own error: the identity and marché stores build `WriteOp`s, and a failed
 * condition comes back as the error of the first item that failed (cancellation reasons read by transactions.ts).
 */
/** One item of a transaction and the error to raise when its condition fails. */
export interface WriteOp {
  readonly item: TransactItem;
  readonly onConditionFailed: () => DomainError;
}

/** DynamoDB's limit of items in one TransactWrite. */
export const MAX_TRANSACTION_ITEMS = 100;

export function staleError(what: string): DomainError {
  return new DomainError(
    'VERSION_PERIMEE',
    `${what} a été modifié(e) entre-temps par une autre action : rechargez et recommencez.`,
    'STALE',
  );
}

/**
 * Commits the writes in ONE TransactWrite. A failed condition raises that item's error; a transaction that
 * collided with another on the same items raises MODIFICATION_CONCURRENTE (STALE). Nothing is written then.
 */
export async function commitWrites(client: DocumentClient, ops: readonly WriteOp[]): Promise<void> {
  if (ops.length === 0) return;
  if (ops.length > MAX_TRANSACTION_ITEMS) {
    throw new DomainError(
      'OPERATION_TROP_VOLUMINEUSE',
      `Cette opération modifierait ${ops.length} éléments à la fois (au plus ${MAX_TRANSACTION_ITEMS}) : contactez l'assistance.`,
      'CONFLICT',
    );
  }
  try {
    await transactWrite(
      client,
      ops.map((o) => o.item),
    );
  } catch (e) {
    throw writeError(e, ops);
  }
}

/** The error of a failed transaction of `ops`, as the transactions module interpreted its cancellation. */
export function writeError(e: unknown, ops: readonly WriteOp[]): unknown {
  const op = e instanceof ConditionsFailed && e.failedAt[0] !== undefined ? ops[e.failedAt[0]] : undefined;
  if (op) return op.onConditionFailed();
  if (e instanceof TransactionRace) {
    return new DomainError(
      'MODIFICATION_CONCURRENTE',
      'Une autre action modifie les mêmes données au même moment : rechargez et recommencez.',
      'STALE',
    );
  }
  return e;
}
