import { describe, expect, it } from 'vitest';
import { chosenAction, followUpBody, pieceActionsOf } from '../../../web/src/deposit/follow-up';

type Dossier = Parameters<typeof pieceActionsOf>[0];
/** The dossier's actions as the API lists them, each with its flag `envoieUnePiece` (true: the action sends a piece). */
const dossier = (actions: Record<string, boolean>) =>
  ({
    id: 'DOS-1',
    version: 4,
    mesActions: Object.entries(actions).map(([type, envoieUnePiece]) => ({
      type,
      libelle: type.toLowerCase(),
      envoieUnePiece,
    })),
  }) as Dossier;

describe('a follow-up piece sent from « Déposer »: the dossier action that sends it', () => {
  it('offers only the actions the API flags as sending a piece, and takes the only one without asking', () => {
    const d = dossier({ DEPOSER_ETAT_ACOMPTE: true, REFUSER_MOE: false });
    expect(pieceActionsOf(d).map((a) => a.type)).toEqual(['DEPOSER_ETAT_ACOMPTE']);
    expect(chosenAction(d, {})).toBe('DEPOSER_ETAT_ACOMPTE');
  });

  it('asks which one when several send a piece (the DG signed with or without reserves)', () => {
    const d = dossier({ SIGNER_DG: true, SIGNER_DG_AVEC_RESERVES: true, REFUSER_DG: false });
    expect(chosenAction(d, {})).toBeUndefined();
    expect(chosenAction(d, { type: 'SIGNER_DG_AVEC_RESERVES' })).toBe('SIGNER_DG_AVEC_RESERVES');
    // An action no longer offered (the dossier moved on) is not sent
    expect(chosenAction(d, { type: 'DEPOSER_ETAT_ACOMPTE' })).toBeUndefined();
    expect(chosenAction(dossier({ REFUSER_DG: false }), {})).toBeUndefined();
  });

  it('sends the reserves with their mémoire and the sums admitted, typed the French way', () => {
    expect(followUpBody('SIGNER_DG', { memoireReclamation: 'ignoré' })).toEqual({ type: 'SIGNER_DG' });
    // « 1 188,00 » (no-break space, comma) → "1188.00"
    expect(
      followUpBody('SIGNER_DG_AVEC_RESERVES', {
        memoireReclamation: '  Travaux supplémentaires ',
        sommesAdmises: '1\u00a0188,00',
      }),
    ).toEqual({
      type: 'SIGNER_DG_AVEC_RESERVES',
      memoireReclamation: 'Travaux supplémentaires',
      sommesAdmises: '1188.00',
    });
  });
});
