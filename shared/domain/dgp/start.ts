import { addDays, type CalendarDate, minDate } from '../calendar';
import type { ClockHolder } from './effects';

/**
 * When the DGP starts, per kind of dossier (docs/rules/dgp.md#start). Each function returns day 0 of the DGP and the holder
 * of the dossier at that moment (ready to become a START effect), or `undefined` while the start has not happened.
 */
export interface DgpStart {
  readonly on: CalendarDate;
  readonly holder: ClockHolder;
}

/** Who receives payment requests for the DGP start (fiche marché `receptionDemandesPaiement`). */
export type DgpReceiver = 'MOE' | 'MOA';
/** Chorus Pro behaviour and default (docs/rules/marche.md). */
export const DEFAULT_DGP_RECEIVER: DgpReceiver = 'MOE';

export interface AcompteMensuelStartInput {
  /** Default DEFAULT_DGP_RECEIVER. */
  readonly receiver?: DgpReceiver;
  /** Day the PDM (or the request standing for it) was made available on the portal to each actor. */
  readonly madeAvailableTo: Readonly<Partial<Record<DgpReceiver, CalendarDate>>>;
}

/**
 * Monthly acompte: the day the PDM is made available to the receiver named in the marché.
 * CCP R2192-12 (receipt by the buyer, or by the MOE when the contract says so); CCP R2192-15 (portal: the day the
 * request is made available).
 */
export function dgpStartAcompteMensuel(input: AcompteMensuelStartInput): DgpStart | undefined {
  const receiver = input.receiver ?? DEFAULT_DGP_RECEIVER;
  const on = input.madeAvailableTo[receiver];
  return on === undefined ? undefined : { on, holder: receiver };
}

/** Days the titulaire has to accept or refuse a subcontractor's request: CCP R2193-12; from the deposit, R2193-16. */
export const TITULAIRE_ACCEPTANCE_DAYS = 15;

export interface SousTraitantStartInput {
  /** Day the sous-traitant deposited its request on the portal. */
  readonly depositedOn: CalendarDate;
  readonly titulaireDecision?: { readonly accepted: boolean; readonly on: CalendarDate };
  readonly today: CalendarDate;
  /** Who gets the dossier once accepted (default MOE). */
  readonly nextHolder?: ClockHolder;
}

/**
 * Subcontractor in paiement direct: the titulaire's acceptance day, or the last day of its 15 days when it stays
 * silent (silence is acceptance). CCP R2192-22, R2192-23; R2193-13 (silence), R2193-16 (15 days from the deposit).
 * The 15 days are a CCP delay, counted like the DGP: not moved to a working day. A refusal within the 15 days
 * means no start; a decision after them comes too late, the request was already accepted.
 */
export function dgpStartSousTraitant(input: SousTraitantStartInput): DgpStart | undefined {
  const holder = input.nextHolder ?? 'MOE';
  const lastDay = addDays(input.depositedOn, TITULAIRE_ACCEPTANCE_DAYS);
  const decision = input.titulaireDecision;
  if (decision !== undefined && decision.on <= lastDay) {
    return decision.accepted ? { on: decision.on, holder } : undefined;
  }
  // The 15 days end at midnight of their last day; the tacit acceptance is that day (day 0 of the DGP).
  if (decision !== undefined || input.today > lastDay) return { on: lastDay, holder };
  return undefined;
}

/**
 * Tacit DGD (CCAG-T 2014 art. 13.4.4 / 2021 art. 12.4.4; docs/rules/dgp.md#start, assumption H8). When the MOA lets
 * its 10 days pass, the titulaire's projet de décompte général becomes the DGD, and "le délai de paiement du solde
 * […] court à compter du lendemain de l'expiration de ce délai". In the CCAG's own counting (art. 3.2.1) a delay
 * "commence à courir […] le lendemain du jour" of its triggering event: the expiry is that event, so the day the
 * tacit DGD forms (the last of the 10 days) is day 0 and the next day is the DGP's first day. The same start serves
 * the DG accepted by the titulaire's 30 days of silence (13.4.5 / 12.4.5, assumption H9).
 */
export function dgpStartDgdTacite(formedOn: CalendarDate, holder: ClockHolder = 'MOA'): DgpStart {
  return { on: formedOn, holder };
}

export interface SoldeStartInput {
  /** Day the MOA received the DGD signed by the titulaire (A8). */
  readonly dgdReceivedByMoaOn?: CalendarDate;
  /**
   * Day the tacit DGD formed: the last day of the MOA's 10 days after the titulaire's signed projet de DG (A22),
   * as computed by the solde circuit (CCAG-T 2014 art. 13.4.4).
   */
  readonly tacitDgdFormedOn?: CalendarDate;
  /** Default MOA. */
  readonly holder?: ClockHolder;
}

/**
 * Solde: the MOA's receipt of the DGD (CCP R2192-16), or the formation of the tacit DGD (`dgpStartDgdTacite`).
 * The earlier of the two if both are known.
 */
export function dgpStartSolde(input: SoldeStartInput): DgpStart | undefined {
  const holder = input.holder ?? 'MOA';
  const tacit = input.tacitDgdFormedOn === undefined ? undefined : dgpStartDgdTacite(input.tacitDgdFormedOn, holder).on;
  const candidates = [input.dgdReceivedByMoaOn, tacit].filter((d): d is CalendarDate => d !== undefined);
  if (candidates.length === 0) return undefined;
  const on = candidates.reduce(minDate);
  return { on, holder };
}

export type DgpStartInput =
  | ({ readonly kind: 'ACOMPTE_MENSUEL' } & AcompteMensuelStartInput)
  | ({ readonly kind: 'SOUS_TRAITANT' } & SousTraitantStartInput)
  | ({ readonly kind: 'SOLDE' } & SoldeStartInput);

/** Day 0 of the DGP for any kind of dossier (docs/rules/dgp.md#start). */
export function dgpStart(input: DgpStartInput): DgpStart | undefined {
  switch (input.kind) {
    case 'ACOMPTE_MENSUEL':
      return dgpStartAcompteMensuel(input);
    case 'SOUS_TRAITANT':
      return dgpStartSousTraitant(input);
    case 'SOLDE':
      return dgpStartSolde(input);
  }
}
