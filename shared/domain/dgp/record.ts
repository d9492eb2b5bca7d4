import type { DgpClockView } from './view';

/**
 * The DGP clock view in the audit trail's words (JSON, no Date): what « Mettre à jour le délai de paiement » and
 * « Clore le dossier » record.
 */
export function clockDetails(view: DgpClockView): Record<string, unknown> {
  const interest = view.lateInterest;
  return {
    statut: view.status,
    au: view.asOf,
    debut: view.start ?? null,
    echeance: view.echeance ?? null,
    detenteur: view.holder ?? null,
    joursParActeur: { ...view.daysUsedBy },
    joursEcoules: view.daysElapsed,
    joursSuspendus: view.daysSuspended,
    joursRestants: view.daysLeft,
    joursDeRetard: view.daysLate,
    indemniteForfaitaireCents: view.indemnityCents,
    interetsMoratoires: interest
      ? interest.ok
        ? { cents: interest.value.interestCents, tauxBp: interest.value.rateBp, jours: interest.value.days }
        : { erreur: interest.error.code, message: interest.error.message }
      : null,
  };
}

/** A clock view as recorded for a dossier version. */
export interface ClockSnapshot {
  readonly forVersion: number;
  readonly [key: string]: unknown;
}

export function clockSnapshot(view: DgpClockView, forVersion: number): ClockSnapshot {
  return { forVersion, ...clockDetails(view) };
}

/** A new record is due when the clock's status, échéance or holder changed. */
export function clockRecordKey(v: Readonly<Record<string, unknown>>): string {
  return `${v.statut}|${v.echeance ?? ''}|${v.detenteur ?? ''}`;
}
