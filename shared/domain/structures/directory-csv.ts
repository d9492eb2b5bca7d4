import { stringify } from 'csv-stringify/sync';
import type { DirectoryEntry } from '../records';

/**
 * The public directory as a CSV file that French spreadsheets open as is (docs/rules/structures.md#directory):
 * UTF-8 with a byte-order mark (without it Excel reads UTF-8 as Windows-1252), `;` as separator (the comma is the
 * French decimal mark), CRLF line ends (RFC 4180), booleans as « oui » / « non ». A raison sociale that starts like
 * a formula (`=`, `+`, `-`, `@`) is neutralised so that opening the file runs nothing (CSV injection).
 */
export const DIRECTORY_CSV_HEADER = [
  'SIRET',
  'Raison sociale',
  'Code service obligatoire',
  'Engagement juridique obligatoire',
  'MOA présente',
  'Statut de mise en paiement remonté',
] as const;

export const DIRECTORY_CSV_MEDIA_TYPE = 'text/csv; charset=utf-8';

const yesNo = (b: boolean): string => (b ? 'oui' : 'non');

export function directoryCsv(entries: readonly DirectoryEntry[]): string {
  return stringify(
    entries.map((e) => [
      e.siret,
      e.raisonSociale,
      yesNo(e.directory.codeServiceObligatoire),
      yesNo(e.directory.engagementObligatoire),
      yesNo(e.directory.moaPresente),
      yesNo(e.directory.statutMiseEnPaiementRemonte),
    ]),
    {
      bom: true,
      delimiter: ';',
      record_delimiter: 'windows',
      header: true,
      columns: [...DIRECTORY_CSV_HEADER],
      escape_formulas: true,
    },
  );
}
