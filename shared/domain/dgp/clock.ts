import { type CalendarDate, daysBetween, lastDayOfDelay, maxDate } from '../calendar';
import { DomainError } from '../errors';
import type { ClockEffect, ClockHolder } from './effects';

/**
 * The délai global de paiement (docs/rules/dgp.md) as plain, serialisable data. It changes only through
 * `applyClockEffect`; `clockView` reads it for a given day.
 */
export type DgpKind = 'ACOMPTE_MENSUEL' | 'SOUS_TRAITANT' | 'SOLDE';

/**
 * ASSUMPTION H2 (docs/rules/dgp.md#échéance): the DGP's last day is NOT moved to the next working day. The CCAG-T art. 3.2.4
 * extension applies to CCAG deadlines; the DGP is a CCP delay. Set per clock with `newDgpClock({ extendToWorkingDay })`.
 */
export const DGP_EXTENDED_TO_WORKING_DAY = false;

/** A new delay after a suspension is at least 30 days: CCP R2192-29; décret 2013-269 art. 4. */
export const SUSPENSION_MIN_NEW_DELAY_DAYS = 30;

/** Longest DGP (public undertakings); a contract may only shorten it: CCP R2192-10, R2192-11. */
export const DGP_MAX_JOURS = 60;

/** From `from` (included) the dossier is with `holder`, until the next segment. */
export interface HolderSegment {
  readonly holder: ClockHolder;
  readonly from: CalendarDate;
}

export interface DgpSuspension {
  /** Day of the suspension notification; the clock stops that day. */
  readonly on: CalendarDate;
  /** Every missing document, as notified (CCP R2192-28). */
  readonly missingDocuments: readonly string[];
  /** Day the complete answer was received; a new delay runs from it (day 0). */
  readonly resumedOn?: CalendarDate;
  /** Échéance − suspension day. */
  readonly daysLeftAtSuspension: number;
  /** max(30, daysLeftAtSuspension): CCP R2192-29. */
  readonly newDelayDays: number;
  /** The échéance that applied before the suspension. */
  readonly echeanceBeforeSuspension: CalendarDate;
}

export interface DgpClock {
  readonly kind: DgpKind;
  readonly dgpJours: number;
  /** Whether an échéance on a Saturday, Sunday or holiday moves to the next working day (default: no). */
  readonly extendToWorkingDay: boolean;
  /** Day 0 of the DGP. */
  readonly start?: CalendarDate;
  readonly segments: readonly HolderSegment[];
  readonly suspension?: DgpSuspension;
  readonly suspensionUsed: boolean;
  /** Last day of the DGP; absent before START and while a suspension is open. */
  readonly echeance?: CalendarDate;
  /** Mise en paiement day: the clock stops. */
  readonly paidOn?: CalendarDate;
  /**
   * The buyer does not report the mise en paiement: the circuit ended at the mandatement on this day. The payment
   * day is unknown (never invented): the clock stops counting there, lateness is known only up to that day.
   */
  readonly paymentUnreportedFrom?: CalendarDate;
  /** The dossier was refused: the clock stops, nothing is owed on it. */
  readonly cancelled?: { readonly on: CalendarDate; readonly reason: string };
}

export interface NewDgpClockInput {
  readonly kind: DgpKind;
  /** From the marché (docs/rules/marche.md): 30, 50 or 60, or shorter by contract. */
  readonly dgpJours: number;
  readonly extendToWorkingDay?: boolean;
}

export function newDgpClock(input: NewDgpClockInput): DgpClock {
  // CCP R2192-10, R2192-11: 30 / 50 / 60 days at most.
  if (!Number.isInteger(input.dgpJours) || input.dgpJours < 1 || input.dgpJours > DGP_MAX_JOURS) {
    throw new DomainError(
      'DGP_JOURS_INVALIDE',
      `Le délai global de paiement doit être un nombre entier de jours entre 1 et ${DGP_MAX_JOURS}.`,
      'INVALID',
      [{ path: 'dgpJours', message: String(input.dgpJours) }],
    );
  }
  return {
    kind: input.kind,
    dgpJours: input.dgpJours,
    extendToWorkingDay: input.extendToWorkingDay ?? DGP_EXTENDED_TO_WORKING_DAY,
    segments: [],
    suspensionUsed: false,
  };
}

/** CCP R2192-29: after a suspension, a new delay of 30 days, or the days that were left if more. */
export function delayAfterSuspension(daysLeftAtSuspension: number): number {
  return Math.max(SUSPENSION_MIN_NEW_DELAY_DAYS, daysLeftAtSuspension);
}

/** The échéance of a DGP: day 0 plus its days, never extended unless configured (docs/rules/dgp.md#start, assumption H2). */
export function echeanceOfDelay(
  day0: CalendarDate,
  days: number,
  extendToWorkingDay = DGP_EXTENDED_TO_WORKING_DAY,
): CalendarDate {
  return lastDayOfDelay(day0, days, extendToWorkingDay);
}

/** The last day of a delay of `days` whose day 0 is `day0`, with the clock's working-day rule. */
function echeanceFrom(clock: DgpClock, day0: CalendarDate, days: number): CalendarDate {
  return echeanceOfDelay(day0, days, clock.extendToWorkingDay);
}

/** Latest day recorded on the clock: effects must not go back before it. */
export function lastEventDate(clock: DgpClock): CalendarDate | undefined {
  const dates = [
    clock.start,
    ...clock.segments.map((s) => s.from),
    clock.suspension?.on,
    clock.suspension?.resumedOn,
    clock.paidOn,
    clock.paymentUnreportedFrom,
    clock.cancelled?.on,
  ].filter((d): d is CalendarDate => d !== undefined);
  return dates.reduce<CalendarDate | undefined>((acc, d) => (acc === undefined ? d : maxDate(acc, d)), undefined);
}

function conflict(code: string, message: string, effect: ClockEffect): DomainError {
  return new DomainError(code, message, 'CONFLICT', [{ path: 'effect', message: `${effect.kind} ${effect.on}` }]);
}

/**
 * Apply one effect emitted by a circuit. Pure: returns a new clock, or throws a DomainError with a stable code:
 * DGP_DEJA_DEMARRE, DGP_NON_DEMARRE, DGP_DEJA_PAYE, DGP_ANNULE, DGP_EFFET_ANTERIEUR,
 * DGP_SUSPENSION_DEJA_UTILISEE, DGP_SUSPENSION_SANS_PIECES, DGP_SUSPENSION_APRES_ECHEANCE, DGP_NON_SUSPENDU.
 */
export function applyClockEffect(clock: DgpClock, effect: ClockEffect): DgpClock {
  if (effect.kind === 'START') {
    if (clock.start !== undefined) {
      throw conflict('DGP_DEJA_DEMARRE', `Le délai global de paiement a déjà démarré le ${clock.start}.`, effect);
    }
    // Day 0 is the start day; the échéance is day dgpJours (docs/rules/deadlines.md#counting; CCAG-T 2014 art. 3.2 counting).
    return {
      ...clock,
      start: effect.on,
      segments: [{ holder: effect.holder, from: effect.on }],
      echeance: echeanceFrom(clock, effect.on, clock.dgpJours),
    };
  }

  if (clock.start === undefined) {
    throw conflict(
      'DGP_NON_DEMARRE',
      `Le délai global de paiement n'a pas démarré : l'événement ${effect.kind} ne peut pas s'appliquer.`,
      effect,
    );
  }
  if (clock.paidOn !== undefined) {
    throw conflict('DGP_DEJA_PAYE', `La mise en paiement a eu lieu le ${clock.paidOn} : le délai est arrêté.`, effect);
  }
  if (clock.paymentUnreportedFrom !== undefined) {
    throw conflict(
      'DGP_PAIEMENT_NON_REMONTE',
      `Le circuit s'est arrêté au mandatement du ${clock.paymentUnreportedFrom} (mise en paiement non remontée) : le délai n'évolue plus.`,
      effect,
    );
  }
  if (clock.cancelled !== undefined) {
    throw conflict('DGP_ANNULE', `Le dossier a été rejeté le ${clock.cancelled.on} : le délai est arrêté.`, effect);
  }
  const last = lastEventDate(clock);
  if (last !== undefined && effect.on < last) {
    throw new DomainError(
      'DGP_EFFET_ANTERIEUR',
      `L'événement ${effect.kind} du ${effect.on} est antérieur au dernier événement du délai (${last}).`,
      'INVALID',
      [{ path: 'effect.on', message: effect.on }],
    );
  }

  switch (effect.kind) {
    case 'HAND_OVER':
      return { ...clock, segments: [...clock.segments, { holder: effect.holder, from: effect.on }] };

    case 'SUSPEND': {
      // CCP R2192-27: the DGP may be suspended only once.
      if (clock.suspensionUsed) {
        throw conflict(
          'DGP_SUSPENSION_DEJA_UTILISEE',
          'Le délai global de paiement a déjà été suspendu une fois : une seconde suspension est impossible.',
          effect,
        );
      }
      // CCP R2192-28: the notification lists every missing document.
      if (effect.missingDocuments.length === 0) {
        throw new DomainError(
          'DGP_SUSPENSION_SANS_PIECES',
          'La suspension doit indiquer toutes les pièces manquantes ou les mentions à corriger.',
          'INVALID',
          [{ path: 'missingDocuments', message: 'vide' }],
        );
      }
      const echeance = clock.echeance!;
      // A delay that has run out cannot be suspended: that would erase interest already owed (CCP R2192-27;
      // assumption H13).
      if (effect.on > echeance) {
        throw conflict(
          'DGP_SUSPENSION_APRES_ECHEANCE',
          `Le délai global de paiement a expiré le ${echeance} : il ne peut plus être suspendu.`,
          effect,
        );
      }
      const daysLeftAtSuspension = daysBetween(effect.on, echeance);
      // While suspended there is no échéance (the key is left out, not set to undefined, to store cleanly).
      const { echeance: _stopped, ...running } = clock;
      return {
        ...running,
        suspensionUsed: true,
        suspension: {
          on: effect.on,
          missingDocuments: [...effect.missingDocuments],
          daysLeftAtSuspension,
          newDelayDays: delayAfterSuspension(daysLeftAtSuspension),
          echeanceBeforeSuspension: echeance,
        },
      };
    }

    case 'RESUME': {
      const suspension = clock.suspension;
      if (suspension === undefined || suspension.resumedOn !== undefined) {
        throw conflict('DGP_NON_SUSPENDU', "Le délai global de paiement n'est pas suspendu.", effect);
      }
      // CCP R2192-29: the new delay runs from the receipt of the complete answer (day 0).
      return {
        ...clock,
        suspension: { ...suspension, resumedOn: effect.on },
        echeance: echeanceFrom(clock, effect.on, suspension.newDelayDays),
      };
    }

    case 'PAY':
      // CCP R2192-31: the mise en paiement stops the clock (and the interest).
      return { ...clock, paidOn: effect.on };

    case 'PAYMENT_UNREPORTED':
      return { ...clock, paymentUnreportedFrom: effect.on };

    case 'CANCEL':
      return { ...clock, cancelled: { on: effect.on, reason: effect.reason } };
  }
}

/** Apply effects in order. */
export function applyClockEffects(clock: DgpClock, effects: readonly ClockEffect[]): DgpClock {
  return effects.reduce((acc, effect) => applyClockEffect(acc, effect), clock);
}
