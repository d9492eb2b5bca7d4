import type { StoredPending } from '../../adapters/dynamo/dossier-types';
import type { OutboxStore, TransactItem } from '../../adapters/dynamo/notifications/outbox-store';
import type { Dossier, DossierEvent, PendingAction } from '../../domain/circuits';
import type { DgpClockView } from '../../domain/dgp';
import { type DgpFacts, notificationsOfTransition } from '../../domain/notifications';
import { reminderItem } from './reminders';

export interface TransitionNotificationInput {
  readonly dossier: Dossier;
  /** The version the transition writes. */
  readonly version: number;
  readonly events: readonly DossierEvent[];
  readonly pending: PendingAction | null;
  /** The wait as stored before the transition. */
  readonly previous: StoredPending | undefined;
  /** The DGP clock as of now, asked only when the échéance passed. */
  readonly clockView: () => DgpClockView | null;
  readonly now: Date;
}

/**
 * The items a dossier transition adds to its own transaction (issue 13): one outbox entry per notification the rule
 * gives, and the reminder of the new wait (or the removal of the previous one). Written with the dossier, they exist
 * exactly when the decision does.
 */
export class DossierNotifications {
  constructor(
    private readonly deps: {
      readonly outbox: OutboxStore;
      /** Told after the transaction of each reminder armed (the embedded platform sets a timer on its clock). */
      readonly onReminderArmed?: (dueAt: Date) => void;
    },
  ) {}

  itemsFor(input: TransitionNotificationInput): { items: TransactItem[]; reminderAt: Date | null } {
    const late = input.events.some((e) => e.type === 'RETARD_SIGNALE');
    const intents = notificationsOfTransition({
      dossier: input.dossier,
      version: input.version,
      events: input.events,
      pending: input.pending,
      previous: input.previous
        ? {
            step: input.previous.step,
            actorSiret: input.previous.actorSiret,
            otherActors: (input.previous.otherActors as { actorSiret: string }[] | undefined) ?? [],
            onTimeout: (input.previous.onTimeout as { description: string } | null | undefined) ?? null,
          }
        : null,
      dgp: late ? dgpFacts(input.clockView()) : undefined,
    });
    const at = input.now.toISOString();
    const reminder = reminderItem(this.deps.outbox, input.dossier.id, input.pending, input.now);
    const reminderAt = reminder.Put ? new Date(String(reminder.Put.Item?.dueAt)) : null;
    return { items: [...intents.map((i) => this.deps.outbox.outboxItem(i, at)), reminder], reminderAt };
  }

  /** After the transaction: a reminder was armed. */
  armed(reminderAt: Date | null): void {
    if (reminderAt) this.deps.onReminderArmed?.(reminderAt);
  }
}

function dgpFacts(view: DgpClockView | null): DgpFacts | undefined {
  if (!view) return undefined;
  const interest = view.lateInterest;
  return {
    echeance: view.echeance ?? null,
    daysLate: view.daysLate,
    interestCents: interest?.ok ? interest.value.interestCents : undefined,
    interestError: interest && !interest.ok ? interest.error.message : undefined,
    indemnityCents: view.indemnityCents,
  };
}
