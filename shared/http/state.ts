import type { Logger } from '@aws-lambda-powertools/logger';
import { currentLogger } from '../adapters/logger';
import { infrastructure } from '../services/wiring';
import { identityFromRequestContext } from './identity';
import type { HttpEvent, HttpRequest, IdempotencySlot, Identity } from './types';

/**
 * What the middlewares learn about one request, shared along the chain and read by the final handler, which only
 * receives the event. Kept beside the event (a WeakMap), so the event itself is never rewritten. Built lazily, so
 * that every middleware also works alone in a test.
 */
export interface HttpState {
  readonly requestId: string;
  readonly now: Date;
  /** Request headers, names in lower case (API Gateway v2 already sends them so; fake events may not). */
  readonly headers: Readonly<Record<string, string>>;
  readonly identity: Identity | null;
  /**
   * This request's logger, built on first use (`useLogger`): a Powertools child logger costs ~0.2 ms of CPU and most
   * requests log nothing (issue 16). Until `useLogger` is called, the logger of the code running (`currentLogger`).
   */
  readonly logger: Logger;
  /** Makes `logger` the one `make` returns, called once, when a line is first logged or the logger first asked for. */
  useLogger(make: () => Logger): void;
  /** Decoded body text (base64 undone), undefined when absent or empty. */
  rawBody?: string;
  /** Parsed JSON body, before validation. */
  json?: unknown;
  body?: unknown;
  query?: unknown;
  params?: unknown;
  validatedHeaders?: unknown;
  ifMatch?: number;
  /** Set once this request holds the idempotency record (so that only its owner completes or releases it). */
  idempotency?: {
    readonly scope: string;
    readonly key: string;
    readonly payloadHash: string;
    readonly expiresAt: number;
    /** No IN_PROGRESS record was taken: the decision's transaction writes the completed one (or the outcome after). */
    readonly inTransaction?: boolean;
    /** The transaction wrote the completed record. */
    written?: boolean;
  };
  /** What the handler's transaction writes the record with (`idempotencyInTransaction` operations). */
  idempotencySlot?: IdempotencySlot;
}

const states = new WeakMap<object, HttpState>();

function holderOf(request: Pick<HttpRequest, 'event' | 'context'>): object {
  return (request.event ?? request) as object;
}

/** Starts a request with a fresh state, in case the same event object is invoked again (tests, retries in-process). */
export function beginRequest(request: Pick<HttpRequest, 'event' | 'context'>): HttpState {
  states.delete(holderOf(request));
  return stateOf(request);
}

export function stateOf(request: Pick<HttpRequest, 'event' | 'context'>): HttpState {
  const event = request.event as HttpEvent | undefined;
  const holder = holderOf(request);
  let state = states.get(holder);
  if (!state) {
    let make: () => Logger = currentLogger;
    let made: Logger | undefined;
    state = {
      requestId: requestIdOf(event, request.context?.awsRequestId),
      now: infrastructure().clock.now(),
      headers: normalizeHeaders(event?.headers),
      identity: identityFromRequestContext(event?.requestContext),
      get logger() {
        made ??= make();
        return made;
      },
      useLogger(next) {
        make = next;
        made = undefined;
      },
    };
    states.set(holder, state);
  }
  return state;
}

function requestIdOf(event: HttpEvent | undefined, fallback: string | undefined): string {
  const id = event?.requestContext?.requestId;
  if (typeof id === 'string' && id.length > 0) return id;
  return typeof fallback === 'string' && fallback.length > 0 ? fallback : 'inconnue';
}

export function normalizeHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers || typeof headers !== 'object') return out;
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') out[name.toLowerCase()] = value;
  }
  return out;
}
