import fc from 'fast-check';
import { type FuzzIdentity, type FuzzOperation, type FuzzRequest, operationsOf, requestArbitrary } from './requests';
import type { JsonSchema } from './schema-arbitrary';

/**
 * Sends generated requests one after the other and checks each answer: never a 5xx; every 4xx an
 * `application/problem+json` whose `status` is the HTTP status and whose `detail` is French; and, through
 * `snapshot`, that a refused request wrote nothing (the table is compared before and after every window of
 * requests; a window where a mutation was accepted may change data and is not held against the refusals).
 */
export interface FuzzOptions {
  readonly baseUrl: string;
  readonly document: unknown;
  readonly identity: FuzzIdentity;
  /** Number of requests (spread evenly over the operations). */
  readonly count: number;
  readonly seed: number;
  /** The table's items (key → digest), outside idempotency records. */
  readonly snapshot: () => Promise<ReadonlyMap<string, string>>;
  /** Compare the table after this many requests at most (1: after every request). Default 1. */
  readonly checkEvery?: number;
  readonly onProgress?: (done: number, stats: FuzzStats) => void;
}

export interface Finding {
  readonly request: FuzzRequest;
  readonly status: number;
  readonly problem: string;
  readonly body: string;
}

export interface FuzzStats {
  readonly requests: number;
  readonly operations: number;
  readonly byStatus: Record<string, number>;
  readonly byKind: Record<string, number>;
  readonly serverErrors: Finding[];
  readonly badProblems: Finding[];
  /** Windows of refused requests after which the table differed: the keys that changed. */
  readonly writesOnRefusal: { readonly requests: string[]; readonly keys: string[] }[];
  /** Mutations the API accepted (2xx on POST/PUT/PATCH/DELETE): allowed to change data. */
  readonly acceptedMutations: Record<string, number>;
  readonly durationMs: number;
}

/** Words of French frequent enough that any sentence of a `detail` has one (and an English one rarely does). */
const FRENCH =
  /[àâçéèêëîïôûùœ’]|\b(le|la|les|de|des|du|un|une|est|sont|doit|pas|ne|pour|sur|au|aux|votre|vous|aucun|aucune|et|en|ce|cette|avec|sans|trop|introuvable|invalide)\b/i;

function checkAnswer(req: FuzzRequest, status: number, contentType: string, text: string): string | undefined {
  if (status < 400) return undefined;
  if (!contentType.startsWith('application/problem+json')) return `type de contenu « ${contentType} »`;
  let body: { status?: unknown; detail?: unknown; code?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return 'corps illisible';
  }
  if (body.status !== status) return `status ${String(body.status)} ≠ ${status}`;
  if (typeof body.code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(body.code)) return 'code absent';
  if (typeof body.detail !== 'string' || !FRENCH.test(body.detail))
    return `detail non français « ${String(body.detail)} »`;
  if (text.length > 64 * 1024) return `problème de ${text.length} caractères (l'entrée est recopiée ?)`;
  void req;
  return undefined;
}

function diff(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const changed: string[] = [];
  for (const [k, v] of after) if (before.get(k) !== v) changed.push(before.has(k) ? `modifié ${k}` : `ajouté ${k}`);
  for (const k of before.keys()) if (!after.has(k)) changed.push(`supprimé ${k}`);
  return changed;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The requests of a run, in order: operations taken in turn, each one's requests drawn from its arbitrary. */
export function fuzzRequests(document: unknown, identity: FuzzIdentity, count: number, seed: number): FuzzRequest[] {
  const doc = document as { components: { schemas: Record<string, JsonSchema> } };
  const operations: FuzzOperation[] = operationsOf(document);
  const perOperation = Math.ceil(count / operations.length);
  const samples = operations.map((op, i) =>
    fc.sample(requestArbitrary(op, doc.components.schemas, identity), { numRuns: perOperation, seed: seed + i }),
  );
  const out: FuzzRequest[] = [];
  for (let n = 0; out.length < count; n++) {
    const request = samples[n % operations.length]?.[Math.floor(n / operations.length)];
    if (request) out.push(request);
  }
  return out;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzStats> {
  const started = performance.now();
  const requests = fuzzRequests(options.document, options.identity, options.count, options.seed);
  const stats = {
    requests: 0,
    operations: operationsOf(options.document).length,
    byStatus: {} as Record<string, number>,
    byKind: {} as Record<string, number>,
    serverErrors: [] as Finding[],
    badProblems: [] as Finding[],
    writesOnRefusal: [] as { requests: string[]; keys: string[] }[],
    acceptedMutations: {} as Record<string, number>,
    durationMs: 0,
  };
  const checkEvery = options.checkEvery ?? 1;
  let baseline = await options.snapshot();
  let window: string[] = [];
  let accepted = false;
  for (const [i, request] of requests.entries()) {
    // Header values must stay sendable (no control characters, latin-1 only): hostile but transmissible
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([k, v]) => [k, v.replace(/[^\x20-\x7e]/g, '?').trim()]),
    );
    // A fresh key per request (a reused one would replay), unless the key itself is what is broken
    const key = headers['idempotency-key'];
    if (key !== undefined && request.kind !== 'en-tete' && /^[A-Za-z0-9_-]{1,100}$/.test(key)) {
      headers['idempotency-key'] = `${key.slice(0, 80)}-${options.seed}-${i}`;
    }
    let status = 0;
    let contentType = '';
    let text = '';
    try {
      const res = await fetch(`${options.baseUrl}${request.url}`, {
        method: request.method,
        headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal: AbortSignal.timeout(30_000),
      });
      status = res.status;
      contentType = res.headers.get('content-type') ?? '';
      text = await res.text();
    } catch (error) {
      text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    stats.requests++;
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    stats.byKind[request.kind] = (stats.byKind[request.kind] ?? 0) + 1;
    const summary = `${request.method} ${request.url.slice(0, 160)} (${request.operationId}, ${request.kind}) → ${status}`;
    if (status >= 500 || status === 0) {
      stats.serverErrors.push({ request, status, problem: 'erreur serveur', body: text.slice(0, 600) });
    } else {
      const problem = checkAnswer(request, status, contentType, text);
      if (problem) stats.badProblems.push({ request, status, problem, body: text.slice(0, 600) });
    }
    const mutation = MUTATING.has(request.method) && status >= 200 && status < 300;
    if (mutation) {
      accepted = true;
      stats.acceptedMutations[request.operationId] = (stats.acceptedMutations[request.operationId] ?? 0) + 1;
    }
    window.push(summary);
    if (window.length >= checkEvery || i === requests.length - 1) {
      const now = await options.snapshot();
      const changed = diff(baseline, now);
      if (changed.length > 0 && !accepted) stats.writesOnRefusal.push({ requests: window, keys: changed.slice(0, 20) });
      baseline = now;
      window = [];
      accepted = false;
    }
    if (process.env.FUZZ_TRACE) console.log(`${i} ${summary} ${Math.round(performance.now() - started)} ms`);
    if (options.onProgress && (i + 1) % 500 === 0) options.onProgress(i + 1, stats);
  }
  stats.durationMs = performance.now() - started;
  return stats;
}

/** The figures of a run, in French, for the console. */
export function formatStats(stats: FuzzStats): string {
  const statuses = Object.entries(stats.byStatus)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([s, n]) => `${s}: ${n}`)
    .join(' · ');
  const fiveHundreds = Object.entries(stats.byStatus)
    .filter(([s]) => Number(s) >= 500 || s === '0')
    .reduce((sum, [, n]) => sum + n, 0);
  const lines = [
    `Requêtes : ${stats.requests} sur ${stats.operations} opérations en ${(stats.durationMs / 1000).toFixed(1)} s (${((stats.requests * 1000) / stats.durationMs).toFixed(0)} req/s)`,
    `Statuts : ${statuses}`,
    `Par sorte : ${Object.entries(stats.byKind)
      .map(([k, n]) => `${k} ${n}`)
      .join(' · ')}`,
    `5xx (ou pas de réponse) : ${fiveHundreds}`,
    `Problèmes mal formés : ${stats.badProblems.length}`,
    `Écritures après un refus : ${stats.writesOnRefusal.length}`,
    `Mutations acceptées : ${
      Object.entries(stats.acceptedMutations)
        .map(([op, n]) => `${op} ${n}`)
        .join(' · ') || 'aucune'
    }`,
  ];
  for (const f of [...stats.serverErrors, ...stats.badProblems].slice(0, 15)) {
    lines.push(
      `  ✗ ${f.request.method} ${f.request.url.slice(0, 200)} (${f.request.operationId}, ${f.request.kind}, ${f.request.who}) → ${f.status} ${f.problem}: ${f.body.slice(0, 300)}`,
    );
  }
  for (const w of stats.writesOnRefusal.slice(0, 5)) {
    lines.push(`  ✗ écriture après refus : ${w.keys.join(', ')}\n      après ${w.requests.join('\n            ')}`);
  }
  return lines.join('\n');
}
