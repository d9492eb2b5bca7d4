import type { PendingAction } from '../../domain/circuits';
import type { StoredPending } from './dossier-types';

/** Far-future sort key for waits without a deadline, so that they list last in « Synthèse ». */
export const NO_DEADLINE = '9999-12-31T23:59:59.999Z';

/** The pending action as its item stores it (a wait without deadline sorts last). */
export function toStoredPending(p: PendingAction): StoredPending {
  return {
    step: p.step,
    actorSiret: p.actorSiret,
    actorRole: p.actorRole,
    allowedActions: [...p.allowedActions],
    otherActors: p.otherActors.map((o) => ({ ...o, allowedActions: [...o.allowedActions] })),
    dossierVersion: p.dossierVersion,
    deadlineAt: p.deadlineAt ?? NO_DEADLINE,
    lastDay: p.lastDay,
    reminderAt: p.reminderAt,
    onTimeout: p.onTimeout,
    lateSince: p.lateSince,
  };
}

/** The instant a stored wait's deadline passes; null when none runs. */
export function deadlineOf(p: StoredPending): string | null {
  return p.deadlineAt && p.deadlineAt !== NO_DEADLINE ? p.deadlineAt : null;
}
