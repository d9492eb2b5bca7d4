/**
 * The geometry of the DGP picture, from the figures the API computed (GET /v1/dossiers/{id}, `delai`): where each
 * holder's period, the suspension gap, the échéance and today sit on a horizontal axis, in percent of its width.
 * Nothing here counts a delay: the periods, their days and the late days are the rule book's; this only places them.
 *
 * The axis runs from the start (day 0) to the later of today and the échéance. A counted day n (1, 2, …) is the slot
 * [n − 1, n] of the axis: a period from day a to day b (both included) covers [a − 1, b].
 */

export type Holder = 'MOE' | 'MOA' | 'SERVICE_FINANCIER';

/** The part of the API's `DelaiGlobalDePaiement` the picture needs (the generated type fits it). */
export interface DelaiFigures {
  readonly statut: 'NON_DEMARRE' | 'EN_COURS' | 'SUSPENDU' | 'PAYE' | 'PAIEMENT_NON_REMONTE' | 'ANNULE';
  readonly auJour: string;
  readonly debut?: string;
  readonly echeance?: string;
  readonly joursRestants: number;
  readonly joursDeRetard: number;
  readonly periodes: readonly {
    readonly detenteur: Holder;
    readonly du: string;
    readonly au: string;
    readonly jours: number;
    readonly enRetard: boolean;
  }[];
  readonly periodeSuspendue?: {
    readonly du: string;
    readonly au: string;
    readonly jours: number;
    readonly enCours: boolean;
  };
  readonly suspension?: { readonly echeanceAvantSuspension: string };
}

export const HOLDER_LABELS: Record<Holder, string> = {
  MOE: 'Maître d’œuvre',
  MOA: 'Maître d’ouvrage',
  SERVICE_FINANCIER: 'Service financier',
};

/** DSFR colours with at least 4.5:1 against white (text and bars alike); late days are the DSFR error red. */
export const HOLDER_COLOURS: Record<Holder, string> = {
  MOE: '#000091',
  MOA: '#716043',
  SERVICE_FINANCIER: '#18753c',
};
export const LATE_COLOUR = '#ce0500';

export const STATUT_LABELS: Record<DelaiFigures['statut'], string> = {
  NON_DEMARRE: 'Non démarré',
  EN_COURS: 'En cours',
  SUSPENDU: 'Suspendu',
  PAYE: 'Mis en paiement',
  PAIEMENT_NON_REMONTE: 'Mandaté (la mise en paiement n’est pas remontée)',
  ANNULE: 'Arrêté (dossier refusé ou rejeté)',
};

export interface Bar {
  readonly holder: Holder;
  readonly label: string;
  readonly colour: string;
  readonly late: boolean;
  readonly from: string;
  readonly to: string;
  readonly days: number;
  /** Left edge and width, in percent of the axis. */
  readonly x: number;
  readonly width: number;
}

export type MarkerKind = 'DEBUT' | 'ECHEANCE' | 'AUJOURDHUI' | 'PAIEMENT' | 'ARRET';

export const MARKER_LABELS: Record<MarkerKind, string> = {
  DEBUT: 'Début',
  ECHEANCE: 'Échéance',
  AUJOURDHUI: 'Aujourd’hui',
  PAIEMENT: 'Mise en paiement',
  ARRET: 'Arrêt',
};

export interface Marker {
  readonly kind: MarkerKind;
  readonly date: string;
  readonly x: number;
}

export interface Timeline {
  /** Days of the axis (day 0 to its last day). */
  readonly axisDays: number;
  readonly bars: readonly Bar[];
  readonly gap?: {
    readonly from: string;
    readonly to: string;
    readonly days: number;
    readonly open: boolean;
    readonly x: number;
    readonly width: number;
  };
  /** The days still to run before the échéance (from today), when on time and running. */
  readonly remaining?: { readonly days: number; readonly x: number; readonly width: number };
  /** The late stretch (échéance → today or payment), drawn in red under the bars. */
  readonly late?: { readonly days: number; readonly x: number; readonly width: number };
  readonly markers: readonly Marker[];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a calendar date `YYYY-MM-DD` (UTC arithmetic: no time zone, no DST). */
export function dayNumber(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`date attendue au format AAAA-MM-JJ : ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** The picture of a delay that has started; `undefined` before its start (nothing to draw). */
export function timelineOf(delai: DelaiFigures): Timeline | undefined {
  if (!delai.debut) return undefined;
  const origin = dayNumber(delai.debut);
  const index = (date: string) => dayNumber(date) - origin;
  const today = index(delai.auJour);
  const echeance = delai.echeance ? index(delai.echeance) : undefined;
  const before = delai.suspension ? index(delai.suspension.echeanceAvantSuspension) : undefined;
  const axisDays = Math.max(
    1,
    today,
    echeance ?? 0,
    delai.periodeSuspendue ? index(delai.periodeSuspendue.au) : 0,
    before ?? 0,
  );
  const pct = (days: number) => round((days / axisDays) * 100);

  const bars: Bar[] = delai.periodes.map((p) => ({
    holder: p.detenteur,
    label: HOLDER_LABELS[p.detenteur],
    colour: p.enRetard ? LATE_COLOUR : HOLDER_COLOURS[p.detenteur],
    late: p.enRetard,
    from: p.du,
    to: p.au,
    days: p.jours,
    x: pct(index(p.du) - 1),
    width: pct(p.jours),
  }));

  const s = delai.periodeSuspendue;
  const gap = s
    ? { from: s.du, to: s.au, days: s.jours, open: s.enCours, x: pct(index(s.du) - 1), width: pct(s.jours) }
    : undefined;

  const running = delai.statut === 'EN_COURS';
  const remaining =
    running && echeance !== undefined && delai.joursRestants > 0
      ? { days: delai.joursRestants, x: pct(today), width: pct(echeance - today) }
      : undefined;
  const late =
    echeance !== undefined && delai.joursDeRetard > 0
      ? { days: delai.joursDeRetard, x: pct(echeance), width: pct(delai.joursDeRetard) }
      : undefined;

  const markers: Marker[] = [{ kind: 'DEBUT', date: delai.debut, x: 0 }];
  if (delai.echeance && echeance !== undefined)
    markers.push({ kind: 'ECHEANCE', date: delai.echeance, x: pct(echeance) });
  // `auJour` is the payment or refusal day once the delay stopped (the figures are frozen there).
  const last: MarkerKind = delai.statut === 'PAYE' ? 'PAIEMENT' : delai.statut === 'ANNULE' ? 'ARRET' : 'AUJOURDHUI';
  markers.push({ kind: last, date: delai.auJour, x: pct(today) });

  return {
    axisDays,
    bars,
    ...(gap ? { gap } : {}),
    ...(remaining ? { remaining } : {}),
    ...(late ? { late } : {}),
    markers,
  };
}
