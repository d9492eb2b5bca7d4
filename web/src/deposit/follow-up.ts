/** Which dossier action sends a follow-up piece from « Déposer », and with which body (FollowUp.tsx). */

/**
 * What is read of the dossier (`Dossier` of the API): the actions the structure may take now, each saying whether it sends a piece
 * (`envoieUnePiece`, which the API derives from the circuits' rule; the portal keeps no list of its own).
 */
interface Dossier {
  readonly mesActions: readonly { readonly type: string; readonly libelle: string; readonly envoieUnePiece: boolean }[];
}

export interface FollowUpChoice {
  readonly type?: string;
  readonly memoireReclamation?: string;
  readonly sommesAdmises?: string;
}

export const pieceActionsOf = (dossier: Dossier | undefined) =>
  dossier?.mesActions.filter((a) => a.envoieUnePiece) ?? [];

/** The action chosen: the only one offered, or the one picked among several. */
export const chosenAction = (dossier: Dossier | undefined, choice: FollowUpChoice) => {
  const offered = pieceActionsOf(dossier);
  return offered.length === 1 ? offered[0]?.type : offered.find((a) => a.type === choice.type)?.type;
};

/** The body of « envoyer » for the chosen action. */
export function followUpBody(type: string, choice: FollowUpChoice): Record<string, unknown> {
  if (type !== 'SIGNER_DG_AVEC_RESERVES') return { type };
  return {
    type,
    memoireReclamation: (choice.memoireReclamation ?? '').trim(),
    sommesAdmises: (choice.sommesAdmises ?? '').replace(/[\s\u00a0]/g, '').replace(',', '.'),
  };
}
