import type { Clock } from '../../adapters/clock';
import type {
  ArmedNotice,
  ArmedReminder,
  OutboxStore,
  TransactItem,
} from '../../adapters/dynamo/notifications/outbox-store';
import { type Dossier, type PendingAction, pendingActionOf } from '../../domain/circuits';
import type { Marche } from '../../domain/marche';
import { reminderOf, technicalPasswordDue } from '../../domain/notifications';
import type { Structure } from '../../domain/structures';

export interface ReminderDeps {
  readonly outbox: OutboxStore;
  readonly clock: Clock;
  readonly loadDossier: (dossierId: string) => Promise<{ state: Dossier; version: number; open: boolean } | undefined>;
  readonly loadMarche: (marcheId: string) => Promise<Marche | undefined>;
  readonly loadStructure: (siret: string) => Promise<Structure | undefined>;
}

/**
 * The reminder of a wait, armed with the dossier's own transaction (one per dossier: the current wait's), removed by
 * the next one. Only a reminder still to come is armed: a wait that starts inside its reminder window is announced
 * by its "action attendue", which already gives the deadline.
 */
export function reminderItem(
  outbox: OutboxStore,
  dossierId: string,
  pending: Pick<PendingAction, 'step' | 'dossierVersion' | 'reminderAt'> | null,
  now: Date,
): TransactItem {
  const due = pending?.reminderAt && Date.parse(pending.reminderAt) > now.getTime() ? pending.reminderAt : null;
  return outbox.reminderItem(
    dossierId,
    due && pending ? { dueAt: due, step: pending.step, version: pending.dossierVersion } : null,
  );
}

/**
 * Sends the reminders that are due (issue 13): each one exactly once, in the same transaction that removes it; a
 * wait that moved on in the meantime has lost its reminder with its own transaction. Run by the schedule on AWS and
 * on the platform clock locally, at each reminder's instant.
 */
export class ReminderService {
  constructor(private readonly deps: ReminderDeps) {}

  /** Sends the reminders of dossiers and the notices of technical passwords that are due; how many went out. */
  async fireDue(limit = 100): Promise<number> {
    let fired = 0;
    for (const r of await this.deps.outbox.remindersDue(this.deps.clock.now(), limit)) {
      if (await this.fire(r)) fired += 1;
    }
    for (const n of await this.deps.outbox.noticesDue(this.deps.clock.now(), limit)) {
      if (await this.fireNotice(n)) fired += 1;
    }
    return fired;
  }

  /**
   * The GP's notice that the technical password expires within 30 days (issue 13), once per password: a password
   * changed meanwhile has replaced the notice; a structure deactivated or without the account has none.
   */
  async fireNotice(n: ArmedNotice): Promise<boolean> {
    const structure = await this.deps.loadStructure(n.siret);
    const account = structure?.active ? structure.compteTechnique : undefined;
    const now = this.deps.clock.now();
    const intent =
      account && account.passwordChangedAt.toISOString() === n.changedAt
        ? technicalPasswordDue({ siret: n.siret, passwordChangedAt: account.passwordChangedAt, now })
        : null;
    return (await this.deps.outbox.fireNotice(n, intent, now.toISOString())) && intent !== null;
  }

  async fire(r: ArmedReminder): Promise<boolean> {
    const record = await this.deps.loadDossier(r.dossierId);
    const marche = record ? await this.deps.loadMarche(record.state.marcheId) : undefined;
    const pending = record?.open && marche ? pendingActionOf(marche, record.state) : null;
    const current = pending && pending.step === r.step && record?.version === r.version ? pending : null;
    // A reminder whose wait is gone is removed without a notification
    const intent = current ? reminderOf(record!.state, current, r.dueAt) : null;
    return (await this.deps.outbox.fireReminder(r, intent, this.deps.clock.now().toISOString())) && intent !== null;
  }

  /** The next instant a reminder or a notice is due, to arm a timer on (the embedded platform). */
  async nextDue(): Promise<Date | undefined> {
    const now = this.deps.clock.now();
    const [reminder, notice] = await Promise.all([
      this.deps.outbox.nextReminderAfter(now),
      this.deps.outbox.nextNoticeAfter(now),
    ]);
    if (!reminder || !notice) return reminder ?? notice;
    return reminder.getTime() <= notice.getTime() ? reminder : notice;
  }
}
