import {
  addDays,
  type CalendarDate,
  daysBetween,
  endOfParisDay,
  lastDayOfDelay,
  maxDate,
  startOfParisDay,
} from '../calendar';
import { delayAfterSuspension, echeanceOfDelay } from '../dgp/clock';
import { TITULAIRE_ACCEPTANCE_DAYS } from '../dgp/start';
import type { DeadlineBasis, DgpTrack, DossierParams } from './types';

/**
 * Every deadline of the circuits, with its source (docs/rules/deadlines.md#counting). Counting (CCAG-T 2014 art. 3.2): a delay starts
 * at 0h the day after its trigger and ends at midnight of its last day; CCAG delays whose last day is a Saturday,
 * Sunday or public holiday run to the next working day. The instant a delay passes is endOfParisDay(lastDay).
 */

export type CcagVersion = DossierParams['ccagVersion'];

/** The article of the CCAG-T version the marché names (2009 as amended in 2014: art. 13.x; 2021: art. 12.x). */
export function ccagArticle(version: CcagVersion, art2014: string, art2021: string): string {
  return version === '2021' ? `CCAG-T 2021 art. ${art2021}` : `CCAG-T 2009 mod. 2014 art. ${art2014}`;
}

function basis(trigger: CalendarDate, days: number, extendedToWorkingDay: boolean, source: string): DeadlineBasis {
  return { trigger, days, extendedToWorkingDay, lastDay: lastDayOfDelay(trigger, days, extendedToWorkingDay), source };
}

/**
 * Validation of a sous-traitant's payment request by the titulaire: 15 days, silence is acceptance (CCP R2193-12,
 * R2193-13), counted from the deposit on the portal (R2193-16). A Code de la commande publique delay, not a CCAG
 * one: art. 3.2.4 does not extend it to a working day. Applied alike, as Chorus Pro does (same A_VALIDER_1
 * statuses), to the mandataire's validation of a cotraitant's piece and to the 2nd validation (assumption H4).
 */
export const DELAI_VALIDATION_JOURS = TITULAIRE_ACCEPTANCE_DAYS;
export function delaiValidation(trigger: CalendarDate): DeadlineBasis {
  return basis(trigger, DELAI_VALIDATION_JOURS, false, 'CCP R2193-12, R2193-13, R2193-16');
}

/** Décret 2013-269 art. 5: the MOE's time may not exceed 15 days; a longer marché value is capped. */
export const DELAI_MOE_PLAFOND_JOURS = 15;

/**
 * MOE examination of a PDM: `delaiMoeJours` (CCAG default 7) from the day the PDM is made available to it
 * (CCAG-T 2014 art. 13.2.2 / 2021 art. 12.2.2; décret 2013-269 art. 5), extended to a working day (art. 3.2.4).
 */
export function delaiExamenMoe(params: DossierParams, misADispositionLe: CalendarDate): DeadlineBasis {
  const days = Math.min(params.delaiMoeJours, DELAI_MOE_PLAFOND_JOURS);
  return basis(
    misADispositionLe,
    days,
    true,
    `${ccagArticle(params.ccagVersion, '13.2.2', '12.2.2')} ; décret 2013-269 art. 5`,
  );
}

/** Projet de décompte final: within 30 days of the notification of the réception (CCAG-T 2014 13.3.2 / 2021 12.3.2). */
export const DELAI_PROJET_DECOMPTE_FINAL_JOURS = 30;
export function delaiDepotProjetDecompteFinal(version: CcagVersion, receptionNotifieeLe: CalendarDate): DeadlineBasis {
  return basis(receptionNotifieeLe, DELAI_PROJET_DECOMPTE_FINAL_JOURS, true, ccagArticle(version, '13.3.2', '12.3.2'));
}

/**
 * Notification of the décompte général by the MOA: 30 days from the LATER of the MOE's and the MOA's receipt of
 * the projet de décompte final (CCAG-T 2014 art. 13.4.2 / 2021 art. 12.4.2). The MOE's projet de DG (A17) has no
 * delay of its own: it must come in time for this one.
 */
export const DELAI_NOTIFICATION_DG_JOURS = 30;
export function delaiNotificationDecompteGeneral(
  version: CcagVersion,
  pdfRecuMoeLe: CalendarDate,
  pdfRecuMoaLe: CalendarDate,
): DeadlineBasis {
  return basis(
    maxDate(pdfRecuMoeLe, pdfRecuMoaLe),
    DELAI_NOTIFICATION_DG_JOURS,
    true,
    ccagArticle(version, '13.4.2', '12.4.2'),
  );
}

/** Titulaire's answer to the DG: 30 days from its notification; silence makes it the DGD (13.4.3, 13.4.5 / 12.4.3, 12.4.5). */
export const DELAI_SIGNATURE_DG_JOURS = 30;
export function delaiSignatureDecompteGeneral(version: CcagVersion, dgNotifieLe: CalendarDate): DeadlineBasis {
  return basis(
    dgNotifieLe,
    DELAI_SIGNATURE_DG_JOURS,
    true,
    `${ccagArticle(version, '13.4.3', '12.4.3')} ; ${ccagArticle(version, '13.4.5', '12.4.5')}`,
  );
}

/** Tacit procedure: the MOA has 10 days after the titulaire's signed projet de DG (A22) (13.4.4 / 12.4.4). */
export const DELAI_REPONSE_PROJET_DG_TACITE_JOURS = 10;
export function delaiReponseProjetDgTacite(version: CcagVersion, projetDgTaciteLe: CalendarDate): DeadlineBasis {
  return basis(projetDgTaciteLe, DELAI_REPONSE_PROJET_DG_TACITE_JOURS, true, ccagArticle(version, '13.4.4', '12.4.4'));
}

/**
 * Waits with no legal deadline of their own (MOA validation of the état d'acompte, service financier, the
 * fournisseur after the MOE's silence, recyclage) use the DGP échéance *(assumption H5)*: past it the buyer owes
 * intérêts moratoires, so the wait is flagged late (no tacit effect) and goes on.
 * docs/rules/dgp.md#start: the start day is day 0; the échéance is not extended to a working day *(assumption H2)*.
 */
export function dgpStarted(startedOn: CalendarDate, dgpJours: number): DgpTrack {
  return {
    startedOn,
    runsFrom: startedOn,
    days: dgpJours,
    echeance: echeanceOfDelay(startedOn, dgpJours),
    suspendedOn: null,
    remainingDaysAtSuspension: null,
  };
}

/** CCP R2192-27: suspension; the days left are kept for R2192-29. */
export function dgpSuspended(dgp: DgpTrack, on: CalendarDate): DgpTrack {
  const remaining = dgp.echeance === null ? 0 : Math.max(0, daysBetween(on, dgp.echeance));
  return { ...dgp, echeance: null, suspendedOn: on, remainingDaysAtSuspension: remaining };
}

/** CCP R2192-29: on the complete answer a new delay runs (the rule lives in the DGP clock module). */
export function dgpResumed(dgp: DgpTrack, on: CalendarDate): DgpTrack {
  const days = delayAfterSuspension(dgp.remainingDaysAtSuspension ?? 0);
  return { ...dgp, runsFrom: on, days, echeance: echeanceOfDelay(on, days), suspendedOn: null };
}

export function delaiEcheanceDgp(dgp: DgpTrack): DeadlineBasis | null {
  if (dgp.echeance === null) return null;
  return {
    trigger: dgp.runsFrom,
    days: dgp.days,
    extendedToWorkingDay: false,
    lastDay: dgp.echeance,
    source: dgp.runsFrom === dgp.startedOn ? 'CCP R2192-10 (échéance du DGP)' : 'CCP R2192-29 (échéance du DGP)',
  };
}

/** Suspended piece: the fournisseur's time to send the missing documents before it is flagged late *(assumption H6)*. */
export function delaiComplement(suspendedOn: CalendarDate, days: number): DeadlineBasis {
  return basis(suspendedOn, days, false, 'Paramètre de la plateforme (hypothèse H6) ; CCP R2192-28');
}

/** The instant a delay passes: midnight ending its last day, Paris time (CCAG-T 2014 art. 3.2.2). */
export function deadlineInstant(lastDay: CalendarDate): Date {
  return endOfParisDay(lastDay);
}

/** Reminder at 0h Paris, `daysBefore` days before the last day; none when that day is not after the wait began. */
export function reminderInstant(lastDay: CalendarDate, waitSince: CalendarDate, daysBefore: number): Date | null {
  const day = addDays(lastDay, -daysBefore);
  return daysBetween(waitSince, day) > 0 ? startOfParisDay(day) : null;
}
