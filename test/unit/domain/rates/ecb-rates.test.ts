import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calendarDate } from '../../../../shared/domain/calendar';
import { DomainError } from '../../../../shared/domain/errors';
import { checkEcbRate, halfYearRatesFrom, parseEcbCsv, percentToBp } from '../../../../shared/domain/rates';

const d = calendarDate;
const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/ecb/${name}`, import.meta.url), 'utf8');

function domainErrorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('expected a DomainError');
}

describe('an ECB rate to record (CCP R2192-31: the rate in force on the first day of the half-year)', () => {
  const today = d('2026-12-03');

  it('accepts 1 January or 1 July, in whole basis points', () => {
    expect(checkEcbRate({ halfYearStart: '2026-07-01', rateBp: 215, source: 'OPERATEUR' }, today)).toEqual({
      halfYearStart: '2026-07-01',
      rateBp: 215,
      source: 'OPERATEUR',
    });
  });

  it.each(['2026-07-02', '2026-03-01', '2026-13-01', 'juillet'])('refuses %s as a half-year start', (start) => {
    const e = domainErrorOf(() => checkEcbRate({ halfYearStart: start, rateBp: 215, source: 'OPERATEUR' }, today));
    expect(e.code).toBe('TAUX_BCE_INVALIDE');
    expect(e.fields.map((f) => f.path)).toEqual(['semestre']);
  });

  it('refuses a half-year that has not started: its rate is not known yet, never guessed', () => {
    const e = domainErrorOf(() =>
      checkEcbRate({ halfYearStart: '2027-01-01', rateBp: 215, source: 'OPERATEUR' }, today),
    );
    expect(e.fields[0]?.path).toBe('semestre');
  });

  it.each([2.15, 2501, -1001, Number.NaN])('refuses the rate %s (integer basis points, bounded)', (rateBp) => {
    const e = domainErrorOf(() => checkEcbRate({ halfYearStart: '2026-07-01', rateBp, source: 'OPERATEUR' }, today));
    expect(e.fields.map((f) => f.path)).toEqual(['tauxPointsBase']);
  });

  it('refuses a rate that took effect after the first day of the half-year', () => {
    const e = domainErrorOf(() =>
      checkEcbRate(
        { halfYearStart: '2026-07-01', rateBp: 200, source: 'OPERATEUR', effectiveSince: '2026-07-08' },
        today,
      ),
    );
    expect(e.fields.map((f) => f.path)).toEqual(['enVigueurDepuis']);
  });

  it('reports every fault at once', () => {
    const e = domainErrorOf(() =>
      checkEcbRate({ halfYearStart: '2026-07-02', rateBp: 1.5, source: 'OPERATEUR' }, today),
    );
    expect(e.fields.map((f) => f.path)).toEqual(['semestre', 'tauxPointsBase']);
  });

  it.each<[string, number | undefined]>([
    ['2.15', 215],
    ['4', 400],
    ['4.0', 400],
    ['4.250', 425],
    ['0', 0],
    ['-0.5', -50],
    ['2,15', 215],
    ['2.155', undefined],
    ['abc', undefined],
    ['', undefined],
  ])('percentToBp(%s) = %s (exact, no floating point)', (text, bp) => {
    expect(percentToBp(text)).toBe(bp);
  });
});

describe('half-year rates from the series of changes (FM.D.U2.EUR.4F.KR.MRR_FR.LEV)', () => {
  it('the recorded API answer gives the rule book rates for 2023–2025 and the one in force since 11 June 2025 after', () => {
    const rates = halfYearRatesFrom(parseEcbCsv(fixture('mro-sdmx.csv')), {
      coveredUntil: d('2026-12-03'),
      source: 'API_BCE',
    });
    // first change in the answer: 2022-07-27 → first half-year it covers: 2023-01-01
    expect(rates.map((r) => [r.halfYearStart, r.rateBp, r.effectiveSince])).toEqual([
      ['2023-01-01', 250, '2022-12-21'],
      ['2023-07-01', 400, '2023-06-21'],
      ['2024-01-01', 450, '2023-09-20'],
      ['2024-07-01', 425, '2024-06-12'],
      ['2025-01-01', 315, '2024-12-18'],
      ['2025-07-01', 215, '2025-06-11'],
      ['2026-01-01', 215, '2025-06-11'],
      ['2026-07-01', 215, '2025-06-11'],
    ]);
  });

  it('the Data Portal download gives the same values', () => {
    const api = halfYearRatesFrom(parseEcbCsv(fixture('mro-sdmx.csv')), {
      coveredUntil: d('2026-12-03'),
      source: 'API_BCE',
    });
    const portal = halfYearRatesFrom(parseEcbCsv(fixture('mro-portal-export.csv')), {
      coveredUntil: d('2026-12-03'),
      source: 'CSV_BCE',
    });
    // the export starts 2023-06-21: its first covered half-year is 2023-07-01
    expect(portal.map((r) => [r.halfYearStart, r.rateBp])).toEqual(
      api.filter((r) => r.halfYearStart >= '2023-07-01').map((r) => [r.halfYearStart, r.rateBp]),
    );
  });

  it('never derives a half-year the extract does not cover (no carry-over)', () => {
    const rates = halfYearRatesFrom([{ date: d('2025-06-11'), rateBp: 215 }], {
      coveredUntil: d('2026-06-30'),
      source: 'CSV_BCE',
    });
    expect(rates.map((r) => r.halfYearStart)).toEqual(['2025-07-01', '2026-01-01']);
  });

  it('a change on the first day of a half-year is the rate of that half-year', () => {
    const rates = halfYearRatesFrom(
      [
        { date: d('2025-06-11'), rateBp: 215 },
        { date: d('2026-07-01'), rateBp: 190 },
      ],
      { coveredUntil: d('2026-07-01'), source: 'API_BCE' },
    );
    expect(rates.at(-1)).toMatchObject({ halfYearStart: '2026-07-01', rateBp: 190, effectiveSince: '2026-07-01' });
  });

  it('an empty series is refused (TAUX_BCE_REPONSE_VIDE)', () => {
    const header = fixture('mro-sdmx.csv').split('\n')[0]!;
    const e = domainErrorOf(() =>
      halfYearRatesFrom(parseEcbCsv(`${header}\n`), { coveredUntil: d('2026-12-03'), source: 'API_BCE' }),
    );
    expect(e.code).toBe('TAUX_BCE_REPONSE_VIDE');
  });

  it('two different values on one day are refused', () => {
    const e = domainErrorOf(() =>
      halfYearRatesFrom(
        [
          { date: d('2025-06-11'), rateBp: 215 },
          { date: d('2025-06-11'), rateBp: 200 },
        ],
        { coveredUntil: d('2026-12-03'), source: 'API_BCE' },
      ),
    );
    expect(e.code).toBe('TAUX_BCE_SERIE_INCOHERENTE');
  });
});

describe('the CSV shapes of the ECB', () => {
  it.each<[string, string]>([
    ['an HTML error page', '<html><body>Service unavailable</body></html>'],
    ['another series', 'KEY,TIME_PERIOD,OBS_VALUE\nEXR.D.USD.EUR.SP00.A,2025-06-11,1.14\n'],
    ['a value that is not a rate', 'KEY,TIME_PERIOD,OBS_VALUE\nFM.D.U2.EUR.4F.KR.MRR_FR.LEV,2025-06-11,deux\n'],
    ['a date that is not a date', 'KEY,TIME_PERIOD,OBS_VALUE\nFM.D.U2.EUR.4F.KR.MRR_FR.LEV,2025-S1,2.15\n'],
    ['an unbalanced row', 'KEY,TIME_PERIOD,OBS_VALUE\nFM.D.U2.EUR.4F.KR.MRR_FR.LEV,2025-06-11\n'],
    ['an empty text', ''],
  ])('refuses %s (TAUX_BCE_REPONSE_ILLISIBLE)', (_what, text) => {
    expect(domainErrorOf(() => parseEcbCsv(text)).code).toBe('TAUX_BCE_REPONSE_ILLISIBLE');
  });

  it('skips days without an observation', () => {
    expect(
      parseEcbCsv(
        'KEY,TIME_PERIOD,OBS_VALUE\nFM.B.U2.EUR.4F.KR.MRR_FR.LEV,2025-06-10,\nFM.B.U2.EUR.4F.KR.MRR_FR.LEV,2025-06-11,2.15\n',
      ),
    ).toEqual([{ date: '2025-06-11', rateBp: 215 }]);
  });
});
