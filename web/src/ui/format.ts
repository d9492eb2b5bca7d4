/**
 * The formats users of French public services expect: dates `23/07/2019`, amounts `1 188,00 €` (non-breaking
 * spaces, comma decimals), times in Europe/Paris whatever the browser's own zone.
 */
const NBSP = '\u00a0';

const parisDate = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
const parisTime = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' });

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date (`2019-07-23`) or an instant (ISO 8601), as the Paris calendar date `23/07/2019`. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const m = CALENDAR_DATE.exec(value);
  if (m) return `${m[3]}/${m[2]}/${m[1]}`;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '—' : parisDate.format(d);
}

/** An instant as `23/07/2019 à 14:05` (Paris time). */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '—';
  return `${parisDate.format(d)} à ${parisTime.format(d)}`;
}

/** Integer cents as `1 188,00 €` (exact: no floating-point division). */
export function formatEuros(cents: number | null | undefined): string {
  if (cents === null || cents === undefined || !Number.isFinite(cents)) return '—';
  const negative = cents < 0;
  const abs = Math.abs(Math.trunc(cents));
  const euros = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  const rest = String(abs % 100).padStart(2, '0');
  return `${negative ? '-' : ''}${euros},${rest}${NBSP}€`;
}

/** Days left before a deadline as the portal shows them: `J-3`, `J-0` on the last day, `J+2` once late. */
export function formatDaysLeft(daysLeft: number): string {
  return daysLeft >= 0 ? `J-${daysLeft}` : `J+${-daysLeft}`;
}

/** `1 jour`, `3 jours`. */
export function formatDays(n: number): string {
  return `${n}${NBSP}jour${Math.abs(n) > 1 ? 's' : ''}`;
}

/** A SIRET as written on French documents: `538 199 597 00013`. */
export function formatSiret(siret: string): string {
  return /^\d{14}$/.test(siret)
    ? `${siret.slice(0, 3)} ${siret.slice(3, 6)} ${siret.slice(6, 9)} ${siret.slice(9)}`
    : siret;
}

/** An API amount (`"1188.00"`, decimal string) as `1 188,00 €`, converted to cents without floating point. */
export function formatAmount(value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(value);
  if (!m) return '—';
  const cents = Number(m[2]) * 100 + Number(m[3]);
  return formatEuros(m[1] === '-' ? -cents : cents);
}
