import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { isCalendarDate } from '../calendar';
import { DomainError } from '../errors';
import { percentToBp } from './ecb-rate';
import type { EcbObservation } from './ecb-series';

/**
 * Reads the series of the MRO rate from the two CSV shapes the ECB publishes:
 * - the ECB Data Portal's download ("DATE","TIME PERIOD","<title> (FM.D.U2.EUR.4F.KR.MRR_FR.LEV)");
 * - the Data Portal API's SDMX-CSV (`?format=csvdata`: KEY, FREQ, …, TIME_PERIOD, OBS_VALUE, …).
 * Anything else is refused with the line at fault; nothing is recorded from a file that does not parse whole.
 */

/** The MRO fixed-rate series (date of changes, level). */
export const ECB_MRO_SERIES_KEY = 'FM.D.U2.EUR.4F.KR.MRR_FR.LEV';
/** What identifies the MRO rate in a series key or title, whatever the frequency (D: changes, B: business days). */
const MRO_MARKER = '.KR.MRR_FR.LEV';

/** Bounds: the whole series since 1999 is under 100 lines as changes, ~7 000 as business days. */
export const ECB_CSV_MAX_BYTES = 2_000_000;
export const ECB_CSV_MAX_ROWS = 20_000;

function unreadable(message: string, path = 'fichier'): DomainError {
  return new DomainError('TAUX_BCE_REPONSE_ILLISIBLE', message, 'INVALID', [{ path, message }]);
}

export function parseEcbCsv(text: string): EcbObservation[] {
  if (text.length > ECB_CSV_MAX_BYTES) {
    throw unreadable(
      `Le fichier dépasse ${ECB_CSV_MAX_BYTES / 1_000_000} Mo : ce n'est pas la série du taux de la BCE.`,
    );
  }
  let rows: string[][];
  try {
    rows = parse(text, {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
      to: ECB_CSV_MAX_ROWS + 1,
    });
  } catch (e) {
    if (e instanceof CsvError) throw unreadable(`Fichier CSV illisible (ligne ${e.lines ?? '?'}) : ${e.message}.`);
    throw e;
  }
  const header = rows[0];
  if (!header) throw unreadable('Le fichier est vide : exportez la série depuis le portail de données de la BCE.');
  if (rows.length > ECB_CSV_MAX_ROWS) throw unreadable(`Le fichier dépasse ${ECB_CSV_MAX_ROWS} lignes.`);

  const upper = header.map((h) => h.toUpperCase());
  let dateCol = upper.indexOf('TIME_PERIOD');
  let valueCol = upper.indexOf('OBS_VALUE');
  const keyCol = upper.indexOf('KEY');
  if (dateCol < 0 || valueCol < 0) {
    // Data Portal download: DATE, TIME PERIOD (a label), then one column per series, named after its key.
    dateCol = upper.indexOf('DATE');
    valueCol = upper.findIndex((h) => h.includes(MRO_MARKER));
    if (dateCol < 0 || valueCol < 0) {
      throw unreadable(
        `En-tête non reconnu (« ${header.join(', ').slice(0, 200)} ») : exportez en CSV la série ${ECB_MRO_SERIES_KEY} (taux des opérations principales de refinancement) depuis le portail de données de la BCE.`,
      );
    }
  }

  const observations: EcbObservation[] = [];
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i]!;
    const line = i + 1;
    if (keyCol >= 0 && !(row[keyCol] ?? '').toUpperCase().includes(MRO_MARKER)) {
      throw unreadable(
        `Ligne ${line} : la série « ${row[keyCol]} » n'est pas celle du taux des opérations principales de refinancement (${ECB_MRO_SERIES_KEY}).`,
        `ligne ${line}`,
      );
    }
    const date = row[dateCol] ?? '';
    const value = row[valueCol] ?? '';
    if (value === '' || value.toUpperCase() === 'NAN') continue; // no observation that day
    const rateBp = percentToBp(value);
    if (!isCalendarDate(date) || rateBp === undefined) {
      throw unreadable(
        `Ligne ${line} : « ${date.slice(0, 20)} ; ${value.slice(0, 20)} » n'est pas une date AAAA-MM-JJ suivie d'un taux en pourcentage (2.15).`,
        `ligne ${line}`,
      );
    }
    observations.push({ date, rateBp });
  }
  return observations;
}
