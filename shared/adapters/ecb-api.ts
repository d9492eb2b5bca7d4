import { DomainError } from '../domain/errors';

/**
 * The ECB Data Portal API (SDMX 2.1 REST, https://data.ecb.europa.eu/help/api/data), asked for the MRO series as
 * SDMX-CSV. The endpoint is configurable (`ECB_API_URL`): tests point it at a local server that serves recorded
 * answers. Unreachable, slow, too large or non-2xx answers are clear errors that say what to do instead.
 */
export const DEFAULT_ECB_API_URL =
  'https://data-api.ecb.europa.eu/service/data/FM/D.U2.EUR.4F.KR.MRR_FR.LEV?format=csvdata';

export const ECB_API_TIMEOUT_MS = 15_000;
const MAX_BYTES = 2_000_000;

export function ecbApiUrl(): string {
  return process.env.ECB_API_URL || DEFAULT_ECB_API_URL;
}

const OFFLINE_HINT =
  'Sans accès à la BCE, exportez la série en CSV depuis le portail de données de la BCE et importez-la : npm run taux-bce -- importer FICHIER.csv.';

/** The reader the rate service is built with: the API at `url`, or at ECB_API_URL read on each call. */
export function ecbSeriesReader(url?: string): () => Promise<string> {
  return () => fetchEcbSeries(url ?? ecbApiUrl());
}

/** The body of the answer (CSV text). 404 is the API's "no results": an empty series, not an outage. */
export async function fetchEcbSeries(url: string = ecbApiUrl(), timeoutMs = ECB_API_TIMEOUT_MS): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'text/csv' },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'follow',
    });
  } catch (e) {
    const why =
      e instanceof Error && e.name === 'TimeoutError' ? `pas de réponse en ${timeoutMs / 1000} s` : causeOf(e);
    throw new DomainError(
      'BCE_INJOIGNABLE',
      `La BCE n'a pas pu être jointe à ${hostOf(url)} (${why}). ${OFFLINE_HINT}`,
      'CONFLICT',
    );
  }
  if (response.status === 404) {
    throw new DomainError(
      'TAUX_BCE_REPONSE_VIDE',
      `La BCE ne publie aucune observation pour cette demande (${hostOf(url)}, 404) : rien n'a été enregistré. Vérifiez la clé de série dans ECB_API_URL.`,
      'INVALID',
    );
  }
  if (!response.ok) {
    throw new DomainError(
      'BCE_INJOIGNABLE',
      `La BCE a répondu ${response.status} ${response.statusText} à ${hostOf(url)} : réessayez plus tard. ${OFFLINE_HINT}`,
      'CONFLICT',
    );
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_BYTES) throw tooLarge(url);
  const text = await response.text();
  if (text.length > MAX_BYTES) throw tooLarge(url);
  return text;
}

function tooLarge(url: string): DomainError {
  return new DomainError(
    'TAUX_BCE_REPONSE_ILLISIBLE',
    `La réponse de ${hostOf(url)} dépasse ${MAX_BYTES / 1_000_000} Mo : ce n'est pas la série attendue. Vérifiez ECB_API_URL.`,
    'INVALID',
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url.slice(0, 80);
  }
}

function causeOf(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
}
