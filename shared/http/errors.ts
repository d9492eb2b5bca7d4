import type { FieldIssue } from '../domain/errors';

/**
 * A refusal decided by the HTTP edge itself (malformed JSON, missing header, authentication, idempotency): it
 * carries its status directly, unlike a `DomainError` whose `kind` the error mapping turns into a status.
 * Codes are stable, UPPER_SNAKE and French, like domain codes; messages are French.
 */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: readonly FieldIssue[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export function isHttpProblem(e: unknown): e is HttpProblem {
  return e instanceof HttpProblem;
}

/** Stable codes of the HTTP edge (domain codes come from `shared/domain`). */
export const HTTP_CODES = {
  JSON_INVALIDE: 'JSON_INVALIDE',
  TYPE_CONTENU_NON_SUPPORTE: 'TYPE_CONTENU_NON_SUPPORTE',
  DONNEES_INVALIDES: 'DONNEES_INVALIDES',
  PARAMETRE_INCONNU: 'PARAMETRE_INCONNU',
  AUTHENTIFICATION_REQUISE: 'AUTHENTIFICATION_REQUISE',
  PRECONDITION_REQUISE: 'PRECONDITION_REQUISE',
  PRECONDITION_INVALIDE: 'PRECONDITION_INVALIDE',
  IDEMPOTENCY_KEY_REQUISE: 'IDEMPOTENCY_KEY_REQUISE',
  IDEMPOTENCY_KEY_INVALIDE: 'IDEMPOTENCY_KEY_INVALIDE',
  IDEMPOTENCY_KEY_REUTILISEE: 'IDEMPOTENCY_KEY_REUTILISEE',
  REQUETE_EN_COURS: 'REQUETE_EN_COURS',
  ERREUR_INTERNE: 'ERREUR_INTERNE',
} as const;

/**
 * 409 REQUETE_EN_COURS: a request with this Idempotency-Key is being processed, or a duplicate's decision committed
 * first (its response is then replayed: shared/http/middlewares/idempotency.ts).
 */
export function requestInProgress(): HttpProblem {
  return new HttpProblem(
    409,
    HTTP_CODES.REQUETE_EN_COURS,
    'Une requête avec cette clé d’idempotence est déjà en cours de traitement : réessayez dans quelques secondes.',
  );
}
