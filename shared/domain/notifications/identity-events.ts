import { addDays, type CalendarDate, parisDateOf, startOfParisDay } from '../calendar';
import { formatDateFr } from '../circuits/labels';
import { TECHNICAL_PASSWORD_MAX_AGE_DAYS } from '../structures';
import type { NotificationIntent } from './kinds';

/** Notifications of the structures' management (issue 13): rattachements and the technical account. */

const structureLink = (siret: string) => `/structures/${siret}`;

/** A user asks to be attached: the gestionnaires (principal and secondary) of the structure are asked to decide. */
export function attachmentRequested(input: {
  readonly siret: string;
  readonly raisonSociale?: string;
  readonly requesterId: string;
  readonly requesterAddress: string;
  readonly at: string;
}): NotificationIntent {
  const name = input.raisonSociale ? `${input.raisonSociale} (${input.siret})` : input.siret;
  return {
    kind: 'RATTACHEMENT_DEMANDE',
    source: `RATTACHEMENT#${input.siret}#${input.requesterId}@${input.at}`,
    at: input.at,
    title: `Demande de rattachement à ${name}`,
    lines: [
      `${input.requesterAddress} demande à être rattaché(e) à la structure ${name}.`,
      'Acceptez ou refusez la demande dans Activités du gestionnaire.',
    ],
    action: {
      label: 'accepter ou refuser la demande de rattachement',
      lastDay: null,
      deadlineAt: null,
      onSilence: null,
    },
    link: structureLink(input.siret),
    audience: [{ siret: input.siret, act: true, managersOnly: true }],
  };
}

/** A gestionnaire decided: the requester is told. */
export function attachmentDecided(input: {
  readonly siret: string;
  readonly raisonSociale?: string;
  readonly requesterId: string;
  readonly decision: 'APPROVED' | 'REFUSED';
  readonly at: string;
}): NotificationIntent {
  const name = input.raisonSociale ? `${input.raisonSociale} (${input.siret})` : input.siret;
  const accepted = input.decision === 'APPROVED';
  return {
    kind: 'RATTACHEMENT_DECIDE',
    source: `RATTACHEMENT#${input.siret}#${input.requesterId}@${input.at}#DECISION`,
    at: input.at,
    title: `Rattachement à ${name} ${accepted ? 'accepté' : 'refusé'}`,
    lines: [
      accepted
        ? `Votre demande de rattachement à la structure ${name} est acceptée : ses espaces vous sont ouverts.`
        : `Votre demande de rattachement à la structure ${name} est refusée. Rapprochez-vous de son gestionnaire.`,
    ],
    link: structureLink(input.siret),
    audience: [{ siret: input.siret, act: false, userId: input.requesterId }],
  };
}

/** Days before expiry at which the GP is told to renew the technical account's password. */
export const TECHNICAL_PASSWORD_NOTICE_DAYS = 30;

/** The last day the technical account's password is valid (changed + 424 days; Chorus Pro compte technique). */
export function technicalPasswordExpiry(changedAt: Date): CalendarDate {
  return addDays(parisDateOf(changedAt), TECHNICAL_PASSWORD_MAX_AGE_DAYS);
}

/** The instant from which `technicalPasswordDue` tells the GP: 0 h Paris, 30 days before the last valid day. */
export function technicalPasswordNoticeAt(changedAt: Date): Date {
  return startOfParisDay(addDays(technicalPasswordExpiry(changedAt), -TECHNICAL_PASSWORD_NOTICE_DAYS));
}

/**
 * The technical password expires within 30 days: the GP is told once per password (the source is the change date).
 * Null while more than 30 days remain.
 */
export function technicalPasswordDue(input: {
  readonly siret: string;
  readonly passwordChangedAt: Date;
  readonly now: Date;
}): NotificationIntent | null {
  const expiry = technicalPasswordExpiry(input.passwordChangedAt);
  if (addDays(parisDateOf(input.now), TECHNICAL_PASSWORD_NOTICE_DAYS) < expiry) return null;
  return {
    kind: 'MOT_DE_PASSE_TECHNIQUE',
    source: `COMPTE_TECHNIQUE#${input.siret}@${input.passwordChangedAt.toISOString()}`,
    at: input.now.toISOString(),
    title: `Mot de passe du compte technique à renouveler avant le ${formatDateFr(expiry)}`,
    lines: [
      `Le mot de passe du compte technique de la structure ${input.siret} doit être changé tous les ${TECHNICAL_PASSWORD_MAX_AGE_DAYS} jours.`,
      `Il expire le ${formatDateFr(expiry)} : changez-le avant cette date, sans quoi les échanges par API s'arrêteront.`,
    ],
    action: {
      label: 'changer le mot de passe du compte technique',
      lastDay: expiry,
      deadlineAt: null,
      onSilence: "le compte technique ne peut plus se connecter à l'API",
    },
    link: structureLink(input.siret),
    audience: [{ siret: input.siret, act: true, principalOnly: true }],
  };
}
