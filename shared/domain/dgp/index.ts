/** The DGP clock (docs/rules/interest.md): start rules, effects, late interest, view. */
export {
  applyClockEffect,
  applyClockEffects,
  DGP_EXTENDED_TO_WORKING_DAY,
  DGP_MAX_JOURS,
  type DgpClock,
  type DgpKind,
  type DgpSuspension,
  delayAfterSuspension,
  echeanceOfDelay,
  type HolderSegment,
  lastEventDate,
  type NewDgpClockInput,
  newDgpClock,
  SUSPENSION_MIN_NEW_DELAY_DAYS,
} from './clock';
export {
  ECB_MAIN_REFINANCING_RATES,
  type EcbRate,
  type EcbRateTable,
  ecbRateForHalfYear,
  halfYearLabel,
  halfYearStartOf,
} from './ecb-rates';
export { CLOCK_HOLDERS, type ClockEffect, type ClockHolder } from './effects';
export {
  INTEREST_DAY_COUNT,
  INTEREST_MARGIN_BP,
  interestCents,
  LATE_PAYMENT_INDEMNITY_CENTS,
  type LateInterest,
  type LateInterestInput,
  lateDays,
  lateInterest,
} from './interest';
export {
  type DgpGap,
  type DgpPeriod,
  type DgpPicture,
  dgpPicture,
  INTEREST_WITHOUT_AMOUNT,
  type InterestUnavailable,
} from './picture';
export { type ClockSnapshot, clockDetails, clockRecordKey, clockSnapshot } from './record';
export {
  type AcompteMensuelStartInput,
  DEFAULT_DGP_RECEIVER,
  type DgpReceiver,
  type DgpStart,
  type DgpStartInput,
  dgpStart,
  dgpStartAcompteMensuel,
  dgpStartDgdTacite,
  dgpStartSolde,
  dgpStartSousTraitant,
  type SoldeStartInput,
  type SousTraitantStartInput,
  TITULAIRE_ACCEPTANCE_DAYS,
} from './start';
export { type ClockViewOptions, clockView, type DgpClockView, type DgpStatus } from './view';
