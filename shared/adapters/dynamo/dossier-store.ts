import { type ChainedEvent, chainAfter } from '../audit';
import { IdempotencyRecordExistsError } from '../idempotency-records';
import { isIdempotencyWrite } from '../idempotency-store';
import { ConditionalCheckFailedException, type DocumentClient, GetCommand, UpdateCommand } from './document-client';
import { DossierIndexes } from './dossier-indexes';
import { DossierPartitionReader } from './dossier-partition';
import { concurrentChange, dossierSaveItems, metaConditionError } from './dossier-save';
import {
  AuditChainMoved,
  type DossierRecord,
  type DossierWrite,
  RecordConflict,
  type SavedDossier,
  TaskTokenChanged,
} from './dossier-types';
import { keys } from './keys';
import { CoWriteConflict } from './piece-co-writes';

export type { DossierPartition } from './dossier-partition';

import { ConditionsFailed, type TransactItem, TransactionRace, transactWrite } from './transactions';

/** How many times a save is sent when concurrent transactions cancel it (TransactionConflict). */
const SAVE_ATTEMPTS = 4;

const defaultBackoff = (attempt: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));

export interface DossierStoreOptions {
  /** Pause before sending again a save a concurrent transaction cancelled (default: a few random milliseconds). */
  readonly backoff?: (attempt: number) => Promise<void>;
}

/**
 * Persistence of a dossier aggregate: its META item (state + version), DGP clock, pending action, audit events and
 * the structures' status counters — always written together in ONE transaction, conditioned on the version read
 * (optimistic locking). Reads are one Query on the dossier partition; nothing here asks Step Functions. The
 * cross-dossier views the saves keep up to date (board, synthèse, DGP clocks) are read through `indexes`, on the same
 * table.
 */
export class DossierStore extends DossierPartitionReader {
  /** The cross-dossier views (« Tableau de bord », « Synthèse », a MOA's open DGP clocks). */
  readonly indexes: DossierIndexes;
  private readonly backoff: (attempt: number) => Promise<void>;

  constructor(client: DocumentClient, table: string, options: DossierStoreOptions = {}) {
    super(client, table);
    this.indexes = new DossierIndexes(client, table);
    this.backoff = options.backoff ?? defaultBackoff;
  }

  /**
   * Writes a transition atomically. Throws DomainError STALE when another writer got there first, `AuditChainMoved`
   * when only the workflow's audit chain moved, `TaskTokenChanged` when the workflow recorded a token meanwhile, and
   * `CoWriteConflict` naming the co-write whose condition failed.
   */
  async save<S, C>(w: DossierWrite<S, C>): Promise<SavedDossier> {
    const version = w.expectedVersion + 1;
    const { chained, seq, hash } = chainAfter(w.events, { seq: w.lastEventSeq, hash: w.lastEventHash });
    const head = { version, seq, hash, now: w.now.toISOString() };
    const saved = { version, events: chained };
    const { items, firstCoWrite } = dossierSaveItems(this.table, w, head, chained);
    if (w.completion) items.push(await w.completion(saved));
    for (let attempt = 1; ; attempt++) {
      try {
        await transactWrite(this.client, items);
        return saved;
      } catch (e) {
        // A concurrent transaction on a shared item (a structure's counter shard) cancelled this one before any
        // condition was evaluated: nothing was written, so the same items are sent again; a concurrent change of
        // this very dossier then fails its version condition instead.
        if (e instanceof TransactionRace && attempt < SAVE_ATTEMPTS) {
          await this.backoff(attempt);
          continue;
        }
        throw await this.saveError(e, w, items, firstCoWrite);
      }
    }
  }

  /** What a failed save means, from the cancellation reasons the transactions module read. */
  private async saveError(e: unknown, w: DossierWrite, items: TransactItem[], firstCoWrite: number): Promise<unknown> {
    if (e instanceof TransactionRace) return concurrentChange();
    if (!(e instanceof ConditionsFailed)) return e;
    // A duplicate of this request (same idempotency key) committed first: its response is the answer
    const completionAt = items.findIndex(isIdempotencyWrite);
    if (completionAt >= 0 && e.at(completionAt)) return new IdempotencyRecordExistsError('transaction', w.dossierId);
    if (e.at(0)) {
      if (w.expectedVersion > 0 && (await this.onlyChainMoved(w))) return new AuditChainMoved();
      return metaConditionError(w.expectedVersion === 0);
    }
    const pendingAt = items.findIndex((it) => (it.Put?.Item ?? it.Delete?.Key)?.sk === 'PENDING');
    if (pendingAt >= 0 && e.at(pendingAt)) return new TaskTokenChanged();
    const failed = e.failedAt.find((i) => i >= firstCoWrite);
    const coWrite = failed === undefined ? undefined : w.coWrites?.[failed - firstCoWrite];
    return coWrite ? new CoWriteConflict(coWrite) : e;
  }

  /**
   * Records the Step Functions task token of the current wait, only if the wait is still the one the workflow is
   * in (same step, same dossier version). Returns false when the dossier has moved on.
   */
  async recordTaskToken(dossierId: string, step: string, dossierVersion: number, taskToken: string): Promise<boolean> {
    return this.conditionalUpdate({
      Key: keys.pendingAction(dossierId),
      UpdateExpression: 'SET taskToken = :t',
      ConditionExpression: 'pending.#step = :step AND pending.dossierVersion = :v',
      ExpressionAttributeNames: { '#step': 'step' },
      ExpressionAttributeValues: { ':t': taskToken, ':step': step, ':v': dossierVersion },
    });
  }

  /**
   * The dossier's current wait when its execution never recorded a task token for it (a lost SendTaskSuccess leaves
   * the execution in an older wait), with the instant of the dossier's last change; undefined when the wait has its
   * token, or there is no wait.
   */
  async waitWithoutToken(dossierId: string): Promise<{ readonly step: string; readonly since: string } | undefined> {
    const get = (key: { pk: string; sk: string }, projection: string) =>
      this.client.send(
        new GetCommand({
          TableName: this.table,
          Key: key,
          ConsistentRead: true,
          ProjectionExpression: projection,
        }),
      );
    const { Item: wait } = await get(keys.pendingAction(dossierId), 'pending, taskToken');
    if (!wait || wait.taskToken) return undefined;
    const { Item: meta } = await get(keys.dossier(dossierId), 'updatedAt');
    const step = (wait.pending as { step?: unknown } | undefined)?.step;
    return { step: typeof step === 'string' ? step : '', since: String(meta?.updatedAt ?? '') };
  }

  /** The META condition failed: true when the version is still the one read (only the audit chain moved on). */
  private async onlyChainMoved(w: DossierWrite<unknown, unknown>): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: keys.dossier(w.dossierId),
        ConsistentRead: true,
        ProjectionExpression: '#v, lastEventSeq',
        ExpressionAttributeNames: { '#v': 'version' },
      }),
    );
    return Item?.version === w.expectedVersion && Item?.lastEventSeq !== w.lastEventSeq;
  }

  /**
   * Appends what the workflow records about a dossier without changing it (a DGP clock view, a transmission, the end
   * of the circuit, a failure): audit events chained after the last one, marks on the META item, the clock's `view`,
   * all in one transaction. Optimistic locking: the dossier must still be at `expectedVersion` (when given) and its
   * audit chain at `lastEventSeq`; `condition` adds the record's own idempotency check on the META item. Throws
   * `RecordConflict` when any condition fails: the caller reads again and decides anew. `version` never changes.
   */
  async appendRecord(w: DossierRecord): Promise<{ events: ChainedEvent[] }> {
    const { chained, seq, hash } = chainAfter(w.events, { seq: w.lastEventSeq, hash: w.lastEventHash });
    const names: Record<string, string> = { '#seq': 'lastEventSeq', '#hash': 'lastEventHash', ...w.condition?.names };
    const values: Record<string, unknown> = { ':seqRead': w.lastEventSeq, ':seq': seq, ':hash': hash };
    Object.assign(values, w.condition?.values);
    const sets = ['#seq = :seq', '#hash = :hash'];
    Object.entries(w.metaSet ?? {}).forEach(([k, v], i) => {
      names[`#m${i}`] = k;
      values[`:m${i}`] = v;
      sets.push(`#m${i} = :m${i}`);
    });
    const conditions = ['attribute_exists(pk)', '#seq = :seqRead'];
    if (w.expectedVersion !== undefined) {
      names['#version'] = 'version';
      values[':version'] = w.expectedVersion;
      conditions.push('#version = :version');
    }
    if (w.condition) conditions.push(`(${w.condition.expression})`);
    const meta = {
      TableName: this.table,
      Key: keys.dossier(w.dossierId),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
    const items: TransactItem[] = [{ Update: meta }];
    for (const e of chained) {
      items.push({
        Put: {
          TableName: this.table,
          Item: { ...keys.event(w.dossierId, e.seq), event: e },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    if (w.clockView) {
      items.push({
        Update: {
          TableName: this.table,
          Key: keys.dgpClock(w.dossierId),
          UpdateExpression: 'SET #view = :view',
          ExpressionAttributeNames: { '#view': 'view' },
          ExpressionAttributeValues: { ':view': w.clockView },
        },
      });
    }
    if (items.length === 1) {
      if (!(await this.conditionalUpdate(meta))) throw new RecordConflict();
      return { events: chained };
    }
    try {
      await transactWrite(this.client, items);
    } catch (e) {
      throw e instanceof ConditionsFailed || e instanceof TransactionRace ? new RecordConflict() : e;
    }
    return { events: chained };
  }

  /**
   * Records the generation of the dossier's next execution (resume), only if it is newer than the one recorded.
   * Returns false when another resume got there first.
   */
  async setExecutionGeneration(dossierId: string, generation: number): Promise<boolean> {
    return this.conditionalUpdate({
      Key: keys.dossier(dossierId),
      UpdateExpression: 'SET executionGeneration = :g',
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(executionGeneration) OR executionGeneration < :g)',
      ExpressionAttributeValues: { ':g': generation },
    });
  }

  /** One conditional Update; false when its condition failed. */
  private async conditionalUpdate(
    input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>,
  ): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand({ ...input, TableName: this.table }));
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }
}
