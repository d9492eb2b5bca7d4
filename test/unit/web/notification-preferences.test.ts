import { describe, expect, it } from 'vitest';
import { changedModes } from '../../../web/src/notifications/preference-choices';

const recorded = [
  { type: 'ACTION_ATTENDUE', libelle: 'Action attendue', mode: 'IMMEDIAT', desactivableSiActionAttendue: false },
  { type: 'MANDATEE', libelle: 'Pièce mandatée', mode: 'AUCUN', desactivableSiActionAttendue: true },
  { type: 'MISE_EN_PAIEMENT', libelle: 'Mise en paiement', mode: 'IMMEDIAT', desactivableSiActionAttendue: true },
] as const;

describe('notification preferences in Mon compte', () => {
  it('sends only the modes changed from those recorded', () => {
    // MANDATEE chosen as recorded (AUCUN), MISE_EN_PAIEMENT changed, ACTION_ATTENDUE untouched
    expect(changedModes(recorded, { MANDATEE: 'AUCUN', MISE_EN_PAIEMENT: 'QUOTIDIEN' })).toEqual({
      MISE_EN_PAIEMENT: 'QUOTIDIEN',
    });
    expect(changedModes(recorded, {})).toEqual({});
  });
});
