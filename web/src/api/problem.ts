/** An `application/problem+json` answer of the API, read for display (French `detail`, per-field messages). */
export interface Problem {
  readonly status?: number;
  readonly code?: string;
  readonly title?: string;
  readonly detail?: string;
  readonly fields?: readonly { readonly path?: string; readonly field?: string; readonly message?: string }[];
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `Erreur ${status}`);
  }

  /** The message for one field (`path` as the API names it, e.g. `montantTtc` or `titulaire.siret`). */
  fieldMessage(name: string): string | undefined {
    const f = this.problem.fields?.find((x) => (x.path ?? x.field) === name);
    return f?.message;
  }
}

/** Unwraps an openapi-fetch result: the data, or an ApiError carrying the problem. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  if (result.response.ok) return undefined as T;
  const body = (result.error ?? {}) as Problem;
  throw new ApiError(result.response.status, typeof body === 'object' && body ? body : {});
}

/** A message a user can read, whatever was thrown. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'Votre session a expiré : reconnectez-vous.';
    if (error.status === 403) return error.problem.detail ?? 'Vous n’avez pas accès à cette information.';
    if (error.status >= 500) return 'Le service ne répond pas correctement. Réessayez dans quelques instants.';
    return error.problem.detail ?? error.problem.title ?? `La demande a été refusée (erreur ${error.status}).`;
  }
  if (error instanceof TypeError) return 'Le service est injoignable. Vérifiez votre connexion et réessayez.';
  return error instanceof Error ? error.message : 'Erreur inattendue.';
}
