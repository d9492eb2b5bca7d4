import type { CalendarDate } from '../calendar';

/** Who holds a dossier while the DGP runs (docs/rules/dgp.md#holders). */
export const CLOCK_HOLDERS = ['MOE', 'MOA', 'SERVICE_FINANCIER'] as const;
export type ClockHolder = (typeof CLOCK_HOLDERS)[number];

/**
 * What a step of a circuit does to the DGP clock. The circuits (shared/domain/circuits) emit these; the clock
 * (shared/domain/dgp) applies them. Neither knows the other's internals.
 */
export type ClockEffect =
  | { readonly kind: 'START'; readonly on: CalendarDate; readonly holder: ClockHolder }
  | { readonly kind: 'HAND_OVER'; readonly on: CalendarDate; readonly holder: ClockHolder }
  | { readonly kind: 'SUSPEND'; readonly on: CalendarDate; readonly missingDocuments: readonly string[] }
  | { readonly kind: 'RESUME'; readonly on: CalendarDate }
  | { readonly kind: 'PAY'; readonly on: CalendarDate }
  /** The buyer does not report the mise en paiement: the circuit ended at the mandatement on `on`. */
  | { readonly kind: 'PAYMENT_UNREPORTED'; readonly on: CalendarDate }
  | { readonly kind: 'CANCEL'; readonly on: CalendarDate; readonly reason: string };
