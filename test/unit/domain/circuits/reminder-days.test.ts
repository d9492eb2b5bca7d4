import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../../functions/catalog';
import { pendingActionOf } from '../../../../shared/domain/circuits';
import { type Marche, marcheSchema, parseMarche } from '../../../../shared/domain/marche';
import { ficheMarcheEntree } from '../../../../shared/schemas/marche';
import { A, marcheSolo, montants, paris, Scenario } from './fixtures';

/**
 * The reminder of a wait, `rappelJoursAvant` days before its last day: a parameter of the marché (issue 13), 3 by
 * default, from 1 to 15, armed with the wait (`pending.reminderAt`, which the dossier's transaction stores as its
 * reminder) and found again when a lost workflow resumes from the dossier alone.
 */
const withReminder = (days: number | undefined): Marche =>
  marcheSchema.parse({ ...marcheSolo, id: `M-RAPPEL-${days}`, rappelJoursAvant: days });

/** Friday 11 April 2025: the titulaire deposits its PDM; the MOE has 7 days (CCAG-T 2014 art. 13.2.2). */
function pdmDeposee(marche: Marche) {
  const s = new Scenario(marche);
  return s.act(
    A.titulaire,
    {
      type: 'DEPOSER',
      dossierId: 'D1',
      piece: { id: 'pdm', numero: 'PDM-04', cadre: 'A4', montants: montants(10_000_000) },
    },
    paris('2025-04-11'),
  );
}

describe('reminder days per marché', () => {
  it('defaults to 3 days before the last day', () => {
    expect(withReminder(undefined).rappelJoursAvant).toBe(3);
    // last day Friday 18 April; 18 − 3 = Tuesday 15 April, 00:00 in Paris (UTC+2 in April) = 14 April 22:00 UTC
    expect(pdmDeposee(withReminder(undefined)).pending).toMatchObject({
      lastDay: '2025-04-18',
      reminderAt: '2025-04-14T22:00:00.000Z',
    });
  });

  it("arms the reminder at the marché's own number of days, and a resumed dossier finds the same instant", () => {
    const r = pdmDeposee(withReminder(5));
    // 18 − 5 = Sunday 13 April (calendar days), 00:00 in Paris = 12 April 22:00 UTC
    expect(r.pending).toMatchObject({ lastDay: '2025-04-18', reminderAt: '2025-04-12T22:00:00.000Z' });
    expect(pendingActionOf(withReminder(5), r.dossier)?.reminderAt).toBe('2025-04-12T22:00:00.000Z');
    // 1 day: Thursday 17 April 00:00 Paris = 16 April 22:00 UTC
    expect(pdmDeposee(withReminder(1)).pending?.reminderAt).toBe('2025-04-16T22:00:00.000Z');
  });

  it('arms no reminder when its day is not after the day the wait began (the action attendue gives the deadline)', () => {
    // 18 − 7 = 11 April, the day of the deposit itself: no reminder; 18 − 15 = 3 April, before it: none either
    expect(pdmDeposee(withReminder(7)).pending).toMatchObject({ lastDay: '2025-04-18', reminderAt: null });
    expect(pdmDeposee(withReminder(15)).pending).toMatchObject({ lastDay: '2025-04-18', reminderAt: null });
    // 6: 12 April, the day after the deposit: armed at 11 April 22:00 UTC
    expect(pdmDeposee(withReminder(6)).pending?.reminderAt).toBe('2025-04-11T22:00:00.000Z');
  });

  it('refuses a number of days outside 1 to 15, in French, on its field', () => {
    for (const days of [0, 16, 2.5]) {
      expect(() => parseMarche({ ...marcheSolo, rappelJoursAvant: days })).toThrow(
        expect.objectContaining({
          code: 'MARCHE_INVALIDE',
          fields: [expect.objectContaining({ path: 'rappelJoursAvant' })],
        }),
      );
    }
    expect(() => parseMarche({ ...marcheSolo, rappelJoursAvant: 16 })).toThrow(/entre 1 et 15 jours/);
  });

  it('is a field of the fiche in the API, bounded in the OpenAPI document', () => {
    const fiche = {
      numeroMarche: '2025-001',
      objet: 'Réhabilitation',
      ccagVersion: '2009',
      acteurs: [{ role: 'TITULAIRE', siret: '10000000900017', raisonSociale: 'Bâtir SA' }],
      groupement: { mode: 'NONE' },
      montantInitialHt: '1500000.00',
      tauxTva: ['20'],
      retenueGarantie: '5',
      dgpJours: 30,
    };
    expect(ficheMarcheEntree.parse({ ...fiche, rappelJoursAvant: 5 })).toMatchObject({ rappelJoursAvant: 5 });
    expect(ficheMarcheEntree.parse(fiche)).not.toHaveProperty('rappelJoursAvant');
    expect(ficheMarcheEntree.safeParse({ ...fiche, rappelJoursAvant: 16 }).success).toBe(false);

    const schemas = (
      openApiDocument() as { components: { schemas: Record<string, { properties: Record<string, unknown> }> } }
    ).components.schemas;
    for (const name of ['FicheMarche', 'Marche']) {
      expect(schemas[name]?.properties.rappelJoursAvant).toMatchObject({ type: 'integer', minimum: 1, maximum: 15 });
    }
  });
});
