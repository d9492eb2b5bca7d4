import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedMail } from '../../../infra/local/mail/smtp';
import { type Platform, startPlatform } from '../../../infra/local/platform';
import type { MailPort, OutgoingMail } from '../../../shared/adapters/mail';
import { DEMO, seedDemo } from '../../../shared/seed/demo';
import { serviceContext } from '../../../shared/services/context';
import { FIXED_START, localToken } from '../../setup/platform';
import { at, dossierService, driver, montants } from '../workflows/helpers';

/**
 * Notifications delivered by the embedded platform `npm start` runs (issue 13): a decision → its notification in the
 * portal and one e-mail in the local SMTP server, a failed send retried without a duplicate; one 40-day clock jump
 * sends each reminder once, at its instant, before its deadline; a platform killed while an e-mail was being sent
 * sends it once after its restart. One platform on a data folder, then a second on the same folder. Dates are 2030
 * (Paris: CET = UTC+1 until 31 March).
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'notifications-platform-'));
const { users } = DEMO;

/** The SMTP mailer, made to fail or to hang on its next sends when a test says so. */
class FaultyMailer implements MailPort {
  failNext = 0;
  failures = 0;
  hang = false;
  /** Resolves when a send hangs (the claim is taken, nothing was sent). */
  hanging: Promise<void>;
  private hung: () => void = () => undefined;
  constructor(private readonly real: MailPort) {
    this.hanging = new Promise((resolve) => (this.hung = resolve));
  }
  async send(mail: OutgoingMail): Promise<void> {
    if (this.hang) {
      this.hung();
      return new Promise<void>(() => undefined);
    }
    if (this.failNext > 0) {
      this.failNext -= 1;
      this.failures += 1;
      throw new Error('SMTP indisponible (panne simulée)');
    }
    return this.real.send(mail);
  }
}

let platform: Platform | undefined;
let restarted = false;
let mailer: FaultyMailer | undefined;
const p = () => platform as Platform;

async function start(wrap: boolean): Promise<Platform> {
  return startPlatform({
    port: 0,
    dataDir,
    // Dates are absolute: the first start sets the clock at a fixed instant, the restart reads it from the folder
    ...(platform || restarted ? {} : { startAt: FIXED_START }),
    notifications: {
      pollMs: 200,
      ...(wrap ? { wrapMailer: (real: MailPort) => (mailer = new FaultyMailer(real)) } : {}),
    },
  });
}

const mails = (): readonly ReceivedMail[] => p().notifications?.smtp.messages() ?? [];
const about = (dossierId: string, to: string) =>
  mails().filter((m) => m.to.includes(to) && m.subject.includes(`dossier ${dossierId} `));

/** Real-time wait (the platform polls its outbox every 200 ms) for a condition, at most 15 s. */
async function eventually<T>(probe: () => T | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const v = probe();
    if (v) return v;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`jamais arrivé : ${what}`);
}

/** Twice a second's worth of polls plus an explicit tick: whatever was to go out has gone. */
async function quiet(): Promise<void> {
  await p().notifications?.tick();
  await new Promise((resolve) => setTimeout(resolve, 600));
  await p().settle();
}

const pdm = (id: string) => ({
  type: 'DEPOSER' as const,
  dossierId: id,
  piece: { id: `${id}-pdm`, numero: `${id}-PDM`, cadre: 'A4', montants: montants(10_000_000) },
});

beforeAll(async () => {
  platform = await start(true);
  const { stores } = serviceContext();
  await seedDemo({ identity: stores.identity, marches: stores.marches }, p().clock.now());
});
afterAll(async () => {
  await platform?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('notifications on the embedded platform', () => {
  it('turns a decision into a notification and one e-mail, a failed send retried without a duplicate', async () => {
    expect(p().notifications?.smtp.url).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    // Monday 7 January 2030, 09:00 Paris: the titulaire deposits its PDM; the SMTP server fails the first send
    await p().advanceClock(at('2030-01-07T08:00:00Z'));
    (mailer as FaultyMailer).failNext = 1;
    const d = driver(p, 'NOTIF-1');
    await d.open('mandataire', pdm('NOTIF-1'));

    const [mail] = await eventually(
      () => about('NOTIF-1', 'moe@demo.test').length > 0 && about('NOTIF-1', 'moe@demo.test'),
      'le courriel au MOE',
    );
    expect(mailer?.failures).toBe(1);
    expect(mail?.subject).toBe('[Factures de travaux] Action attendue — dossier NOTIF-1 (pièce n° NOTIF-1-PDM)');
    expect(mail?.text).toContain(`http://localhost:${p().port}/dossiers/NOTIF-1`);
    // CCAG-T 2021 art. 12.2.2: the MOE has 7 days from Monday 7 January: last day Monday 14 January
    expect(mail?.html).toContain('Échéance : 14/01/2030');
    // Kept as an .eml file in the data folder
    expect(fs.readFileSync(mail?.file as string, 'utf8')).toContain(`Message-ID: ${mail?.messageId}`);

    // More ticks and polls send nothing again
    await quiet();
    expect(about('NOTIF-1', 'moe@demo.test').map((m) => m.messageId)).toEqual([mail?.messageId]);

    // The same notification in the portal's API, unread, with its link
    const token = await signInAs(users.moe.login);
    const res = await fetch(`${p().url}/v1/moi/notifications`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      notifications: { type: string; dossierId: string; lien: string; lue: boolean }[];
    };
    expect(body.notifications.filter((n) => n.dossierId === 'NOTIF-1')).toMatchObject([
      { type: 'ACTION_ATTENDUE', lien: '/dossiers/NOTIF-1', lue: false },
    ]);
    // The local inbox page lists it
    const page = await fetch(`${p().url}/_local/mails`, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain('Action attendue — dossier NOTIF-1');
  }, 90_000); // 14-18 s at a load average of 20, over 30 s at 25 (scripts/notifications-loop.ts)

  it('sends each reminder once, at its instant and before its deadline, through one 40-day clock jump', async () => {
    const { fired } = await p().advanceClock({ days: 40 });
    const order = fired.map((t) => `${t.stateName} ${t.dueAt.toISOString().slice(0, 16)}`);
    // The MOE's wait: last day Monday 14 January, reminder 3 days before, at 0h Paris on Friday 11 January
    // (= 10 January 23:00 UTC), its deadline at the end of the 14th (= 14 January 23:00 UTC). Silence: the titulaire
    // may address the MOA, until the DGP's échéance (7 January + 30 days = Wednesday 6 February), reminded at 0h
    // Paris on Sunday 3 February (= 2 February 23:00 UTC). Each reminder fires before its deadline.
    expect(order).toEqual([
      'Rappel avant échéance 2030-01-10T23:00',
      'Examen du PDM par le MOE 2030-01-14T23:00',
      'Rappel avant échéance 2030-02-02T23:00',
      'Saisine directe du MOA (MOE hors délai) 2030-02-06T23:00',
    ]);
    await quiet();

    // One e-mail per reminder and user who may act: the MOE on both waits (it may still send its état d'acompte
    // while the titulaire may address the MOA), the titulaire on the second
    const subject = (day: string) =>
      `[Factures de travaux] Rappel : échéance le ${day} — dossier NOTIF-1 (pièce n° NOTIF-1-PDM)`;
    const reminders = mails().filter((m) => m.subject.includes('Rappel') && m.subject.includes('NOTIF-1 '));
    expect(reminders.map((m) => [m.to.join(), m.subject])).toEqual([
      ['moe@demo.test', subject('14/01/2030')],
      ['moe@demo.test', subject('06/02/2030')],
      ['titulaire@demo.test', subject('06/02/2030')],
    ]);
    // In the portal too, each made at its instant, before the deadline it announces
    const inbox = await serviceContext().notifications.list(users.moe.id, { limit: 50 });
    const rappels = inbox.items.filter((n) => n.kind === 'RAPPEL_ECHEANCE' && n.dossierId === 'NOTIF-1');
    expect(rappels.map((n) => [n.at, n.action?.deadlineAt])).toEqual([
      ['2030-02-02T23:00:00.000Z', '2030-02-06T23:00:00.000Z'],
      ['2030-01-10T23:00:00.000Z', '2030-01-14T23:00:00.000Z'],
    ]);

    // A day later, nothing is sent again
    const before = mails().length;
    await p().advanceClock({ days: 1 });
    await quiet();
    expect(mails().filter((m) => m.subject.includes('Rappel')).length).toBe(
      mails()
        .slice(0, before)
        .filter((m) => m.subject.includes('Rappel')).length,
    );
  }, 90_000);

  it('sends once, after a restart, the e-mail a killed platform was sending', async () => {
    const faulty = mailer as FaultyMailer;
    faulty.hang = true;
    // Not through the driver: its settle() would wait for the hanging send
    await dossierService().decide({ marcheId: DEMO.marcheId, userId: users.mandataire.id, action: pdm('NOTIF-2') });
    // The dispatcher claimed the e-mail and the SMTP exchange hangs: the platform is stopped there
    await faulty.hanging;
    expect(about('NOTIF-2', 'moe@demo.test')).toEqual([]);
    await p().stop();
    platform = undefined;
    restarted = true;

    // Same data folder: the claim is still held; once its lease (5 minutes) has passed, the e-mail goes out once
    platform = await start(false);
    await p().advanceClock({ minutes: 6 });
    const sent = await eventually(
      () => about('NOTIF-2', 'moe@demo.test').length > 0 && about('NOTIF-2', 'moe@demo.test'),
      'le courriel repris',
    );
    await quiet();
    expect(about('NOTIF-2', 'moe@demo.test')).toHaveLength(1);
    expect(sent[0]?.subject).toContain('Action attendue');
    // The first run's e-mails are still listed (read back from the folder), none twice
    const ids = mails().map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
  }, 60_000);
});

async function signInAs(loginAddress: string): Promise<string> {
  return localToken(p().url, loginAddress);
}
