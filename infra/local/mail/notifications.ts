import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';
import type { ShiftableClock } from '../../../shared/adapters/clock';
import { type MailJob, type MailPort, type MailQueue, smtpMailer } from '../../../shared/adapters/mail';
import { addDays, parisDateOf } from '../../../shared/domain/calendar';
import { digestSendAt } from '../../../shared/domain/notifications';
import type { ServiceContext } from '../../../shared/services/context';
import { notificationTick, type TickResult } from '../../../shared/services/notifications/tick';
import type { Activity } from '../activity';
import type { TimerHandle, VirtualTimers } from '../timers';
import { mailPages } from './pages';
import { type LocalSmtp, startLocalSmtp } from './smtp';

/** Real-time pause between two notification ticks (a decision's notifications go out within it). */
const POLL_MS = 1000;
/** What `stop()` waits, at most, for a tick in flight (a send that hangs is abandoned, as a killed process would). */
const STOP_WAIT_MS = 1000;
/** Retries of a failed e-mail before it goes to the dead-letter file (real-time backoff: 1 s, 2 s, 4 s…). */
const MAX_ATTEMPTS = 5;
const NOTHING: TickResult = { reminders: 0, notifications: 0, requeued: 0, digests: 0 };

export interface LocalNotifications {
  readonly smtp: LocalSmtp;
  /** Nodemailer's SMTP transport to the local server. */
  readonly mailer: MailPort;
  /** The in-process mail queue (retries, then `dead-letter.jsonl`). */
  readonly queue: MailQueue;
  /** Serves `/_local/mails` (list) and `/_local/mails/{n}` (one message). */
  readonly pages: (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<boolean>;
  /** Runs the notification timers once now (reminders, outbox, e-mails, digests). */
  tick(): Promise<TickResult>;
  /** A reminder was armed: a timer at its instant on the platform clock. */
  reminderArmed(dueAt: Date): void;
  /** Once the platform is up: a first tick (what a previous run left goes out), then the timers. */
  start(): Promise<TickResult>;
  stop(): Promise<void>;
}

/**
 * Notifications on the embedded platform (issue 13), with the services AWS runs: a tick (due reminders → outbox →
 * users → e-mails, lost e-mails requeued, due digests) every second of real time, at every instant a clock jump
 * stops at, at each reminder's instant (a timer on the platform clock: a jump stops there, so a reminder always goes
 * out before its deadline) and at 7 a.m. Paris when a digest waits. E-mails go to the local SMTP server, retried in
 * process, then to `dead-letter.jsonl`.
 *
 * No timer fires every morning: a jump of years stops only where something is due (a daily timer made such a jump
 * run a thousand ticks, long enough to time a test out).
 */
export async function startLocalNotifications(options: {
  readonly timers: VirtualTimers;
  readonly clock: ShiftableClock;
  readonly activity: Activity;
  readonly context: () => ServiceContext;
  readonly directory?: string;
  readonly smtpPort?: number;
  /** Real-time pause between two ticks (default 1 s; 0: no polling, ticks only on timers, jumps and `tick()`). */
  readonly pollMs?: number;
  /** Wraps the SMTP mailer (fault injection in tests: a send that fails or never ends). */
  readonly wrapMailer?: (mailer: MailPort) => MailPort;
}): Promise<LocalNotifications> {
  const smtp = await startLocalSmtp({ port: options.smtpPort, directory: options.directory });
  const direct = smtpMailer(
    smtp.url,
    process.env.MAIL_FROM ?? 'Factures de travaux <notifications@factures-travaux.localhost>',
  );
  const mailer = options.wrapMailer ? options.wrapMailer(direct) : direct;
  let stopped = false;
  let started = false;
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
      await options.context().mailSender.send(job);
    } catch (error) {
      // Stopping: the e-mail stays to send in the table, the next run's first tick hands it over again
      if (stopped) return;
      if (n + 1 >= MAX_ATTEMPTS) return deadLetter(job, error);
      const t = setTimeout(
        () => {
          retries.delete(t);
          if (!stopped) void options.activity.track(attempt(job, n + 1));
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

  const arm = (current: TimerHandle | undefined, dueAt: Date, stateName: string, set: (t?: TimerHandle) => void) => {
    if (stopped) return;
    if (current && current.info.dueAt.getTime() <= dueAt.getTime()) return;
    current?.cancel();
    set(
      options.timers.schedule({ kind: 'Wait', dueAt, stateName }, () => {
        set(undefined);
        return tick().then(() => undefined);
      }),
    );
  };
  const armReminder = (dueAt: Date) =>
    arm(reminderTimer, dueAt, 'Rappel avant échéance', (t) => {
      reminderTimer = t;
    });

  /** A digest waits for yesterday's or today's morning-after: a timer then. */
  const armDigest = async (ctx: ServiceContext) => {
    const now = ctx.clock.now();
    const today = parisDateOf(now);
    for (const day of [addDays(today, -1), today]) {
      const at = digestSendAt(day);
      if (at.getTime() > now.getTime() && (await ctx.stores.inbox.hasDigest(day))) {
        arm(digestTimer, at, 'Synthèse quotidienne', (t) => {
          digestTimer = t;
        });
        return;
      }
    }
  };

  const tick = (): Promise<TickResult> =>
    serial(async () => {
      if (stopped) return NOTHING;
      const ctx = options.context();
      const result = await notificationTick({
        reminders: ctx.reminders,
        dispatcher: ctx.notificationDispatcher,
        sender: ctx.mailSender,
        mailQueue: queue,
      });
      const next = await ctx.reminders.nextDue();
      if (next) armReminder(next);
      await armDigest(ctx);
      return result;
    });

  // What the timers set off during a clock jump (deadlines passed, tacit outcomes) is delivered at that instant
  const unsubscribe = options.clock.onAdvance(async () => {
    if (started && !stopped) await tick();
  });

  // The local stand-in for the outbox stream and the one-minute schedule: a tick each second, skipped while the
  // platform is busy (it then runs at the next quiet second)
  const pollMs = options.pollMs ?? POLL_MS;
  const poll =
    pollMs > 0
      ? setInterval(() => {
          if (!started || stopped || options.activity.pending > 0) return;
          tick().catch((e: unknown) => console.error('plateforme locale : notifications non distribuées', e));
        }, pollMs)
      : undefined;
  poll?.unref();

  return {
    smtp,
    mailer,
    queue,
    pages: (req, res, url) => mailPages(smtp, req, res, url),
    tick,
    reminderArmed: armReminder,
    start() {
      started = true;
      return tick();
    },
    async stop() {
      stopped = true;
      unsubscribe();
      if (poll) clearInterval(poll);
      for (const t of retries) clearTimeout(t);
      reminderTimer?.cancel();
      digestTimer?.cancel();
      let giveUp: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise((resolve) => (giveUp = setTimeout(resolve, STOP_WAIT_MS)))]);
      clearTimeout(giveUp);
      await smtp.stop();
    },
  };
}
