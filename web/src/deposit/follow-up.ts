/** Which dossier action sends a follow-up piece from « Déposer », and with which body (FollowUp.tsx). */

/** What is read of the dossier (`Dossier` of the API): the actions the structure may take now. */
interface Dossier {
  readonly mesActions: readonly { readonly type: string; readonly libelle: string }[];
}

/** The dossier actions that send a piece (shared/domain/circuits/actions.ts PIECE_ACTION_TYPES). */
const PIECE_ACTION_TYPES = new Set([
  'DEPOSER_ETAT_ACOMPTE',
  'VALIDER_ETAT_ACOMPTE',
  'DEPOSER_ETAT_ACOMPTE_VALIDE',
  'DEPOSER_PROJET_DECOMPTE_GENERAL',
  'NOTIFIER_DECOMPTE_GENERAL',
  'SIGNER_DG',
  'SIGNER_DG_AVEC_RESERVES',
  'DEPOSER_PROJET_DG_TACITE',
  'DEPOSER_DGD_TACITE',
]);

export interface FollowUpChoice {
  readonly type?: string;
  readonly memoireReclamation?: string;
  readonly sommesAdmises?: string;
}

export const pieceActionsOf = (dossier: Dossier | undefined) =>
  dossier?.mesActions.filter((a) => PIECE_ACTION_TYPES.has(a.type)) ?? [];

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
