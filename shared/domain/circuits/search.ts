import { type CalendarDate, parisDateOf } from '../calendar';
import { amountDue } from './amounts';
import type { CadreCode } from './cadres';
import type { Dossier } from './types';

/**
 * What « Rechercher » may ask of a structure's dossiers (Chorus Pro's search: marché, numéro, état, déposant, dates,
 * montant, en retard). Pure: the criteria a dossier meets, on a given day. The index chooses the candidates by
 * structure and status; the rest is decided here, once.
 */
export interface DossierCriteria {
  readonly marcheId?: string;
  /** Prefix of the number of any piece of the chain, case-insensitive. */
  readonly numero?: string;
  /** SIRET of the depositor of any piece of the chain. */
  readonly deposant?: string;
  /** Cadre of any piece of the chain. */
  readonly cadre?: CadreCode;
  readonly ouvert?: boolean;
  /** Opening day (Paris), bounds included. */
  readonly depuis?: CalendarDate;
  readonly jusquA?: CalendarDate;
  /** Amount TTC of the latest piece that carries amounts, in cents, bounds included. */
  readonly montantMinCents?: number;
  readonly montantMaxCents?: number;
  readonly enRetard?: boolean;
}

/**
 * An open dossier is late when its current wait was flagged late by the rule book (a deadline with no tacit effect
 * passed: the DGP échéance, the complement delay), or when its DGP échéance is behind `today` and it is not paid
 * (CCP R2192-31: interest runs from the day after the échéance).
 */
export function isOverdue(d: Dossier, today: CalendarDate): boolean {
  if (d.closed) return false;
  if (d.wait.lateSince !== null) return true;
  const echeance = d.dgp?.echeance;
  return echeance !== null && echeance !== undefined && echeance < today;
}

export function matchesCriteria(d: Dossier, c: DossierCriteria, today: CalendarDate): boolean {
  if (c.marcheId !== undefined && d.marcheId !== c.marcheId) return false;
  if (c.ouvert !== undefined && d.closed === c.ouvert) return false;
  if (c.numero !== undefined) {
    const prefix = c.numero.toUpperCase();
    if (!d.pieces.some((p) => p.numero.toUpperCase().startsWith(prefix))) return false;
  }
  if (c.deposant !== undefined && !d.pieces.some((p) => p.depositorSiret === c.deposant)) return false;
  if (c.cadre !== undefined && !d.pieces.some((p) => p.cadre === c.cadre)) return false;
  if (c.depuis !== undefined || c.jusquA !== undefined) {
    const opened = parisDateOf(new Date(d.openedAt));
    if (c.depuis !== undefined && opened < c.depuis) return false;
    if (c.jusquA !== undefined && opened > c.jusquA) return false;
  }
  if (c.montantMinCents !== undefined || c.montantMaxCents !== undefined) {
    const amount = amountDue(d);
    if (amount === undefined) return false;
    if (c.montantMinCents !== undefined && amount < c.montantMinCents) return false;
    if (c.montantMaxCents !== undefined && amount > c.montantMaxCents) return false;
  }
  if (c.enRetard !== undefined && isOverdue(d, today) !== c.enRetard) return false;
  return true;
}
