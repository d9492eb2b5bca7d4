import { describe, expect, it } from 'vitest';
import { ACTION_TYPES, actionSchema, isPieceAction } from '../../../../shared/domain/circuits';

/**
 * Which dossier actions send a piece (docs/rules/circuits.md): the follow-up pieces of the circuits, each deposited
 * by the actor whose turn it is. The API flags each action it offers with this rule (`envoieUnePiece`), and the portal
 * sends those through the piece's « envoyer ».
 */
describe('actions that send a piece', () => {
  it('are the nine follow-up pieces: état d’acompte (A15, A19/A16, A6), projet de décompte, DG and its signatures, tacit-route pieces', () => {
    const sending = ACTION_TYPES.filter(isPieceAction);
    expect([...sending].sort()).toEqual(
      [
        'DEPOSER_ETAT_ACOMPTE',
        'VALIDER_ETAT_ACOMPTE',
        'DEPOSER_ETAT_ACOMPTE_VALIDE',
        'DEPOSER_PROJET_DECOMPTE_GENERAL',
        'NOTIFIER_DECOMPTE_GENERAL',
        'SIGNER_DG',
        'SIGNER_DG_AVEC_RESERVES',
        'DEPOSER_PROJET_DG_TACITE',
        'DEPOSER_DGD_TACITE',
      ].sort(),
    );
  });

  it('leaves out the decisions, the answer to a suspension and the first deposit (it opens the dossier)', () => {
    for (const type of ['REFUSER_MOE', 'REFUSER_MOA', 'COMPLETER', 'SERVICE_FAIT', 'REJETER', 'DEPOSER']) {
      expect(isPieceAction(type), type).toBe(false);
    }
    expect(isPieceAction('PAS_UNE_ACTION')).toBe(false);
  });

  it('agrees with the payloads: an action on an open dossier sends a piece exactly when its payload carries one', () => {
    const withPiece = actionSchema.def.options
      .filter((o) => 'piece' in o.shape)
      .map((o) => o.shape.type.def.values[0])
      .filter((type) => type !== 'DEPOSER');
    expect([...withPiece].sort()).toEqual(ACTION_TYPES.filter(isPieceAction).sort());
  });
});
