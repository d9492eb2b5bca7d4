import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../../domain/errors';
import { type AuditEvent, type ChainedEvent, chainEvent, GENESIS_HASH } from '../audit';
import { gsi1, gsi2, keys } from './keys';
import { OPEN_DOSSIERS_PARTITION } from './open-dossiers';
import { CoWriteConflict, type PieceCoWrite, pieceCoWriteItem } from './piece-co-writes';

/**
 * Persistence of a dossier aggregate: its META item (state + version), DGP clock, pending action, audit events and
 * the structures' status counters — always written together in ONE transaction, conditioned on the version read
 * (optimistic locking). Reads are one Query on the dossier partition; nothing here asks Step Functions.
 */

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface StoredPending {
  readonly step: string;
  readonly actorSiret: string;
  readonly deadlineAt: string;
  readonly taskToken?: string;
  readonly [key: string]: unknown;
}

/**
 * What the dossier's Step Functions execution has recorded on the META item, outside the dossier's versioned state
 * (these marks never change `version`, so that a user's If-Match stays valid while the workflow works).
 */
export interface WorkflowMarks {
  /** Generation of the current execution: 0 for the first, +1 for each resume (`executionName`). */
  readonly generation: number;
  /** What was last transmitted to the service financier (piece, status, addressee). */
  readonly transmittedFor?: string;
  /** When the workflow recorded the end of the circuit. */
  readonly closedAt?: string;
  /** The last execution that ended in failure. */
  readonly failure?: { readonly execution: string; readonly at: string; readonly error: string };
}

/** The DGP clock as the workflow last recorded it (CLOCK item, attribute `view`). */
export interface RecordedClockView {
  readonly forVersion: number;
  readonly [key: string]: unknown;
}

export interface DossierSnapshot<S = unknown, C = unknown> {
  readonly dossierId: string;
  readonly version: number;
  readonly marcheId: string;
  readonly status: string;
  readonly open: boolean;
  readonly state: S;
  readonly clock?: C;
  readonly pending?: StoredPending;
  readonly events: ChainedEvent[];
  readonly pieces: Record<string, unknown>[];
  readonly files: Record<string, unknown>[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastEventSeq: number;
  readonly lastEventHash: string;
  readonly workflow: WorkflowMarks;
  readonly clockRecord?: RecordedClockView;
}

export interface DossierWrite<S = unknown, C = unknown> {
  readonly dossierId: string;
  readonly marcheId: string;
  /** The version read; `0` creates the dossier (fails if it exists). */
  readonly expectedVersion: number;
  readonly status: string;
  readonly open: boolean;
  readonly state: S;
  /** Structures that see this dossier in their "Tableau de bord". */
  readonly structures: readonly string[];
  readonly previousStatus?: string;
  readonly clock?: {
    readonly value: C;
    readonly moaSiret: string;
    readonly echeance?: string;
    readonly open: boolean;
    /** Base of late interest kept beside the clock, so that the MOA's Délais view computes it from its index alone. */
    readonly interestBase?: { readonly amountDueCents: number; readonly retenueGarantieCents: number };
  };
  /** `null` removes the pending action; `undefined` leaves it untouched. */
  readonly pending?: StoredPending | null;
  /**
   * The task token seen on the pending action when the dossier was read (`null`: none). Replacing the pending action
   * is conditioned on it, so that a token recorded by the workflow in between is never silently dropped.
   */
  readonly expectedTaskToken?: string | null;
  /** The pending action read with the dossier, to remove the index entries of structures no longer concerned. */
  readonly previousPending?: StoredPending;
  readonly events: readonly AuditEvent[] | readonly Omit<AuditEvent, 'seq'>[];
  readonly lastEventSeq: number;
  readonly lastEventHash: string;
  /** Written in the same transaction: a piece sent with this change, its unused upload forms cancelled. */
  readonly coWrites?: readonly PieceCoWrite[];
  /** Notification outbox entries and the wait's reminder (issue 13): unconditional, written with the dossier. */
  readonly notificationItems?: readonly TransactItem[];
  readonly now: Date;
}

export class DossierStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async load<S, C>(dossierId: string): Promise<DossierSnapshot<S, C> | undefined> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.dossier(dossierId).pk },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      items.push(...((page.Items ?? []) as Record<string, unknown>[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const meta = items.find((i) => i.sk === 'META');
    if (!meta) return undefined;
    const clockItem = items.find((i) => i.sk === 'CLOCK');
    const pendingItem = items.find((i) => i.sk === 'PENDING');
    return {
      dossierId,
      version: meta.version as number,
      marcheId: meta.marcheId as string,
      status: meta.status as string,
      open: meta.open as boolean,
      state: meta.state as S,
      clock: clockItem?.clock as C | undefined,
      pending: pendingItem
        ? ({
            ...(pendingItem.pending as StoredPending),
            taskToken: pendingItem.taskToken as string | undefined,
          } as StoredPending)
        : undefined,
      events: items.filter((i) => String(i.sk).startsWith('EVENT#')).map((i) => i.event as ChainedEvent),
      pieces: items.filter((i) => String(i.sk).startsWith('PIECE#')),
      files: items.filter((i) => String(i.sk).startsWith('FILE#')),
      createdAt: meta.createdAt as string,
      updatedAt: meta.updatedAt as string,
      lastEventSeq: (meta.lastEventSeq as number) ?? 0,
      lastEventHash: (meta.lastEventHash as string) ?? GENESIS_HASH,
      workflow: {
        generation: (meta.executionGeneration as number | undefined) ?? 0,
        transmittedFor: meta.transmittedFor as string | undefined,
        closedAt: meta.workflowClosedAt as string | undefined,
        failure: meta.workflowFailure as WorkflowMarks['failure'],
      },
      clockRecord: clockItem?.view as RecordedClockView | undefined,
    };
  }

  /** Writes a transition atomically. Throws DomainError STALE when another writer got there first. */
  async save<S, C>(w: DossierWrite<S, C>): Promise<{ version: number; events: ChainedEvent[] }> {
    const now = w.now.toISOString();
    const version = w.expectedVersion + 1;
    let prevHash = w.lastEventHash;
    let seq = w.lastEventSeq;
    const chained: ChainedEvent[] = [];
    for (const e of w.events) {
      seq += 1;
      const c = chainEvent({ ...(e as AuditEvent), seq }, prevHash);
      chained.push(c);
      prevHash = c.hash;
    }
    const items: TransactItem[] = [];
    const metaKey = keys.dossier(w.dossierId);
    const metaAttrs = {
      marcheId: w.marcheId,
      status: w.status,
      open: w.open,
      state: w.state,
      version,
      structures: [...w.structures],
      updatedAt: now,
      lastEventSeq: seq,
      lastEventHash: prevHash,
    };
    if (w.expectedVersion === 0) {
      items.push({
        Put: {
          TableName: this.table,
          Item: {
            ...metaKey,
            ...metaAttrs,
            createdAt: now,
            ...gsi2.dossierOfMarche(w.marcheId, now),
            ...(w.open ? { gsi1pk: OPEN_DOSSIERS_PARTITION, gsi1sk: `${now}#${w.dossierId}` } : {}),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    } else {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':expected': w.expectedVersion, ':seqRead': w.lastEventSeq };
      const sets: string[] = [];
      for (const [k, v] of Object.entries(metaAttrs)) {
        names[`#${k}`] = k;
        values[`:${k}`] = v;
        sets.push(`#${k} = :${k}`);
      }
      const remove = w.open ? '' : ' REMOVE gsi1pk, gsi1sk';
      items.push({
        Update: {
          TableName: this.table,
          Key: metaKey,
          UpdateExpression: `SET ${sets.join(', ')}${remove}`,
          // The audit chain too: a workflow record appended since the read (same version) must not be overwritten
          ConditionExpression: '#version = :expected AND #lastEventSeq = :seqRead',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      });
    }
    for (const e of chained) {
      items.push({
        Put: {
          TableName: this.table,
          Item: { ...keys.event(w.dossierId, e.seq), event: e },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    if (w.clock) {
      // An Update, not a Put: the view the workflow recorded on the item (`view`) stays until it records the next
      const index =
        w.clock.open && w.clock.echeance ? gsi1.dgpOf(w.clock.moaSiret, w.clock.echeance, w.dossierId) : null;
      items.push({
        Update: {
          TableName: this.table,
          Key: keys.dgpClock(w.dossierId),
          UpdateExpression: index
            ? 'SET #clock = :clock, interestBase = :base, gsi1pk = :g1pk, gsi1sk = :g1sk'
            : 'SET #clock = :clock, interestBase = :base REMOVE gsi1pk, gsi1sk',
          ExpressionAttributeNames: { '#clock': 'clock' },
          ExpressionAttributeValues: {
            ':clock': w.clock.value,
            ':base': w.clock.interestBase ?? null,
            ...(index ? { ':g1pk': index.gsi1pk, ':g1sk': index.gsi1sk } : {}),
          },
        },
      });
    }
    const tokenCondition =
      w.expectedTaskToken === undefined
        ? {}
        : w.expectedTaskToken === null
          ? { ConditionExpression: 'attribute_not_exists(taskToken)' }
          : {
              ConditionExpression: 'taskToken = :token',
              ExpressionAttributeValues: { ':token': w.expectedTaskToken },
            };
    if (w.pending === null) {
      items.push({ Delete: { TableName: this.table, Key: keys.pendingAction(w.dossierId), ...tokenCondition } });
      items.push({ Delete: { TableName: this.table, Key: keys.timer(w.dossierId, 'PENDING') } });
    } else if (w.pending) {
      const dueAt = new Date(w.pending.deadlineAt);
      items.push({
        Put: {
          TableName: this.table,
          Item: {
            ...keys.timer(w.dossierId, 'PENDING'),
            dueAt: w.pending.deadlineAt,
            step: w.pending.step,
            ...gsi1.timerAt(dueAt, w.dossierId, w.pending.step),
          },
        },
      });
      items.push({
        Put: {
          TableName: this.table,
          Item: {
            ...keys.pendingAction(w.dossierId),
            pending: { ...w.pending, taskToken: undefined },
            ...gsi1.pendingFor(w.pending.actorSiret, w.pending.deadlineAt, w.dossierId),
          },
          ...tokenCondition,
        },
      });
    }
    // The other structures that may act in this wait see it in their "Synthèse" too: one index entry each.
    if (w.pending !== undefined) {
      const next = w.pending ? otherActorSirets(w.pending) : [];
      for (const siret of next) {
        items.push({
          Put: {
            TableName: this.table,
            Item: {
              ...keys.pendingActionOf(w.dossierId, siret),
              pending: { ...w.pending, taskToken: undefined },
              ...gsi1.pendingFor(siret, w.pending!.deadlineAt, w.dossierId),
            },
          },
        });
      }
      for (const siret of w.previousPending ? otherActorSirets(w.previousPending) : []) {
        if (!next.includes(siret)) {
          items.push({ Delete: { TableName: this.table, Key: keys.pendingActionOf(w.dossierId, siret) } });
        }
      }
    }
    if (w.status !== w.previousStatus) {
      // One board entry per structure and dossier (not a shared counter: concurrent transactions on different
      // dossiers of the same structure never touch the same item, so they cannot conflict).
      for (const siret of new Set(w.structures)) {
        items.push({
          Put: {
            TableName: this.table,
            Item: {
              ...keys.boardEntry(w.dossierId, siret),
              ...gsi2.boardOf(siret, w.status, w.dossierId),
              status: w.status,
              open: w.open,
            },
          },
        });
      }
    }
    const firstCoWrite = items.length;
    items.push(...(w.coWrites ?? []).map((c) => pieceCoWriteItem(this.table, c)));
    items.push(...(w.notificationItems ?? []));
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (e) {
      if (e instanceof TransactionCanceledException) {
        const first = e.CancellationReasons?.[0]?.Code;
        if (first === 'ConditionalCheckFailed' && w.expectedVersion > 0 && (await this.onlyChainMoved(w))) {
          throw new AuditChainMoved();
        }
        if (first === 'ConditionalCheckFailed') {
          throw new DomainError(
            w.expectedVersion === 0 ? 'DOSSIER_EXISTE_DEJA' : 'VERSION_PERIMEE',
            w.expectedVersion === 0
              ? 'Ce dossier existe déjà.'
              : 'Le dossier a été modifié entre-temps : rechargez-le et refaites votre action.',
            w.expectedVersion === 0 ? 'CONFLICT' : 'STALE',
          );
        }
        const reasons = e.CancellationReasons?.map((r) => r.Code ?? 'None') ?? [];
        if (reasons.includes('TransactionConflict')) {
          throw new DomainError(
            'MODIFICATION_CONCURRENTE',
            'Le dossier est en cours de modification par une autre demande : rechargez-le et refaites votre action.',
            'CONFLICT',
          );
        }
        const pendingIndex = items.findIndex((it) => (it.Put?.Item ?? it.Delete?.Key)?.sk === 'PENDING');
        if (pendingIndex >= 0 && reasons[pendingIndex] === 'ConditionalCheckFailed') throw new TaskTokenChanged();
        const failed = reasons.findIndex((r, i) => r === 'ConditionalCheckFailed' && i >= firstCoWrite);
        const coWrite = w.coWrites?.[failed - firstCoWrite];
        if (failed >= 0 && coWrite) throw new CoWriteConflict(coWrite);
      }
      throw e;
    }
    return { version, events: chained };
  }

  /**
   * Records the Step Functions task token of the current wait, only if the wait is still the one the workflow is
   * in (same step, same dossier version). Returns false when the dossier has moved on.
   */
  async recordTaskToken(dossierId: string, step: string, dossierVersion: number, taskToken: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.pendingAction(dossierId),
          UpdateExpression: 'SET taskToken = :t',
          ConditionExpression: 'pending.#step = :step AND pending.dossierVersion = :v',
          ExpressionAttributeNames: { '#step': 'step' },
          ExpressionAttributeValues: { ':t': taskToken, ':step': step, ':v': dossierVersion },
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
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
  async appendRecord(w: {
    readonly dossierId: string;
    readonly expectedVersion?: number;
    readonly lastEventSeq: number;
    readonly lastEventHash: string;
    readonly events: readonly Omit<AuditEvent, 'seq'>[];
    readonly metaSet?: Readonly<Record<string, unknown>>;
    readonly condition?: {
      readonly expression: string;
      readonly names?: Readonly<Record<string, string>>;
      readonly values?: Readonly<Record<string, unknown>>;
    };
    readonly clockView?: RecordedClockView;
  }): Promise<{ events: ChainedEvent[] }> {
    let prevHash = w.lastEventHash;
    let seq = w.lastEventSeq;
    const chained: ChainedEvent[] = [];
    for (const e of w.events) {
      seq += 1;
      const c = chainEvent({ ...(e as AuditEvent), seq }, prevHash);
      chained.push(c);
      prevHash = c.hash;
    }
    const names: Record<string, string> = { '#seq': 'lastEventSeq', '#hash': 'lastEventHash', ...w.condition?.names };
    const values: Record<string, unknown> = {
      ':seqRead': w.lastEventSeq,
      ':seq': seq,
      ':hash': prevHash,
      ...w.condition?.values,
    };
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
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.table,
          Key: keys.dossier(w.dossierId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      ...chained.map(
        (e): TransactItem => ({
          Put: {
            TableName: this.table,
            Item: { ...keys.event(w.dossierId, e.seq), event: e },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        }),
      ),
    ];
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
    try {
      if (items.length === 1) {
        const { Update } = items[0] as { Update: NonNullable<TransactItem['Update']> };
        await this.client.send(new UpdateCommand(Update as ConstructorParameters<typeof UpdateCommand>[0]));
      } else {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      }
    } catch (e) {
      if (e instanceof TransactionCanceledException || e instanceof ConditionalCheckFailedException) {
        throw new RecordConflict();
      }
      throw e;
    }
    return { events: chained };
  }

  /**
   * Records the generation of the dossier's next execution (resume), only if it is newer than the one recorded.
   * Returns false when another resume got there first.
   */
  async setExecutionGeneration(dossierId: string, generation: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.dossier(dossierId),
          UpdateExpression: 'SET executionGeneration = :g',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(executionGeneration) OR executionGeneration < :g)',
          ExpressionAttributeValues: { ':g': generation },
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }

  /** Counts by status for a structure ("Tableau de bord"): one Query on GSI2 (`BOARD#siret`), keys only. */
  async countsByStatus(siret: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'GSI2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': gsi2.boardOf(siret, '', '').gsi2pk },
          ProjectionExpression: '#s',
          ExpressionAttributeNames: { '#s': 'status' },
          ExclusiveStartKey,
        }),
      );
      for (const i of page.Items ?? []) out[String(i.status)] = (out[String(i.status)] ?? 0) + 1;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return out;
  }

  /** Pending actions of a structure, soonest deadline first ("Synthèse"). */
  async pendingFor(siret: string, limit = 100): Promise<{ dossierId: string; pending: StoredPending }[]> {
    return (await this.queryGsi1(`PENDING#${siret}`, limit)).map((i) => ({
      dossierId: String(i.pk).slice('DOSSIER#'.length),
      pending: i.pending as StoredPending,
    }));
  }

  /** Open DGP clocks of a MOA by échéance, overdue first. */
  async openClocksOf(
    moaSiret: string,
    limit = 100,
  ): Promise<
    {
      dossierId: string;
      clock: unknown;
      echeance: string;
      interestBase?: { amountDueCents: number; retenueGarantieCents: number };
    }[]
  > {
    return (await this.queryGsi1(`DGP#${moaSiret}`, limit)).map((i) => {
      const base = i.interestBase as { amountDueCents?: unknown; retenueGarantieCents?: unknown } | null | undefined;
      return {
        dossierId: String(i.pk).slice('DOSSIER#'.length),
        clock: i.clock,
        echeance: String(i.gsi1sk).split('#')[0] ?? '',
        ...(base && typeof base.amountDueCents === 'number'
          ? {
              interestBase: {
                amountDueCents: base.amountDueCents,
                retenueGarantieCents: Number(base.retenueGarantieCents ?? 0),
              },
            }
          : {}),
      };
    });
  }

  /** One page of a GSI1 partition, in sort-key order (deadlines, échéances). */
  private async queryGsi1(partition: string, limit: number): Promise<Record<string, unknown>[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'GSI1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        Limit: limit,
      }),
    );
    return page.Items ?? [];
  }

  /** Dossiers of a marché, newest first. */
  async dossiersOfMarche(marcheId: string, limit = 50): Promise<Record<string, unknown>[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'GSI2',
        KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :p)',
        ExpressionAttributeValues: { ':pk': `MARCHE#${marcheId}`, ':p': 'DOSSIER#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return page.Items ?? [];
  }
}

/** The workflow recorded a task token between our read and our write: read again and retry. */
export class TaskTokenChanged extends Error {
  override readonly name = 'TaskTokenChanged';
}

/** A workflow record was appended between our read and our write (same version): read again and retry. */
export class AuditChainMoved extends Error {
  override readonly name = 'AuditChainMoved';
}

/** A workflow record's conditions failed (the dossier or its audit chain moved on, or it is already recorded). */
export class RecordConflict extends Error {
  override readonly name = 'RecordConflict';
}

function otherActorSirets(p: StoredPending): string[] {
  const others = (p.otherActors as { actorSiret: string }[] | undefined) ?? [];
  return [...new Set(others.map((o) => o.actorSiret))].filter((siret) => siret !== p.actorSiret);
}
