import { describe, expect, it } from 'vitest';
import { bodyOf, decimalOf, newFiche } from '../../../web/src/marche/fiche-form';

describe('fiche du marché form', () => {
  it('reads decimals as a French user types them: spaces, comma, euro and percent signs', () => {
    expect(decimalOf('684 500,00')).toBe('684500.00');
    expect(decimalOf('1\u00a0188,5 €')).toBe('1188.5');
    expect(decimalOf('5,5 %')).toBe('5.5');
    // Anything else is sent as typed: the API refuses it with its own message.
    expect(decimalOf('douze')).toBe('douze');
  });

  it('builds the request body: rates split on « ; », SIRETs without spaces, optional fields left out', () => {
    const fiche = {
      ...newFiche({ siret: '213 002 025 00012', raisonSociale: 'Commune' }),
      numeroMarche: ' M-1 ',
      objet: 'Gymnase',
      lots: 'Lot 1\n\n Lot 2 ',
      montantInitialHt: '120 000,00',
      tauxTva: '20 ; 5,5',
      dgpJours: '30',
      delaiMoeJours: '',
    };
    const body = bodyOf(fiche);
    expect(body.numeroMarche).toBe('M-1');
    expect(body.lots).toEqual(['Lot 1', 'Lot 2']);
    expect(body.montantInitialHt).toBe('120000.00');
    expect(body.tauxTva).toEqual(['20', '5.5']);
    expect(body.dgpJours).toBe(30);
    expect(body).not.toHaveProperty('delaiMoeJours');
    expect(body).not.toHaveProperty('avance');
    expect(body.groupement).toEqual({ mode: 'NONE' });
    expect(body.acteurs[0]).toEqual({ role: 'MOA', siret: '21300202500012', raisonSociale: 'Commune' });
  });

  it('sends a non-integer number of days as NaN (null in JSON) for the API to refuse, never a guess', () => {
    const body = bodyOf({ ...newFiche({ siret: '1', raisonSociale: 'x' }), dgpJours: '30,5' });
    expect(JSON.parse(JSON.stringify(body)).dgpJours).toBeNull();
  });

  it('sends the reminder days typed (3 proposed on a new fiche), and leaves them out when erased', () => {
    const fresh = newFiche({ siret: '1', raisonSociale: 'x' });
    expect(fresh.rappelJoursAvant).toBe('3');
    expect(bodyOf({ ...fresh, rappelJoursAvant: ' 5 ' }).rappelJoursAvant).toBe(5);
    expect(bodyOf({ ...fresh, rappelJoursAvant: '' })).not.toHaveProperty('rappelJoursAvant');
  });
});
