/**
 * CCAG circuits: the dossier de facturation as a pure state machine (docs/rules/actors.md, docs/rules/cadres.md, docs/rules/circuits.md, docs/rules/dgp.md). Workflows and the
 * API call these functions and never re-implement a rule.
 */
export {
  ACTION_TYPES,
  type Action,
  type ActionOf,
  type ActionType,
  actionSchema,
  isPieceAction,
  MOTIFS_MONTANT,
  MOTIFS_REFUS,
  type MotifRefus,
  montantsSchema,
  type ParsedAction,
  type PieceInput,
  parseAction,
  RECYCLABLE_FIELDS,
} from './actions';
export { type AddresseeToCheck, addresseeSetBy, spaceOfAction } from './addressee';
export {
  amountDue,
  dgpKindOf,
  type InterestBasis,
  interestBasisOf,
  retenueGarantie,
  structuresOf,
} from './amounts';
export {
  ALL_CADRES,
  CADRE_DEPOSITORS,
  CADRES_HORS_TRAVAUX,
  CADRES_NON_GERES,
  type CadreCode,
  OPENING_CADRES,
} from './cadres';
export * from './deadlines';
export { type DepositableCadre, depositableCadres, type NonDepositableReason } from './depositable';
export {
  checkCumulMarche,
  checkDraftEtatAcompte,
  checkEtatAcompte,
  checkEtatAcompteCadre,
  correctionsEtatAcompte,
  cumulHtOf,
  ETAT_ACOMPTE_CADRES,
  type EtatPrecedent,
  type LigneCorrigee,
} from './etat-acompte';
export { type EtatAcompteLignes, type EtatAcomptePiece, etatAcompteLignesSchema } from './etat-acompte-lines';
export { ACTION_LABELS, ROLE_LABELS, STATE_LABELS } from './labels';
export {
  type BuyerParams,
  CIRCUIT_KINDS,
  type CircuitKind,
  circuitOf,
  circuitOfDossier,
  DEFAULT_BUYER_PARAMS,
  miseEnPaiementRemontee,
  moaStepHolder,
} from './organisation';
export { currentDeadline, pendingActionOf } from './pending';
export { isRefusalCode, REFUSAL_CODES, type RefusalCode } from './refusals';
export { NOTHING_TO_APPLY_ON_TIMEOUT } from './timeouts';
export { transition } from './transition';
export { needsTransmission, transmissionKey } from './transmission';
export * from './types';
