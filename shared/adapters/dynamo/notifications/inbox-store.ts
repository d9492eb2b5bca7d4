import type {
  DeliveryMode,
  ExpectedAction,
  NotificationKind,
  NotificationPreferences,
} from '../../../domain/notifications';
import {
  BatchGetCommand,
  type DocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '../document-client';
import { TABLE_KEYS } from '../keys';
import { itemsOfEntries, queryAll } from '../query';
import { MAIL_PENDING, notificationIndexes, notificationKeys } from './keys';

/** A notification addressed to one user (in the portal, and by e-mail as the user chose). */
export interface UserNotification {
  readonly id: string;
  readonly userId: string;
  readonly kind: NotificationKind;
  readonly at: string;
  readonly title: string;
  readonly lines: readonly string[];
  readonly link: string;
  readonly dossierId?: string;
  readonly numero?: string;
  readonly action?: ExpectedAction;
  readonly mustAct: boolean;
  readonly contactAddress: string;
  readonly mail: DeliveryMode;
  /** Paris day whose digest holds it (mail QUOTIDIEN). */
  readonly digestDay?: string;
  readonly readAt?: string;
  readonly mailedAt?: string;
}

export interface InboxPage {
  readonly items: UserNotification[];
  /** Opaque: pass it back for the next page. */
  readonly cursor?: string;
}

const FIELDS = [
  'id',
  'userId',
  'kind',
  'at',
  'title',
  'lines',
  'link',
  'dossierId',
  'numero',
  'action',
  'mustAct',
  'contactAddress',
  'mail',
  'digestDay',
  'readAt',
  'mailedAt',
] as const;

function parse(item: Record<string, unknown>): UserNotification {
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) if (item[f] !== undefined) out[f] = item[f];
  return out as unknown as UserNotification;
}

/** Users' notifications, their e-mail state and their preferences (issue 13). */
export class InboxStore {
  constructor(
    private readonly client: DocumentClient,
    private readonly table: string,
  ) {}

  /** Writes a user's notification once (its id is stable); false when it already exists. */
  async add(n: UserNotification): Promise<boolean> {
    const mailIndex =
      n.mail === 'IMMEDIAT'
        ? notificationIndexes.mailPending(n.at, n.userId, n.id)
        : n.mail === 'QUOTIDIEN' && n.digestDay
          ? notificationIndexes.digest(n.digestDay, n.userId, n.at, n.id)
          : {};
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...notificationKeys.notification(n.userId, n.id),
            ...notificationIndexes.inbox(n.userId, false, n.at, n.id),
            ...mailIndex,
            ...n,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  async get(userId: string, id: string): Promise<UserNotification | undefined> {
    const r = await this.client.send(
      new GetCommand({ TableName: this.table, Key: notificationKeys.notification(userId, id), ConsistentRead: true }),
    );
    return r.Item ? parse(r.Item) : undefined;
  }

  /** A page of the user's notifications: unread first, newest first within each. */
  async list(userId: string, limit: number, cursor?: string): Promise<InboxPage> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: TABLE_KEYS.gsi2.name,
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': `NOTIFS#${userId}` },
        Limit: limit,
        ExclusiveStartKey: cursor ? decodeCursor(cursor) : undefined,
      }),
    );
    return {
      items: (page.Items ?? []).map(parse),
      cursor: page.LastEvaluatedKey ? encodeCursor(page.LastEvaluatedKey) : undefined,
    };
  }

  /** Unread notifications of the user, counted up to `cap` (the portal shows "99+" beyond). */
  async unreadCount(userId: string, cap = 100): Promise<number> {
    const r = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: TABLE_KEYS.gsi2.name,
        KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :u)',
        ExpressionAttributeValues: { ':pk': `NOTIFS#${userId}`, ':u': '0#' },
        Select: 'COUNT',
        Limit: cap,
      }),
    );
    return r.Count ?? 0;
  }

  /** Marks a notification read (idempotent); false when the user has no such notification. */
  async markRead(userId: string, id: string, at: string): Promise<boolean> {
    const n = await this.get(userId, id);
    if (!n) return false;
    if (n.readAt) return true;
    const index = notificationIndexes.inbox(userId, true, n.at, id);
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: notificationKeys.notification(userId, id),
        UpdateExpression: 'SET readAt = if_not_exists(readAt, :at), gsi2sk = :sk',
        ExpressionAttributeValues: { ':at': at, ':sk': index.gsi2sk },
      }),
    );
    return true;
  }

  /**
   * Claims the sending of a notification's e-mail: true for one caller at a time (a claim older than `leaseMs` is
   * taken over: the sender died), never once it is sent.
   */
  async claimMail(userId: string, id: string, now: Date, leaseMs: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: notificationKeys.notification(userId, id),
          UpdateExpression: 'SET mailClaim = :now',
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(mailedAt) AND (attribute_not_exists(mailClaim) OR mailClaim < :stale)',
          ExpressionAttributeValues: {
            ':now': now.toISOString(),
            ':stale': new Date(now.getTime() - leaseMs).toISOString(),
          },
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  async releaseMail(userId: string, id: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: notificationKeys.notification(userId, id),
        UpdateExpression: 'REMOVE mailClaim',
      }),
    );
  }

  /** The e-mail went out: recorded, and the notification leaves the index of e-mails to send. */
  async markMailed(userId: string, id: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: notificationKeys.notification(userId, id),
        UpdateExpression: 'SET mailedAt = :at REMOVE mailClaim, gsi1pk, gsi1sk',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  /** Immediate e-mails not sent yet, oldest first (what a sweep hands to the queue again). */
  async mailsPending(limit = 100): Promise<{ userId: string; id: string; at: string }[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: TABLE_KEYS.gsi1.name,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': MAIL_PENDING },
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map((i) => ({ userId: String(i.userId), id: String(i.id), at: String(i.at) }));
  }

  /** The notifications of a Paris day waiting for their digest, by user. */
  async digestOf(day: string): Promise<UserNotification[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      IndexName: TABLE_KEYS.gsi1.name,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `DIGEST#${day}` },
    });
    // The index projects what the e-mail sweep reads, not whole notifications: these by key, a BatchGet per 100
    return (await itemsOfEntries(this.client, this.table, items, TABLE_KEYS.gsi1)).map(parse);
  }

  /** Whether some notification of a Paris day still waits for its digest. */
  async hasDigest(day: string): Promise<boolean> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: TABLE_KEYS.gsi1.name,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `DIGEST#${day}` },
        Limit: 1,
      }),
    );
    return (page.Items ?? []).length > 0;
  }

  /** Claims a user's digest of a day (once per user and day, a stale claim is taken over). */
  async claimDigest(userId: string, day: string, now: Date, leaseMs: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: notificationKeys.digestSent(userId, day),
          UpdateExpression: 'SET claimedAt = :now',
          ConditionExpression:
            'attribute_not_exists(sentAt) AND (attribute_not_exists(claimedAt) OR claimedAt < :stale)',
          ExpressionAttributeValues: {
            ':now': now.toISOString(),
            ':stale': new Date(now.getTime() - leaseMs).toISOString(),
          },
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  async markDigestSent(userId: string, day: string, ids: readonly string[], at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: notificationKeys.digestSent(userId, day),
        UpdateExpression: 'SET sentAt = :at, notifications = :ids',
        ExpressionAttributeValues: { ':at': at, ':ids': [...ids] },
      }),
    );
    for (const id of ids) await this.markMailed(userId, id, at);
  }

  /** E-mail preferences of users (absent: the defaults). */
  async preferencesOf(userIds: readonly string[]): Promise<Map<string, NotificationPreferences>> {
    const out = new Map<string, NotificationPreferences>();
    const unique = [...new Set(userIds)];
    for (let i = 0; i < unique.length; i += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[]; ProjectionExpression?: string }> | undefined = {
        [this.table]: {
          Keys: unique.slice(i, i + 100).map((u) => notificationKeys.user(u)),
          ProjectionExpression: 'pk, notificationPreferences',
        },
      };
      while (request && Object.keys(request).length > 0) {
        const r = await this.client.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of r.Responses?.[this.table] ?? []) {
          const prefs = item.notificationPreferences as NotificationPreferences | undefined;
          if (prefs) out.set(String(item.pk).slice('USER#'.length), prefs);
        }
        request = r.UnprocessedKeys as typeof request;
      }
    }
    return out;
  }

  async setPreferences(userId: string, prefs: NotificationPreferences): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: notificationKeys.user(userId),
        UpdateExpression: 'SET notificationPreferences = :p',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':p': prefs },
      }),
    );
  }
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** A cursor is ours or nothing: anything else is refused by the caller's validation (CURSEUR_INVALIDE). */
export function decodeCursor(cursor: string): Record<string, unknown> | undefined {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!key || typeof key !== 'object') return undefined;
    const k = key as Record<string, unknown>;
    const ok = ['pk', 'sk', 'gsi2pk', 'gsi2sk'].every((f) => typeof k[f] === 'string');
    return ok && Object.keys(k).length === 4 ? k : undefined;
  } catch {
    return undefined;
  }
}
