import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalSmtp, startLocalSmtp } from '../../../infra/local/mail/smtp';
import type { Clock } from '../../../shared/adapters/clock';
import { PutCommand, TransactWriteCommand } from '../../../shared/adapters/dynamo/document-client';
import { InboxStore } from '../../../shared/adapters/dynamo/notifications/inbox-store';
import { OutboxStore } from '../../../shared/adapters/dynamo/notifications/outbox-store';
import { type MailJob, type MailQueue, smtpMailer } from '../../../shared/adapters/mail';
import type { NotificationIntent } from '../../../shared/domain/notifications';
import type { Membership, User } from '../../../shared/domain/structures';
import { type DirectoryPort, NotificationDispatcher } from '../../../shared/services/notifications/dispatcher';
import { MailSender } from '../../../shared/services/notifications/mail-sender';
import { type LocalDynamo, startLocalDynamo } from '../stores/local-table';

/**
 * The notification pipeline on DynamoDB Local and the local SMTP server: outbox → one notification per user →
 * e-mail once, the inbox (unread first, cursor, count, read), the daily digest. The directory of structures is a
 * fixed list here (the platform test uses the real one).
 */
const MOE = '10000000600013';
const MOA = '10000000700011';

class TestClock implements Clock {
  constructor(public at: Date) {}
  now(): Date {
    return new Date(this.at);
  }
}

class ArrayQueue implements MailQueue {
  readonly jobs: MailJob[] = [];
  async enqueue(jobs: readonly MailJob[]) {
    this.jobs.push(...jobs);
  }
}

const membership = (userId: string, siret: string, mode: 'CONSULTATION' | 'MODIFICATION'): Membership => ({
  siret,
  userId,
  status: 'APPROVED',
  role: 'UTILISATEUR',
  spaces: [{ space: 'FACTURES_TRAVAUX', mode }],
  requestedAt: new Date('2025-01-01T00:00:00Z'),
});
const user = (id: string): User => ({
  id,
  loginAddress: `${id}@exemple.fr`,
  contactAddress: `${id}.contact@exemple.fr`,
  active: true,
  createdAt: new Date('2025-01-01T00:00:00Z'),
});

const directory: DirectoryPort = {
  async membersOf(siret) {
    return [
      membership('moe-1', MOE, 'MODIFICATION'),
      membership('moe-2', MOE, 'CONSULTATION'),
      membership('moa-1', MOA, 'MODIFICATION'),
    ].filter((m) => m.siret === siret);
  },
  async getUsers(ids) {
    return new Map(ids.map((id) => [id, user(id)]));
  },
};

function intent(version: number, at: string): NotificationIntent {
  return {
    kind: 'ACTION_ATTENDUE',
    source: `DOSSIER#D1@v${version}`,
    at,
    dossierId: 'D1',
    numero: 'PDM-04',
    title: 'Action attendue — dossier D1 (pièce n° PDM-04)',
    lines: ["Action attendue : déposer l'état d'acompte (A15)."],
    action: { label: "déposer l'état d'acompte (A15)", lastDay: '2025-04-18', deadlineAt: null, onSilence: null },
    link: '/dossiers/D1',
    audience: [{ siret: MOE, act: true, space: 'FACTURES_TRAVAUX' }],
  };
}

let dynamo: LocalDynamo;
let smtp: LocalSmtp;
let outbox: OutboxStore;
let inbox: InboxStore;
let queue: ArrayQueue;
let clock: TestClock;
let dispatcher: NotificationDispatcher;
let sender: MailSender;
let table: string;

beforeAll(async () => {
  [dynamo, smtp] = await Promise.all([startLocalDynamo(), startLocalSmtp()]);
});
afterAll(async () => {
  await Promise.all([dynamo?.stop(), smtp?.stop()]);
});
beforeEach(async () => {
  ({ table } = await dynamo.freshTable());
  outbox = new OutboxStore(dynamo.doc, table);
  inbox = new InboxStore(dynamo.doc, table);
  queue = new ArrayQueue();
  clock = new TestClock(new Date('2025-04-11T08:00:00Z'));
  dispatcher = new NotificationDispatcher({ outbox, inbox, directory, mailQueue: queue, clock });
  sender = new MailSender({
    inbox,
    clock,
    mailer: smtpMailer(smtp.url, 'Factures de travaux <notifications@local.test>'),
    portalUrl: 'http://127.0.0.1:3000',
  });
});

describe('notification pipeline', () => {
  it('delivers an outbox entry once per user of the structure, and sends each e-mail once', async () => {
    await outbox.putOnce(intent(1, '2025-04-11T08:00:00.000Z'), '2025-04-11T08:00:00.000Z');
    expect(await outbox.putOnce(intent(1, '2025-04-11T08:00:00.000Z'), '2025-04-11T08:00:00.000Z')).toBe(false);
    expect(await dispatcher.dispatchPending()).toBe(2);
    expect(await outbox.pending()).toEqual([]);

    const moe1 = await inbox.list('moe-1', 10);
    expect(moe1.items).toMatchObject([{ kind: 'ACTION_ATTENDUE', mustAct: true, dossierId: 'D1' }]);
    // moe-2 reads in Consultation: told, not asked (its title says so)
    expect((await inbox.list('moe-2', 10)).items).toMatchObject([
      { mustAct: false, title: 'Pour information — dossier D1 (pièce n° PDM-04)' },
    ]);
    expect((await inbox.list('moa-1', 10)).items).toEqual([]);

    // Two jobs (one per user); a job handed over twice still sends one e-mail
    expect(queue.jobs).toHaveLength(2);
    const before = smtp.messages().length;
    const first = queue.jobs[0] as MailJob;
    expect(await sender.send(first)).toBe('sent');
    expect(await sender.send(first)).toBe('already-sent');
    const mails = smtp.messages().slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      to: ['moe-1.contact@exemple.fr'],
      subject: '[Factures de travaux] Action attendue — dossier D1 (pièce n° PDM-04)',
      messageId: `<${moe1.items[0]?.id}@factures-travaux>`,
    });
    expect(mails[0]?.text).toContain("Action attendue : déposer l'état d'acompte (A15).");
    expect(mails[0]?.text).toContain('http://127.0.0.1:3000/dossiers/D1');
    expect(mails[0]?.html).toContain('<a href="http://127.0.0.1:3000/dossiers/D1">');
    expect(mails[0]?.html).toContain('Échéance : 18/04/2025');
  });

  it('requeues an e-mail whose sender died after its claim, once the claim is stale', async () => {
    await outbox.putOnce(intent(1, '2025-04-11T08:00:00.000Z'), '2025-04-11T08:00:00.000Z');
    await dispatcher.dispatchPending();
    const job = queue.jobs.find((j) => j.userId === 'moe-2') as MailJob;
    expect(await inbox.claimMail(job.userId, job.notificationId, clock.now(), 300_000)).toBe(true);
    expect(await sender.send(job)).toBe('claimed-elsewhere');
    // 5 minutes later the claim is stale: a sweep hands the e-mail to the queue again and it goes out
    clock.at = new Date('2025-04-11T08:06:00Z');
    const requeue = new ArrayQueue();
    expect(await sender.requeueStale(requeue)).toBe(2);
    const before = smtp.messages().length;
    for (const j of requeue.jobs) await sender.send(j);
    expect(smtp.messages().length - before).toBe(2);
    expect(await sender.requeueStale(new ArrayQueue())).toBe(0);
  });

  it('lists unread first with a cursor, counts unread and marks read', async () => {
    for (let v = 1; v <= 3; v++) {
      await outbox.putOnce(intent(v, `2025-04-1${v}T08:00:00.000Z`), `2025-04-1${v}T08:00:00.000Z`);
    }
    await dispatcher.dispatchPending();
    const all = await inbox.list('moe-1', 10);
    // Newest first: v3 (13 April), v2, v1
    expect(all.items.map((n) => n.at.slice(0, 10))).toEqual(['2025-04-13', '2025-04-12', '2025-04-11']);
    expect(await inbox.unreadCount('moe-1')).toBe(3);
    await inbox.markRead('moe-1', all.items[0]!.id, '2025-04-14T08:00:00.000Z');
    expect(await inbox.unreadCount('moe-1')).toBe(2);
    const p1 = await inbox.list('moe-1', 2);
    expect(p1.items.map((n) => n.at.slice(0, 10))).toEqual(['2025-04-12', '2025-04-11']);
    expect(p1.cursor).toBeDefined();
    const p2 = await inbox.list('moe-1', 2, p1.cursor);
    expect(p2.items.map((n) => [n.at.slice(0, 10), n.readAt])).toEqual([['2025-04-13', '2025-04-14T08:00:00.000Z']]);
  });

  it('sends a daily digest: two events in a day give one e-mail the next morning at 7, Paris time', async () => {
    // moe-2 chooses the daily digest for this kind (Mon compte)
    await dynamo.doc.send(new PutCommand({ TableName: table, Item: { pk: 'USER#moe-2', sk: 'META' } }));
    await inbox.setPreferences('moe-2', { ACTION_ATTENDUE: 'QUOTIDIEN' });
    // Thursday 10 April 2025, 09:00 and 16:00 Paris (UTC+2)
    await outbox.putOnce(intent(1, '2025-04-10T07:00:00.000Z'), '2025-04-10T07:00:00.000Z');
    await outbox.putOnce(intent(2, '2025-04-10T14:00:00.000Z'), '2025-04-10T14:00:00.000Z');
    await dispatcher.dispatchPending();
    // moe-2 (in consultation, not asked to act) chose the digest: no immediate job for it
    expect(queue.jobs.map((j) => j.userId)).toEqual(['moe-1', 'moe-1']);
    const before = smtp.messages().length;
    // 11 April 06:59 Paris = 04:59 UTC: not yet
    clock.at = new Date('2025-04-11T04:59:00Z');
    expect(await sender.sendDueDigests()).toBe(0);
    clock.at = new Date('2025-04-11T05:00:00Z');
    expect(await sender.sendDueDigests()).toBe(1);
    expect(await sender.sendDueDigests()).toBe(0);
    const mails = smtp.messages().slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      to: ['moe-2.contact@exemple.fr'],
      subject: '[Factures de travaux] Vos notifications du 10/04/2025 (2)',
    });
  });

  it('fires an armed reminder exactly once', async () => {
    const armed = { dueAt: '2025-04-14T22:00:00.000Z', step: 'EXAMEN_MOE', version: 1 };
    await dynamo.doc.send(new TransactWriteCommand({ TransactItems: [outbox.reminderItem('D1', armed)] }));
    expect(await outbox.remindersDue(new Date('2025-04-14T21:59:59Z'))).toEqual([]);
    expect(await outbox.nextReminderAfter(new Date('2025-04-11T00:00:00Z'))).toEqual(new Date(armed.dueAt));
    const due = await outbox.remindersDue(new Date('2025-04-14T22:00:00Z'));
    expect(due).toEqual([{ dossierId: 'D1', ...armed }]);
    const reminder = { ...intent(1, armed.dueAt), kind: 'RAPPEL_ECHEANCE' as const, source: 'DOSSIER#D1@v1#RAPPEL' };
    expect(await outbox.fireReminder(due[0]!, reminder, armed.dueAt)).toBe(true);
    expect(await outbox.fireReminder(due[0]!, reminder, armed.dueAt)).toBe(false);
    expect(await outbox.remindersDue(new Date('2025-04-20T00:00:00Z'))).toEqual([]);
    expect((await outbox.pending()).map((e) => e.intent.kind)).toEqual(['RAPPEL_ECHEANCE']);
  });
});
