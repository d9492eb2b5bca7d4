import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';
import { type MailJob, type MailPort, type MailQueue, smtpMailer } from '../../../shared/adapters/mail';
import { parisDateOf } from '../../../shared/domain/calendar';
import { digestSendAt } from '../../../shared/domain/notifications';
import type { ServiceContext } from '../../../shared/services/context';
import { notificationDelivery } from '../../../shared/services/notifications/delivery';
import { notificationTick, type TickResult } from '../../../shared/services/notifications/tick';
import type { Activity } from '../activity';
import type { TimerHandle, VirtualTimers } from '../timers';
import { type LocalSmtp, type ReceivedMail, startLocalSmtp } from './smtp';

/** Real-time pause between the looks at the outbox (a decision's notifications go out within it). */
const POLL_MS = 1000;
/** Retries of a failed e-mail before it goes to the dead-letter file (real-time backoff: 1 s, 2 s, 4 s…). */
const MAX_ATTEMPTS = 5;

export interface LocalNotifications {
  readonly smtp: LocalSmtp;
  /** Nodemailer's SMTP transport to the local server. */
  readonly mailer: MailPort;
  /** The in-process mail queue (retries, then `dead-letter.jsonl`). */
  readonly queue: MailQueue;
  /** Serves `/_local/mails` (list) and `/_local/mails/{n}` (one message, as HTML). */
  readonly pages: (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<boolean>;
  /** Runs the notification timers once now (reminders, outbox, e-mails, digests). */
  tick(): Promise<TickResult>;
  /** A reminder was armed: a timer at its instant on the platform clock. */
  reminderArmed(dueAt: Date): void;
  /** Once the platform is up: the digest's timer, and a first tick (what a previous run left is resumed). */
  start(): Promise<TickResult>;
  stop(): Promise<void>;
}

/**
 * Notifications on the embedded platform (issue 13), with the same services as AWS: the outbox is delivered within
 * a second, each reminder fires at its instant on the platform clock (a clock jump stops there, as for the workflow's
 * deadlines, so a reminder always goes out before its deadline), the digest at 7 a.m. Paris on the platform clock;
 * e-mails go to the local SMTP server, retried in process, then to `dead-letter.jsonl`.
 */
export async function startLocalNotifications(options: {
  readonly timers: VirtualTimers;
  readonly activity: Activity;
  readonly context: () => ServiceContext;
  readonly directory?: string;
  readonly smtpPort?: number;
}): Promise<LocalNotifications> {
  const smtp = await startLocalSmtp({ port: options.smtpPort, directory: options.directory });
  const mailer = smtpMailer(
    smtp.url,
    process.env.MAIL_FROM ?? 'Factures de travaux <notifications@factures-travaux.localhost>',
  );
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let reminderTimer: TimerHandle | undefined;
  let digestTimer: TimerHandle | undefined;
  const retries = new Set<NodeJS.Timeout>();

  /** One thing at a time, in order, tracked so that `settle()` waits for it. */
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = running.then(work);
    running = run.catch(() => undefined);
    return options.activity.track(run);
  };

  const deadLetter = (job: MailJob, error: unknown) => {
    console.error('plateforme locale : courriel abandonné après plusieurs essais', job, error);
    if (options.directory) {
      fs.appendFileSync(
        path.join(options.directory, 'dead-letter.jsonl'),
        `${JSON.stringify({ ...job, error: String(error), at: new Date().toISOString() })}\n`,
      );
    }
  };

  const attempt = async (job: MailJob, n: number): Promise<void> => {
    try {
      await notificationDelivery(options.context()).sender.send(job);
    } catch (error) {
      if (n + 1 >= MAX_ATTEMPTS || stopped) return deadLetter(job, error);
      const t = setTimeout(
        () => {
          retries.delete(t);
          void options.activity.track(attempt(job, n + 1));
        },
        1000 * 2 ** n,
      );
      t.unref();
      retries.add(t);
    }
  };

  const queue: MailQueue = {
    async enqueue(jobs) {
      for (const job of jobs) await attempt(job, 0);
    },
  };

  const armReminder = (dueAt: Date) => {
    if (stopped) return;
    if (reminderTimer && reminderTimer.info.dueAt.getTime() <= dueAt.getTime()) return;
    reminderTimer?.cancel();
    reminderTimer = options.timers.schedule({ kind: 'Wait', dueAt, stateName: 'Rappel avant échéance' }, () => {
      reminderTimer = undefined;
      return tick().then(() => undefined);
    });
  };

  const armDigest = () => {
    if (stopped) return;
    const ctx = options.context();
    const next = digestSendAt(parisDateOf(ctx.clock.now()));
    digestTimer?.cancel();
    digestTimer = options.timers.schedule({ kind: 'Wait', dueAt: next, stateName: 'Synthèse quotidienne' }, () => {
      digestTimer = undefined;
      return tick().then(() => armDigest());
    });
  };

  const tick = (): Promise<TickResult> =>
    serial(async () => {
      const delivery = notificationDelivery(options.context());
      const result = await notificationTick({
        reminders: delivery.reminders,
        dispatcher: delivery.dispatcher,
        sender: delivery.sender,
        mailQueue: queue,
      });
      const next = await delivery.reminders.nextDue();
      if (next) armReminder(next);
      return result;
    });

  const poll = setInterval(() => {
    if (stopped || options.activity.pending > 0) return;
    void serial(() => notificationDelivery(options.context()).dispatcher.dispatchPending()).catch((e: unknown) =>
      console.error('plateforme locale : notifications non distribuées', e),
    );
  }, POLL_MS);
  poll.unref();

  return {
    smtp,
    mailer,
    queue,
    pages: (req, res, url) => mailPages(smtp, req, res, url),
    tick,
    reminderArmed: armReminder,
    async stop() {
      stopped = true;
      clearInterval(poll);
      for (const t of retries) clearTimeout(t);
      reminderTimer?.cancel();
      digestTimer?.cancel();
      await running;
      await smtp.stop();
    },
    start() {
      armDigest();
      return tick();
    },
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function summary(m: ReceivedMail) {
  return { n: m.n, messageId: m.messageId, from: m.from, to: m.to, subject: m.subject, receivedAt: m.receivedAt };
}

/** The local inbox: what the demo sent, readable in a browser. */
async function mailPages(
  smtp: LocalSmtp,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
): Promise<boolean> {
  if (req.method !== 'GET' || !url.pathname.startsWith('/_local/mails')) return false;
  const messages = smtp.messages();
  const rest = url.pathname.slice('/_local/mails'.length);
  if (rest === '' || rest === '/') {
    if ((req.headers.accept ?? '').includes('text/html')) {
      const rows = [...messages]
        .reverse()
        .map(
          (m) =>
            `<tr><td>${m.n}</td><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.to.join(', '))}</td><td><a href="/_local/mails/${m.n}">${escapeHtml(m.subject)}</a></td></tr>`,
        )
        .join('');
      send(
        res,
        200,
        'text/html; charset=utf-8',
        page('Courriels envoyés', `<table><tr><th>n°</th><th>reçu</th><th>à</th><th>objet</th></tr>${rows}</table>`),
      );
    } else send(res, 200, 'application/json', JSON.stringify(messages.map(summary)));
    return true;
  }
  const n = Number(rest.slice(1));
  const m = messages.find((x) => x.n === n);
  if (!m) {
    send(res, 404, 'application/json', JSON.stringify({ message: `Aucun courriel n° ${rest.slice(1)}.` }));
    return true;
  }
  if ((req.headers.accept ?? '').includes('application/json')) send(res, 200, 'application/json', JSON.stringify(m));
  else send(res, 200, 'text/html; charset=utf-8', m.html || page(m.subject, `<pre>${escapeHtml(m.text)}</pre>`));
  return true;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}
