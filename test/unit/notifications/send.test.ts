import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { sendHandler } from '../../../functions/notifications/send';
import { MAIL_MAX_RECEIVES } from '../../../infra/constructs/notifications';
import type { Clock } from '../../../shared/adapters/clock';
import {
  ConditionalCheckFailedException,
  GetCommand,
  UpdateCommand,
} from '../../../shared/adapters/dynamo/document-client';
import { InboxStore } from '../../../shared/adapters/dynamo/notifications/inbox-store';
import { sesMailer } from '../../../shared/adapters/mail';
import { MailSender } from '../../../shared/services/notifications/mail-sender';
import { mockDocumentClient, mockedClient } from '../../fixtures/document-client-mock';

/**
 * The mail queue's consumer on AWS (functions/notifications/send.ts) with its real MailSender, InboxStore and
 * nodemailer's SES v2 transport, against mocked DynamoDB (test/fixtures/document-client-mock.ts) and SES
 * (aws-sdk-client-mock): one e-mail per notification whatever the deliveries, the claim of another sender respected,
 * a failed send handed back to SQS (batch item failure) with its claim released, and a poison message failed on
 * every receive so that SQS's redrive moves it to the dead-letter queue (MAIL_MAX_RECEIVES, asserted on the template
 * in test/infra/notifications.test.ts).
 */
const TABLE = 'table';
const NOW = new Date('2025-04-11T08:00:00.000Z');
const ddb = mockDocumentClient();
const ses = mockClient(SESv2Client);
afterAll(() => {
  ddb.restore();
  ses.restore();
});

const clock: Clock = { now: () => new Date(NOW) };

function handler() {
  const dynamo = mockedClient();
  const mailSender = new MailSender({
    inbox: new InboxStore(dynamo, TABLE),
    mailer: sesMailer('Factures de travaux <notifications@factures.example.fr>', 'notifications'),
    clock,
    portalUrl: 'https://factures.example.fr',
  });
  return sendHandler(() => ({ mailSender, clock }));
}

/** The notification item as the inbox stores it (pk USER#user, sk NOTIF#id). */
const notification = (userId: string, id: string, over: Record<string, unknown> = {}) => ({
  pk: `USER#${userId}`,
  sk: `NOTIF#${id}`,
  id,
  userId,
  kind: 'ACTION_ATTENDUE',
  at: '2025-04-11T07:59:00.000Z',
  title: 'Action attendue sur le dossier D1',
  lines: ["Déposez l'état d'acompte (A15)."],
  link: '/dossiers/D1',
  dossierId: 'D1',
  numero: 'PDM-04',
  mustAct: true,
  contactAddress: `${userId}.contact@exemple.fr`,
  mail: 'IMMEDIAT',
  ...over,
});

const record = (messageId: string, body: string, receiveCount = 1): SQSRecord =>
  ({
    messageId,
    body,
    receiptHandle: `rh-${messageId}`,
    attributes: { ApproximateReceiveCount: String(receiveCount) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-3:123456789012:mails',
    awsRegion: 'eu-west-3',
  }) as unknown as SQSRecord;
const event = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const job = (userId: string, notificationId: string) => JSON.stringify({ userId, notificationId });

const conditionFailed = () =>
  new ConditionalCheckFailedException('ConditionalCheckFailedException', 'condition', 400, 1);
const updates = (expression: string) =>
  ddb.commandCalls(UpdateCommand).filter((c) => c.args[0].input.UpdateExpression?.startsWith(expression));
/** The raw MIME message nodemailer handed to SES. */
const rawMails = () =>
  ses.commandCalls(SendEmailCommand).map((c) => Buffer.from(c.args[0].input.Content?.Raw?.Data ?? []).toString());

beforeEach(() => {
  ddb.reset();
  ses.reset();
  ddb.onAnyCommand().resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
});

describe('notificationsEnvoi (SQS → SES)', () => {
  it('sends the e-mail of each message once through SES, then records it sent', async () => {
    ddb.on(GetCommand).callsFake((input) => ({ Item: notification(String(input.Key?.pk).slice(5), 'n1') }));

    const out = await handler()(event(record('m1', job('moe-1', 'n1'))));

    expect(out).toEqual({ batchItemFailures: [] });
    const mails = rawMails();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain('To: moe-1.contact@exemple.fr');
    expect(mails[0]).toContain('<n1@factures-travaux>');
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input.ConfigurationSetName).toBe('notifications');
    // claimed at NOW, then recorded sent at NOW
    expect(updates('SET mailClaim')[0]?.args[0].input.ExpressionAttributeValues?.[':now']).toBe(NOW.toISOString());
    expect(updates('SET mailedAt')[0]?.args[0].input.ExpressionAttributeValues?.[':at']).toBe(NOW.toISOString());
  });

  it('sends nothing for a message delivered again after the e-mail went out', async () => {
    ddb.on(GetCommand).resolves({ Item: notification('moe-1', 'n1', { mailedAt: '2025-04-11T07:59:30.000Z' }) });

    const out = await handler()(event(record('m1', job('moe-1', 'n1'), 2)));

    expect(out).toEqual({ batchItemFailures: [] });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    expect(updates('SET mailClaim')).toHaveLength(0);
  });

  it('respects the claim of another sender: no e-mail, no retry', async () => {
    ddb.on(GetCommand).resolves({ Item: notification('moe-1', 'n1') });
    ddb.on(UpdateCommand, { UpdateExpression: 'SET mailClaim = :now' }).rejects(conditionFailed());

    const out = await handler()(event(record('m1', job('moe-1', 'n1'))));

    expect(out).toEqual({ batchItemFailures: [] });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    expect(updates('SET mailedAt')).toHaveLength(0);
  });

  it('hands a failed send back to SQS, releases its claim, and sends the rest of the batch', async () => {
    ddb.on(GetCommand).callsFake((input) => {
      const userId = String(input.Key?.pk).slice('USER#'.length);
      return { Item: notification(userId, String(input.Key?.sk).slice('NOTIF#'.length)) };
    });
    ses.on(SendEmailCommand).callsFake(async (input: { Content?: { Raw?: { Data?: Uint8Array } } }) => {
      const raw = Buffer.from(input.Content?.Raw?.Data ?? []).toString();
      if (raw.includes('moa-1.contact@exemple.fr')) throw new Error('Throttling: Maximum sending rate exceeded');
      return { MessageId: 'ses-ok' };
    });

    const out = await handler()(event(record('m1', job('moe-1', 'n1')), record('m2', job('moa-1', 'n2'))));

    // m2 failed: SQS makes it visible again after its visibility timeout; m1 is done
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(updates('REMOVE mailClaim')).toHaveLength(1);
    expect(updates('REMOVE mailClaim')[0]?.args[0].input.Key).toEqual({ pk: 'USER#moa-1', sk: 'NOTIF#n2' });
    expect(updates('SET mailedAt').map((c) => c.args[0].input.Key)).toEqual([{ pk: 'USER#moe-1', sk: 'NOTIF#n1' }]);
  });

  it('fails a poison message on every receive, so that SQS moves it to the dead-letter queue', async () => {
    const poison = [
      record('p1', 'pas du JSON'),
      record('p2', JSON.stringify({ userId: 'moe-1' })), // no notificationId
      record('p3', JSON.stringify({ userId: 'x'.repeat(201), notificationId: 'n1' })), // out of bounds
    ];
    const h = handler();
    // Redelivered MAIL_MAX_RECEIVES times (then redriven to the DLQ by SQS): failed each time, never sent
    for (let receive = 1; receive <= MAIL_MAX_RECEIVES; receive++) {
      const out = await h(
        event(
          ...poison.map((p) => ({ ...p, attributes: { ...p.attributes, ApproximateReceiveCount: String(receive) } })),
        ),
      );
      expect(out.batchItemFailures).toEqual([
        { itemIdentifier: 'p1' },
        { itemIdentifier: 'p2' },
        { itemIdentifier: 'p3' },
      ]);
    }
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('drops a message whose notification does not exist (nothing to send, nothing to retry)', async () => {
    ddb.on(GetCommand).resolves({});

    const out = await handler()(event(record('m1', job('moe-1', 'inconnue'))));

    expect(out).toEqual({ batchItemFailures: [] });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});
