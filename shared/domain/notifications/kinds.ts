import type { Space } from '../roles';

/**
 * What a notification is about (issue 13). Each kind is one row of "what notifies whom": see `docs/rules/notifications.md`.
 */
export const NOTIFICATION_KINDS = [
  'ACTION_ATTENDUE', // an action is now expected from the structure (piece addressed to it, validation to do…)
  'RAPPEL_ECHEANCE', // N days before the deadline of a wait (N = the marché's rappelJoursAvant, default 3)
  'ISSUE_TACITE', // a deadline passed and its tacit outcome was applied (acceptance by silence, tacit DGD…)
  'PIECE_REFUSEE',
  'PIECE_A_RECYCLER',
  'PIECE_SUSPENDUE',
  'PIECE_REJETEE',
  'SERVICE_FAIT',
  'MANDATEE',
  'MISE_EN_PAIEMENT',
  'DGP_DEPASSE', // the délai global de paiement passed: interest accrues
  'RATTACHEMENT_DEMANDE', // to the gestionnaires of the structure
  'RATTACHEMENT_DECIDE', // to the requester
  'MOT_DE_PASSE_TECHNIQUE', // the technical account's password is due within 30 days (to the GP)
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** How the title of an « Action attendue » begins (the dossier's label follows). */
export const ACTION_TITLE_PREFIX = 'Action attendue — ';

export const NOTIFICATION_KIND_LABELS: Readonly<Record<NotificationKind, string>> = {
  ACTION_ATTENDUE: 'Action attendue',
  RAPPEL_ECHEANCE: "Rappel avant l'échéance d'un délai",
  ISSUE_TACITE: 'Délai expiré et issue tacite appliquée',
  PIECE_REFUSEE: 'Pièce refusée',
  PIECE_A_RECYCLER: 'Pièce à recycler',
  PIECE_SUSPENDUE: 'Pièce suspendue',
  PIECE_REJETEE: 'Pièce rejetée',
  SERVICE_FAIT: 'Service fait',
  MANDATEE: 'Pièce mandatée',
  MISE_EN_PAIEMENT: 'Mise en paiement',
  DGP_DEPASSE: 'Délai global de paiement dépassé',
  RATTACHEMENT_DEMANDE: 'Demande de rattachement à traiter',
  RATTACHEMENT_DECIDE: 'Réponse à une demande de rattachement',
  MOT_DE_PASSE_TECHNIQUE: 'Mot de passe du compte technique à renouveler',
};

/**
 * Who is concerned by a notification: the users of `siret`. `space` restricts to the users subscribed to that
 * espace (any mode: a user in CONSULTATION is told, but asked to act only in MODIFICATION); `managersOnly` to its
 * gestionnaires (principal and secondary; `principalOnly` to the GP); `userId` to one user (whatever the structure
 * says). `act` says the structure is the one expected to act.
 */
export interface Audience {
  readonly siret: string;
  readonly act: boolean;
  readonly space?: Space;
  readonly managersOnly?: boolean;
  readonly principalOnly?: boolean;
  readonly userId?: string;
}

/** What the wait expects, for the actor: the action, until when, and what silence does. */
export interface ExpectedAction {
  /** French: the actions open, e.g. « déposer l'état d'acompte (A15) ou refuser la pièce ». */
  readonly label: string;
  /** Last day of the delay (Paris calendar date), null when none runs. */
  readonly lastDay: string | null;
  readonly deadlineAt: string | null;
  /** French: what happens on silence, when a deadline runs. */
  readonly onSilence: string | null;
}

/**
 * One notification before it is addressed to users: produced by the rule (pure), stored in the outbox with the
 * decision or timer that caused it, then expanded to each user concerned (`recipientsOf`).
 */
export interface NotificationIntent {
  readonly kind: NotificationKind;
  /** Stable identifier of the cause (e.g. `DOSSIER#d1@v3`): with the kind and the user it makes the notification id. */
  readonly source: string;
  /** ISO instant of the cause. */
  readonly at: string;
  readonly dossierId?: string;
  readonly marcheId?: string;
  /** The piece's number, when it is about one. */
  readonly numero?: string;
  /** French subject line. */
  readonly title: string;
  /** French paragraphs (plain text). */
  readonly lines: readonly string[];
  /** For the structures that must act. */
  readonly action?: ExpectedAction;
  /** Path in the portal (`/dossiers/{id}`, `/compte`, `/structures/{siret}`). */
  readonly link: string;
  readonly audience: readonly Audience[];
}
