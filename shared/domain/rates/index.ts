/** ECB rates as data (docs/ecb-rates.md): validation, the series and its CSV shapes. */

export { ECB_CSV_MAX_BYTES, ECB_CSV_MAX_ROWS, ECB_MRO_SERIES_KEY, parseEcbCsv } from './ecb-csv';
export {
  checkEcbRate,
  currentHalfYear,
  ECB_RATE_MAX_BP,
  ECB_RATE_MIN_BP,
  ECB_RATE_SOURCE_LABELS,
  ECB_RATE_SOURCES,
  type EcbRateEntry,
  type EcbRateInput,
  type EcbRateSource,
  percentToBp,
  type RecordedEcbRate,
} from './ecb-rate';
export { type EcbObservation, type HalfYearRatesOptions, halfYearRatesFrom, normalizeObservations } from './ecb-series';
