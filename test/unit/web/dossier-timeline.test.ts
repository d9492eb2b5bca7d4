import { describe, expect, it } from 'vitest';
import {
  type DelaiFigures,
  dayNumber,
  HOLDER_COLOURS,
  LATE_COLOUR,
  timelineOf,
} from '../../../web/src/dossier/timeline';

/**
 * The DGP picture's geometry (web/src/dossier/timeline.ts) from the API's figures: the suspended-then-late acompte
 * of test/integration/api/dossiers/dgp-picture.test.ts, dated from Mon 3 March 2025 (day 0).
 */
const suspendedThenLate: DelaiFigures = {
  statut: 'PAYE',
  auJour: '2025-04-23', // day 51: paid
  debut: '2025-03-03',
  echeance: '2025-04-19', // day 47
  joursRestants: 0,
  joursDeRetard: 4,
  periodes: [
    { detenteur: 'MOE', du: '2025-03-04', au: '2025-03-05', jours: 2, enRetard: false },
    { detenteur: 'MOA', du: '2025-03-06', au: '2025-03-08', jours: 3, enRetard: false },
    { detenteur: 'SERVICE_FINANCIER', du: '2025-03-09', au: '2025-03-10', jours: 2, enRetard: false },
    { detenteur: 'SERVICE_FINANCIER', du: '2025-03-21', au: '2025-04-19', jours: 30, enRetard: false },
    { detenteur: 'SERVICE_FINANCIER', du: '2025-04-20', au: '2025-04-23', jours: 4, enRetard: true },
  ],
  periodeSuspendue: { du: '2025-03-11', au: '2025-03-20', jours: 10, enCours: false },
  suspension: { echeanceAvantSuspension: '2025-04-02' },
};

describe('DGP picture geometry (portal)', () => {
  it('counts calendar days in UTC, across a daylight-saving change', () => {
    // 30 March 2025 is the spring change in Paris: 29 March → 31 March is still 2 days
    expect(dayNumber('2025-03-31') - dayNumber('2025-03-29')).toBe(2);
    expect(() => dayNumber('03/03/2025')).toThrow(RangeError);
  });

  it('places every period, the gap and the markers on an axis from day 0 to the payment (day 51)', () => {
    const t = timelineOf(suspendedThenLate)!;
    // Axis: 3 March → 23 April = 28 + 23 = 51 days (later than the échéance, day 47)
    expect(t.axisDays).toBe(51);
    // MOE days 1..2 → slot [0, 2]: x 0 %, width 2/51 = 3.922 %
    expect(t.bars[0]).toMatchObject({ holder: 'MOE', x: 0, width: 3.922, colour: HOLDER_COLOURS.MOE });
    // MOA days 3..5 → [2, 5]: x 2/51 = 3.922 %, width 3/51 = 5.882 %
    expect(t.bars[1]).toMatchObject({ holder: 'MOA', x: 3.922, width: 5.882 });
    // Gap: days 8..17 → [7, 17]: x 7/51 = 13.725 %, width 10/51 = 19.608 %
    expect(t.gap).toEqual({ from: '2025-03-11', to: '2025-03-20', days: 10, open: false, x: 13.725, width: 19.608 });
    // After the gap, day 18 → x 17/51 = 33.333 %: the bars never overlap the gap
    expect(t.bars[3]).toMatchObject({ x: 33.333, width: 58.824 }); // 30/51
    // Late days 48..51 → [47, 51]: x 47/51 = 92.157 %, width 4/51 = 7.843 %, in red
    expect(t.bars[4]).toMatchObject({ late: true, x: 92.157, width: 7.843, colour: LATE_COLOUR });
    expect(t.late).toEqual({ days: 4, x: 92.157, width: 7.843 });
    expect(t.remaining).toBeUndefined();
    expect(t.markers).toEqual([
      { kind: 'DEBUT', date: '2025-03-03', x: 0 },
      { kind: 'ECHEANCE', date: '2025-04-19', x: 92.157 },
      { kind: 'PAIEMENT', date: '2025-04-23', x: 100 },
    ]);
    // The bars and the gap cover the whole axis, end to end: 2 + 3 + 2 + 10 + 30 + 4 = 51
    const covered = [...t.bars.map((b) => b.width), t.gap!.width].reduce((a, b) => a + b, 0);
    expect(covered).toBeCloseTo(100, 1);
  });

  it('shows the days still to run up to the échéance while running on time', () => {
    // Day 0 = 3 March, today 10 March (day 7), échéance 2 April (day 30): axis 30 days, 23 left
    const t = timelineOf({
      statut: 'EN_COURS',
      auJour: '2025-03-10',
      debut: '2025-03-03',
      echeance: '2025-04-02',
      joursRestants: 23,
      joursDeRetard: 0,
      periodes: [{ detenteur: 'MOE', du: '2025-03-04', au: '2025-03-10', jours: 7, enRetard: false }],
    })!;
    expect(t.axisDays).toBe(30);
    // today at 7/30 = 23.333 %; remaining 23/30 = 76.667 %
    expect(t.remaining).toEqual({ days: 23, x: 23.333, width: 76.667 });
    expect(t.markers.map((m) => m.kind)).toEqual(['DEBUT', 'ECHEANCE', 'AUJOURDHUI']);
  });

  it('draws nothing before the delay starts', () => {
    expect(
      timelineOf({ statut: 'NON_DEMARRE', auJour: '2025-03-03', joursRestants: 0, joursDeRetard: 0, periodes: [] }),
    ).toBeUndefined();
  });
});
