import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tickHandler } from '../../../functions/notifications/tick';
import type { Clock } from '../../../shared/adapters/clock';
import {
  BatchGetCommand,
  ConditionalCheckFailedException,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '../../../shared/adapters/dynamo/document-client';
import type { MailPort } from '../../../shared/adapters/mail';
import { type NotificationIntent, notificationId } from '../../../shared/domain/notifications';
import { contextWith } from '../../../shared/services/context';
import { mockDocumentClient, mockedClient } from '../../fixtures/document-client-mock';

/**
 * The notification tick on AWS (functions/notifications/tick.ts) with its real dispatcher, stores and SQS queue,
 * against mocked DynamoDB (test/fixtures/document-client-mock.ts) and SQS (aws-sdk-client-mock): each outbox entry
 * due becomes one SQS message per user who wants its e-mail at once; an e-mail whose claim is stale goes back to the
 * queue, a fresh one does not; a queue that fails leaves the entry in the outbox for the next tick.
 */
const TABLE = 'table';
const QUEUE_URL = 'https://sqs.eu-west-3.amazonaws.com/123456789012/mails';
const NOW = new Date('2025-04-11T08:00:00.000Z');
const MOE = '10000000600013';
const TITULAIRE = '10000000500016';
const ddb = mockDocumentClient();
const sqs = mockClient(SQSClient);
afterAll(() => {
  ddb.restore();
  sqs.restore();
});

const clock: Clock = { now: () => new Date(NOW) };
/** The tick never sends an e-mail itself on AWS: the queue's consumer does. */
const noMail: MailPort = {
  send: async () => {
    throw new Error('the tick must not send e-mails on AWS');
  },
};

const handler = () =>
  tickHandler(() =>
    contextWith({
      dynamo: mockedClient(),
      tableName: TABLE,
      clock,
      mailer: noMail,
    }),
  );

const intent = (
  over: Partial<NotificationIntent> & Pick<NotificationIntent, 'kind' | 'source'>,
): NotificationIntent => ({
  at: '2025-04-11T07:59:00.000Z',
  title: 'Titre',
  lines: ['Ligne.'],
  link: '/dossiers/D1',
  audience: [],
  ...over,
});
const actionMoe = intent({
  kind: 'ACTION_ATTENDUE',
  source: 'DOSSIER#D1@v3',
  dossierId: 'D1',
  audience: [{ siret: MOE, act: true, space: 'FACTURES_TRAVAUX' }],
});
const refusTitulaire = intent({
  kind: 'PIECE_REFUSEE',
  source: 'DOSSIER#D2@v5',
  dossierId: 'D2',
  link: '/dossiers/D2',
  audience: [{ siret: TITULAIRE, act: false, space: 'FACTURES_TRAVAUX' }],
});
const outboxItem = (i: NotificationIntent) => ({
  pk: `OUTBOX#${i.source}`,
  sk: `KIND#${i.kind}`,
  gsi1pk: 'OUTBOX',
  gsi1sk: `${i.at}#${i.source}#${i.kind}`,
  intent: i,
  createdAt: i.at,
});
const member = (siret: string, userId: string, mode: 'CONSULTATION' | 'MODIFICATION') => ({
  pk: `STRUCT#${siret}`,
  sk: `MEMBER#${userId}`,
  siret,
  userId,
  status: 'APPROVED',
  role: 'UTILISATEUR',
  spaces: [{ space: 'FACTURES_TRAVAUX', mode }],
  requestedAt: '2025-01-01T00:00:00.000Z',
  version: 1,
});
const userItem = (id: string, notificationPreferences?: Record<string, string>) => ({
  pk: `USER#${id}`,
  sk: 'META',
  id,
  loginAddress: `${id}@exemple.fr`,
  contactAddress: `${id}.contact@exemple.fr`,
  active: true,
  createdAt: '2025-01-01T00:00:00.000Z',
  version: 1,
  ...(notificationPreferences ? { notificationPreferences } : {}),
});
const USERS = [
  userItem('moe-1'),
  userItem('moe-2'),
  // tit-1 wants refusals in the daily digest: no message on the queue for it
  userItem('tit-1', { PIECE_REFUSEE: 'QUOTIDIEN' }),
  userItem('tit-2'),
];

const sentJobs = () => sqs.commandCalls(SendMessageCommand).map((c) => JSON.parse(String(c.args[0].input.MessageBody)));
const markedDelivered = () =>
  ddb
    .commandCalls(UpdateCommand)
    .filter((c) => c.args[0].input.UpdateExpression?.startsWith('SET deliveredAt'))
    .map((c) => c.args[0].input.Key);

beforeEach(() => {
  vi.stubEnv('MAIL_QUEUE_URL', QUEUE_URL);
  ddb.reset();
  sqs.reset();
  ddb.onAnyCommand().resolves({});
  ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'OUTBOX' } }).resolves({
    Items: [outboxItem(actionMoe), outboxItem(refusTitulaire)],
  });
  ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': `STRUCT#${MOE}` } }).resolves({
    Items: [member(MOE, 'moe-1', 'MODIFICATION'), member(MOE, 'moe-2', 'CONSULTATION')],
  });
  ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': `STRUCT#${TITULAIRE}` } }).resolves({
    Items: [member(TITULAIRE, 'tit-1', 'MODIFICATION'), member(TITULAIRE, 'tit-2', 'MODIFICATION')],
  });
  ddb.on(BatchGetCommand).callsFake((input) => {
    const wanted = new Set(input.RequestItems?.[TABLE]?.Keys?.map((k) => k.pk));
    return { Responses: { [TABLE]: USERS.filter((u) => wanted.has(u.pk)) } };
  });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'sqs-1' });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('notificationsTick (outbox → SQS)', () => {
  it('puts one message on the queue per immediate e-mail of each outbox entry, and marks each entry delivered', async () => {
    const result = await handler()();

    // actionMoe → moe-1 (asked to act) and moe-2 (consultation: told); refusTitulaire → tit-1 (digest) and tit-2:
    // 4 notifications, 3 of them by e-mail at once
    expect(result).toEqual({ reminders: 0, notifications: 4, requeued: 0, digests: 0 });
    expect(sentJobs()).toEqual([
      { userId: 'moe-1', notificationId: notificationId(actionMoe, 'moe-1') },
      { userId: 'moe-2', notificationId: notificationId(actionMoe, 'moe-2') },
      { userId: 'tit-2', notificationId: notificationId(refusTitulaire, 'tit-2') },
    ]);
    for (const c of sqs.commandCalls(SendMessageCommand)) expect(c.args[0].input.QueueUrl).toBe(QUEUE_URL);
    // the notifications are written once each (conditional put)
    const puts = ddb.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.Item?.userId)).toEqual(['moe-1', 'moe-2', 'tit-1', 'tit-2']);
    for (const p of puts) expect(p.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(markedDelivered()).toEqual([
      { pk: 'OUTBOX#DOSSIER#D1@v3', sk: 'KIND#ACTION_ATTENDUE' },
      { pk: 'OUTBOX#DOSSIER#D2@v5', sk: 'KIND#PIECE_REFUSEE' },
    ]);
  });

  it('hands the queue again an e-mail unsent past its claim (5 minutes), not one still within it', async () => {
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'OUTBOX' } }).resolves({ Items: [] });
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'MAIL#PENDING' } }).resolves({
      Items: [
        // 08:00 − 07:54 = 6 min > 5 min: lost, queued again
        { userId: 'moa-1', id: 'n-lost', at: '2025-04-11T07:54:00.000Z' },
        // 08:00 − 07:57 = 3 min: its message may still be on its way
        { userId: 'moa-2', id: 'n-fresh', at: '2025-04-11T07:57:00.000Z' },
      ],
    });

    const result = await handler()();

    expect(result).toEqual({ reminders: 0, notifications: 0, requeued: 1, digests: 0 });
    expect(sentJobs()).toEqual([{ userId: 'moa-1', notificationId: 'n-lost' }]);
  });

  it('leaves an entry in the outbox when the queue fails, so that the next tick delivers it', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('ServiceUnavailable'));

    await expect(handler()()).rejects.toThrow('ServiceUnavailable');

    expect(markedDelivered()).toEqual([]);
  });

  it('a second tick on an entry already delivered to its users queues its e-mails again (the sender sends once)', async () => {
    const exists = new ConditionalCheckFailedException('ConditionalCheckFailedException', 'exists', 400, 1);
    ddb.on(PutCommand).rejects(exists);

    const result = await handler()();

    // nothing new is created, but the 3 immediate e-mails are queued again: a crash may have come before the queue
    expect(result.notifications).toBe(0);
    expect(sentJobs()).toHaveLength(3);
  });
});
