import type { NotificationIntent } from '../../../domain/notifications';
import {
  type DocumentClient,
  PutCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '../document-client';
import { TABLE_KEYS } from '../keys';
import { itemsOfEntries } from '../query';
import { decodeIntent, encodeIntent } from './intent-codec';
import { NOTICES, notificationIndexes, notificationKeys, OUTBOX_INDEX, REMINDERS } from './keys';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** An outbox entry: a notification produced with a decision or a timer, waiting to be delivered to its users. */
export interface OutboxEntry {
  readonly intent: NotificationIntent;
  readonly createdAt: string;
}

/** A reminder armed for a dossier's wait (one per dossier: the current wait's). */
export interface ArmedReminder {
  readonly dossierId: string;
  readonly dueAt: string;
  readonly step: string;
  readonly version: number;
}

/** A notice armed for a structure: its technical password's, due 30 days before the password expires. */
export interface ArmedNotice {
  readonly siret: string;
  readonly dueAt: string;
  /** The password change it is about: a later change replaces the notice. */
  readonly changedAt: string;
}

/**
 * The notification outbox (issue 13): entries are written in the same transaction as the decision or timer that
 * causes them (`outboxItem`, `reminderItems`), then read back by the dispatcher until it marks them delivered.
 */
export class OutboxStore {
  constructor(
    private readonly client: DocumentClient,
    private readonly table: string,
  ) {}

  /** The outbox entry of an intent, for a transaction. `once`: the transaction fails if it was already written. */
  outboxItem(intent: NotificationIntent, createdAt: string, once = false): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: {
          ...notificationKeys.outbox(intent.source, intent.kind),
          ...notificationIndexes.outbox(createdAt, intent.source, intent.kind),
          intent: encodeIntent(intent),
          createdAt,
        },
        ...(once ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
      },
    };
  }

  /**
   * The reminder of a dossier's wait, for the dossier's transaction: armed when the wait has a reminder still to
   * come, removed otherwise (a decision, a new wait, a late flag: the previous reminder no longer applies).
   */
  reminderItem(dossierId: string, reminder: Omit<ArmedReminder, 'dossierId'> | null): TransactItem {
    const key = notificationKeys.reminder(dossierId);
    if (!reminder) return { Delete: { TableName: this.table, Key: key } };
    return {
      Put: {
        TableName: this.table,
        Item: { ...key, ...notificationIndexes.reminderAt(reminder.dueAt, dossierId), ...reminder },
      },
    };
  }

  /** Writes an outbox entry on its own (a cause outside a dossier); false when it was already there. */
  async putOnce(intent: NotificationIntent, createdAt: string): Promise<boolean> {
    const { Put } = this.outboxItem(intent, createdAt, true) as { Put: NonNullable<TransactItem['Put']> };
    try {
      await this.client.send(new PutCommand(Put as ConstructorParameters<typeof PutCommand>[0]));
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  /** Entries not yet delivered, oldest first. */
  async pending(limit = 100): Promise<OutboxEntry[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: TABLE_KEYS.gsi1.name,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': OUTBOX_INDEX },
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map((i) => ({ intent: decodeIntent(i.intent), createdAt: String(i.createdAt) }));
  }

  /** The entry is delivered to every user: it leaves the index of pending entries (kept as a record). */
  async markDelivered(entry: OutboxEntry, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: notificationKeys.outbox(entry.intent.source, entry.intent.kind),
        UpdateExpression: 'SET deliveredAt = :at REMOVE gsi1pk, gsi1sk',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  /** Reminders due at `now` (armed in the last 24 months), soonest first. */
  async remindersDue(now: Date, limit = 100): Promise<ArmedReminder[]> {
    // The index projects `dueAt`, not the reminder's wait (its version, step): the reminders by key, one BatchGet
    const entries = await this.dueIn(REMINDERS, now, limit);
    return (await itemsOfEntries(this.client, this.table, entries, TABLE_KEYS.gsi1)).map((i) => ({
      dossierId: String(i.pk).slice('DOSSIER#'.length),
      dueAt: String(i.dueAt),
      step: String(i.step),
      version: Number(i.version),
    }));
  }

  /** The first reminder due after `now` (in the next 13 months), to arm a timer on. */
  async nextReminderAfter(now: Date): Promise<Date | undefined> {
    return this.nextAfter(REMINDERS, now);
  }

  /**
   * Sends a reminder exactly once: its outbox entry is written with the removal of the armed reminder, conditioned
   * on the reminder still being the one read (same wait). False when another run sent it or the wait moved on.
   */
  async fireReminder(r: ArmedReminder, intent: NotificationIntent | null, at: string): Promise<boolean> {
    return this.fireOnce(
      {
        Key: notificationKeys.reminder(r.dossierId),
        ConditionExpression: 'version = :v AND step = :s AND dueAt = :d',
        ExpressionAttributeValues: { ':v': r.version, ':s': r.step, ':d': r.dueAt },
      },
      intent,
      at,
    );
  }

  /**
   * The notice of a structure's technical password, for the transaction that changes the password: due 30 days
   * before it expires; a new change replaces it (one per structure: its current password's).
   */
  technicalPasswordNoticeItem(notice: ArmedNotice): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: {
          ...notificationKeys.technicalPasswordNotice(notice.siret),
          ...notificationIndexes.dueAt(NOTICES, notice.dueAt, notice.siret),
          ...notice,
        },
      },
    };
  }

  /** Notices due at `now` (armed in the last 24 months), soonest first. */
  async noticesDue(now: Date, limit = 100): Promise<ArmedNotice[]> {
    return (await this.dueIn(NOTICES, now, limit)).map((i) => ({
      siret: String(i.siret),
      dueAt: String(i.dueAt),
      changedAt: String(i.changedAt),
    }));
  }

  /** The first notice due after `now` (in the next 14 months: a notice comes 394 days after its password's change). */
  async nextNoticeAfter(now: Date): Promise<Date | undefined> {
    return this.nextAfter(NOTICES, now, 14);
  }

  /**
   * Sends a notice exactly once: its outbox entry is written with the notice's removal, conditioned on the notice
   * being the one read (the same password). False when another run sent it or the password changed meanwhile.
   */
  async fireNotice(n: ArmedNotice, intent: NotificationIntent | null, at: string): Promise<boolean> {
    return this.fireOnce(
      {
        Key: notificationKeys.technicalPasswordNotice(n.siret),
        ConditionExpression: 'changedAt = :c AND dueAt = :d',
        ExpressionAttributeValues: { ':c': n.changedAt, ':d': n.dueAt },
      },
      intent,
      at,
    );
  }

  /**
   * Removes an armed item (reminder, notice) on its condition and writes its outbox entry in the same transaction:
   * true once, false when the condition no longer holds (another run fired it, or it was re-armed).
   */
  private async fireOnce(
    armed: {
      Key: Record<string, unknown>;
      ConditionExpression: string;
      ExpressionAttributeValues: Record<string, unknown>;
    },
    intent: NotificationIntent | null,
    at: string,
  ): Promise<boolean> {
    const items: TransactItem[] = [{ Delete: { TableName: this.table, ...armed } }];
    if (intent) items.push(this.outboxItem(intent, at, true));
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (e) {
      if (e instanceof TransactionCanceledException) return false;
      throw e;
    }
  }

  /** Items of a monthly-partitioned due index (`prefix#yyyy-mm`) due at `now`, over the last 24 months. */
  private async dueIn(prefix: string, now: Date, limit: number): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    const month = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    for (let i = 0; i < 24 && out.length < limit; i++) {
      const m = new Date(month);
      m.setUTCMonth(m.getUTCMonth() - i);
      out.push(...(await this.queryDue(prefix, m.toISOString().slice(0, 7), { before: now.toISOString() }, limit)));
    }
    return out.sort((a, b) => (String(a.dueAt) < String(b.dueAt) ? -1 : 1)).slice(0, limit);
  }

  /** The first item of a due index after `now`, over the next `months` months (13 by default). */
  private async nextAfter(prefix: string, now: Date, months = 13): Promise<Date | undefined> {
    const month = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    for (let i = 0; i < months; i++) {
      const m = new Date(month);
      m.setUTCMonth(m.getUTCMonth() + i);
      const [first] = await this.queryDue(prefix, m.toISOString().slice(0, 7), { after: now.toISOString() }, 1);
      if (first) return new Date(String(first.dueAt));
    }
    return undefined;
  }

  private async queryDue(
    prefix: string,
    month: string,
    range: { before?: string; after?: string },
    limit: number,
  ): Promise<Record<string, unknown>[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: TABLE_KEYS.gsi1.name,
        KeyConditionExpression: range.before ? 'gsi1pk = :pk AND gsi1sk <= :b' : 'gsi1pk = :pk AND gsi1sk > :a',
        ExpressionAttributeValues: {
          ':pk': `${prefix}#${month}`,
          ...(range.before ? { ':b': `${range.before}#~` } : { ':a': `${range.after}#~` }),
        },
        Limit: limit,
      }),
    );
    return page.Items ?? [];
  }
}
