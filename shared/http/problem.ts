import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { IdempotencyRecordExistsError } from '../adapters/idempotency-records';
import { type DomainErrorKind, type FieldIssue, isDomainError } from '../domain/errors';
import { pure } from '../domain/pure';
import { withMeta } from '../schemas/meta';
import { HTTP_CODES, isHttpProblem, requestInProgress } from './errors';

/**
 * RFC 9457 "Problem Details for HTTP APIs". Every refusal leaves the API as `application/problem+json` with a
 * stable `code` (the same as the thrown error's) and a French `detail`. `type` is derived from the code; the
 * `.example` host is reserved (RFC 2606), so clients must treat it as an identifier and never fetch it.
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://factures-travaux.example/problemes/';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  /** The request id (API Gateway `requestContext.requestId`), also the logs' correlation id. */
  readonly instance: string;
  readonly fields?: readonly FieldIssue[];
}

/**
 * The same shape as a zod schema: the OpenAPI `Problem` component, and a check for tests. No function parses a
 * problem: each schema is built by `pure` (shared/domain/pure.ts), which esbuild drops from a bundle that does
 * not use the result. A pure annotation on the call to `withMeta` would not do: esbuild keeps a pure call whose
 * arguments call other functions (zod's builders), and these schemas cost every API function ~1 ms at import
 * (docs/DESIGN.md#what-a-cold-start-pays).
 */
export const fieldIssueSchema = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      path: withMeta(z.string(), {
        description: 'Chemin du champ : « lignes[0].montant » dans le corps, « query.page », « path.id ».',
      }),
      message: z.string(),
    }),
    { id: 'ChampInvalide', description: 'Un champ refusé et pourquoi (message en français).' },
  ),
);

export const problemSchema = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      type: withMeta(z.string(), {
        description: 'URI stable dérivée du code ; un identifiant, pas une page à charger.',
      }),
      title: withMeta(z.string(), { description: 'Intitulé de la classe de problème (par statut).' }),
      status: z.int().check(z.gte(400), z.lte(599)),
      code: withMeta(z.string().check(z.regex(/^[A-Z][A-Z0-9_]*$/)), {
        description: 'Code stable, en majuscules (ex. SIRET_CLE_INVALIDE).',
      }),
      detail: withMeta(z.string(), { description: 'Explication en français de ce cas précis, et comment y remédier.' }),
      instance: withMeta(z.string(), { description: 'Identifiant de la requête (à communiquer au support).' }),
      fields: z.optional(z.array(fieldIssueSchema)),
    }),
    { id: 'Problem', description: 'RFC 9457 (application/problem+json).' },
  ),
);

/** RFC 9110 status per domain error kind (DomainErrorKind documents the same table). */
export const STATUS_BY_KIND: Readonly<Record<DomainErrorKind, number>> = {
  INVALID: 422,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  STALE: 412,
};

/** French titles, one per status: the title names the class of problem, `detail` this occurrence. */
export const PROBLEM_TITLES: Readonly<Record<number, string>> = {
  400: 'Requête mal formée',
  401: 'Authentification requise',
  403: 'Action non autorisée',
  404: 'Ressource introuvable',
  409: 'Conflit avec l’état actuel',
  412: 'Version périmée',
  415: 'Type de contenu non pris en charge',
  422: 'Données invalides',
  428: 'Précondition requise',
  431: 'En-têtes trop grands',
  500: 'Erreur interne',
  503: 'Service momentanément saturé',
};

export const INTERNAL_ERROR_DETAIL =
  'Une erreur inattendue est survenue. Réessayez plus tard ; si elle persiste, communiquez l’identifiant de la requête (instance) au support.';

export function problemTitle(status: number): string {
  return PROBLEM_TITLES[status] ?? (status >= 500 ? PROBLEM_TITLES[500]! : PROBLEM_TITLES[400]!);
}

/**
 * A problem stays small whatever the input was: messages quote inputs through `excerpt`, and this is the net under
 * them (a message built elsewhere, a path through a huge array): bounded detail, messages, paths and field count.
 */
export const PROBLEM_LIMITS = { detail: 1000, message: 500, path: 200, fields: 50 } as const;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function problem(
  status: number,
  code: string,
  detail: string,
  instance: string,
  fields?: readonly FieldIssue[],
): Problem {
  const kept = (fields ?? []).slice(0, PROBLEM_LIMITS.fields).map((f) => ({
    path: clip(f.path, PROBLEM_LIMITS.path),
    message: clip(f.message, PROBLEM_LIMITS.message),
  }));
  const more = (fields?.length ?? 0) - kept.length;
  return {
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title: problemTitle(status),
    status,
    code,
    detail: clip(more > 0 ? `${detail} (${more} autres champs refusés non détaillés.)` : detail, PROBLEM_LIMITS.detail),
    instance,
    ...(kept.length > 0 ? { fields: kept } : {}),
  };
}

export function problemResponse(
  p: Problem,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: p.status,
    headers: { ...headers, 'Content-Type': PROBLEM_CONTENT_TYPE },
    body: JSON.stringify(p),
  };
}

/** What an error means for the client. Only `DomainError` and `HttpProblem` are exposed; anything else is a 500. */
export interface MappedError {
  readonly problem: Problem;
  readonly headers: Readonly<Record<string, string>>;
  /** False for errors nobody anticipated: they are logged with their stack, their message never leaves. */
  readonly expected: boolean;
}

export function mapError(error: unknown, instance: string): MappedError {
  // A duplicate of the request committed its decision first: the idempotency middleware replays its response
  if (error instanceof IdempotencyRecordExistsError) return mapError(requestInProgress(), instance);
  if (isDomainError(error)) {
    const status = STATUS_BY_KIND[error.kind] ?? 500;
    if (status === 500) return internal(instance);
    return { problem: problem(status, error.code, error.message, instance, error.fields), headers: {}, expected: true };
  }
  if (isHttpProblem(error)) {
    return {
      problem: problem(error.status, error.code, error.message, instance, error.fields),
      headers: error.headers,
      expected: true,
    };
  }
  const transient = transientStorageFault(error);
  if (transient) return { ...transient, problem: { ...transient.problem, instance } };
  return internal(instance);
}

/** Errors of the table that outlast the SDK's own retries (its error names; the edge imports no SDK). */
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);
const CANCELLED_BY_THROTTLING = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

/**
 * Throttling of the table (plain, or as the cancellation reason of a transaction) is the storage being busy, not a
 * bug: 503 SERVICE_SATURE with Retry-After, and since a 5xx releases the idempotency key, the client's retry with
 * the same key does the work once. A transaction cancelled by a concurrent one that no store interpreted is a
 * lost race: 409 MODIFICATION_CONCURRENTE. DynamoDB applies a transaction whole or not at all: nothing was written.
 */
function transientStorageFault(error: unknown): MappedError | undefined {
  const e = error as { name?: unknown; CancellationReasons?: readonly { Code?: string }[] } | null;
  const name = typeof e?.name === 'string' ? e.name : '';
  const reasons = name === 'TransactionCanceledException' ? (e?.CancellationReasons ?? []).map((r) => r.Code) : [];
  if (THROTTLING.has(name) || reasons.some((r) => r !== undefined && CANCELLED_BY_THROTTLING.has(r))) {
    return {
      problem: problem(
        503,
        'SERVICE_SATURE',
        'Le stockage est momentanément saturé et rien n’a été enregistré : réessayez dans une seconde avec la même clé d’idempotence.',
        '',
      ),
      headers: { 'Retry-After': '1' },
      expected: true,
    };
  }
  if (
    name === 'TransactionConflictException' ||
    name === 'TransactionRace' ||
    reasons.includes('TransactionConflict')
  ) {
    return {
      problem: problem(
        409,
        'MODIFICATION_CONCURRENTE',
        'La ressource est modifiée au même moment par une autre requête et rien n’a été enregistré : relisez-la et refaites votre action si elle est toujours possible.',
        '',
      ),
      headers: {},
      expected: true,
    };
  }
  return undefined;
}

function internal(instance: string): MappedError {
  return {
    problem: problem(500, HTTP_CODES.ERREUR_INTERNE, INTERNAL_ERROR_DETAIL, instance),
    headers: {},
    expected: false,
  };
}

/** Last resort when even building a problem failed: a constant body, nothing computed. */
const FALLBACK_BODY = JSON.stringify(problem(500, HTTP_CODES.ERREUR_INTERNE, INTERNAL_ERROR_DETAIL, 'inconnue'));

export function fallbackInternalResponse(): APIGatewayProxyStructuredResultV2 {
  return { statusCode: 500, headers: { 'Content-Type': PROBLEM_CONTENT_TYPE }, body: FALLBACK_BODY };
}
