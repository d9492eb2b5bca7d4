import { createHash } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import {
  type IdempotencyRecord,
  IdempotencyRecordExistsError,
  type IdempotencyStore,
  type StoredResponse,
} from '../../adapters/idempotency-records';
import { HTTP_CODES, HttpProblem, requestInProgress } from '../errors';
import { type HttpState, stateOf } from '../state';
import type { HttpEvent, HttpMethod, HttpRequest, HttpResponse, IdempotencySlot } from '../types';

export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';
/** draft-ietf-httpapi-idempotency-key-header: an opaque key; ours is 1–128 URL-safe characters (a UUID fits). */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** A key is remembered 24 hours: a client retrying later must use a new key. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** Lock of an IN_PROGRESS record when the Lambda context does not tell the remaining time. */
export const DEFAULT_LOCK_MS = 60_000;

export interface IdempotencyOptions {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** Called on first use, so that operations without idempotency never build a store. */
  readonly store: () => IdempotencyStore;
  /** The operation's transaction writes the completed record (`idempotencyInTransaction`), if the store can. */
  readonly inTransaction?: boolean;
}

/** SHA-256 of what makes two requests "the same": method, path, If-Match and the exact body bytes. */
export function payloadHash(
  method: string,
  path: string,
  ifMatch: string | undefined,
  body: string | undefined,
): string {
  return createHash('sha256')
    .update(`${method}\n${path}\n${ifMatch ?? ''}\n`)
    .update(body ?? '')
    .digest('hex');
}

type Held = NonNullable<HttpState['idempotency']>;

/**
 * Idempotent requests (Stripe-style `Idempotency-Key`), after Powertools' `makeHandlerIdempotent`:
 *
 * - before: a conditional write takes an IN_PROGRESS record for (user + operation, key). If a live record exists:
 *   another payload → 422 IDEMPOTENCY_KEY_REUTILISEE; still IN_PROGRESS → 409 REQUETE_EN_COURS; COMPLETED → the
 *   stored response is returned with `Idempotent-Replayed: true` and the handler does not run.
 * - after / onError (the error is already a problem response, see errorMapping): a response < 500 is stored as
 *   COMPLETED, 4xx included, so a replay gets the same refusal; a 5xx releases the record so that the client may
 *   retry with the same key (nothing was decided, or the transaction rolled back).
 *
 * An operation whose effect is one transaction (`inTransaction`: an actor's decision) takes no IN_PROGRESS record:
 * `before` only reads the record (same answers as above), and the decision's transaction writes the COMPLETED one
 * with its response, on the condition that no live record holds the key (issue 16: one round trip instead of two).
 * A concurrent duplicate's transaction then fails on that condition, or its refusal cannot be stored: it reads the
 * record that won and replays it, so duplicates make one effect and get one answer. A response the transaction did
 * not carry (a refusal) is stored after, with the same condition; a 5xx stores nothing.
 *
 * Storing the outcome never fails the request: if the store is down after the handler succeeded, the client still
 * gets its response, the error is logged, and the record stays IN_PROGRESS until its lock expires.
 * If-Match is part of the payload hash: retrying with a newer version under the same key is a different request.
 */
export function idempotency(options: IdempotencyOptions): MiddlewareObj<HttpEvent, HttpResponse> {
  const complete = async (request: HttpRequest): Promise<void> => {
    const state = stateOf(request);
    const held = state.idempotency;
    if (!held) return;
    state.idempotency = undefined;
    const response = request.response;
    try {
      if (held.inTransaction) {
        await completeAfterTransaction(options.store(), request, held, state.now);
      } else if (!response || (response.statusCode ?? 500) >= 500) {
        await options.store().release(held.scope, held.key);
      } else {
        await options.store().saveCompleted({ ...recordOf(held), response: toStored(response) });
      }
    } catch (error) {
      state.logger.error('Enregistrement d’idempotence impossible', { error: error as Error, key: held.key });
    }
  };

  return {
    name: 'idempotency',
    before: async (request: HttpRequest) => {
      const state = stateOf(request);
      const key = keyOf(state.headers);
      const scope = `${state.identity?.userId ?? 'public'}#${options.operationId}`;
      const hash = payloadHash(options.method, request.event?.rawPath ?? '', state.headers['if-match'], state.rawBody);
      const nowMs = state.now.getTime();
      const expiresAt = Math.floor(nowMs / 1000) + IDEMPOTENCY_TTL_SECONDS;
      const store = options.store();
      if (options.inTransaction && store.completedWrite) {
        const existing = await store.get(scope, key, state.now);
        if (existing) return answerExisting(existing, hash, state);
        const held = { scope, key, payloadHash: hash, expiresAt, inTransaction: true };
        state.idempotency = held;
        state.idempotencySlot = slotOf(store, held, state.now);
        return;
      }
      const remaining = request.context?.getRemainingTimeInMillis;
      const lockMs =
        typeof remaining === 'function' ? Math.max(1_000, remaining.call(request.context)) : DEFAULT_LOCK_MS;
      const record = { scope, key, payloadHash: hash, expiresAt, lockExpiresAt: nowMs + lockMs };
      // Twice at most: the live record seen by the failed write may be released or expire before we read it.
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          await store.saveInProgress(record, state.now);
          state.idempotency = { scope, key, payloadHash: hash, expiresAt };
          return;
        } catch (error) {
          if (!(error instanceof IdempotencyRecordExistsError)) throw error;
        }
        const existing = await store.get(scope, key, state.now);
        if (existing) return answerExisting(existing, hash, state);
      }
      throw requestInProgress();
    },
    after: complete,
    onError: complete,
  };
}

function keyOf(headers: Readonly<Record<string, string>>): string {
  const key = headers['idempotency-key'];
  if (key === undefined) {
    throw new HttpProblem(
      428,
      HTTP_CODES.IDEMPOTENCY_KEY_REQUISE,
      'En-tête Idempotency-Key obligatoire : une clé unique par opération (par exemple un UUID), réutilisée telle quelle en cas de nouvel essai.',
    );
  }
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new HttpProblem(
      400,
      HTTP_CODES.IDEMPOTENCY_KEY_INVALIDE,
      'En-tête Idempotency-Key invalide : de 1 à 128 caractères parmi A-Z, a-z, 0-9, « - » et « _ ».',
    );
  }
  return key;
}

/** A live record holds the key: 422 for another payload, its response replayed once COMPLETED, else 409. */
function answerExisting(existing: IdempotencyRecord, hash: string, state: HttpState): HttpResponse {
  if (existing.payloadHash !== hash) {
    throw new HttpProblem(
      422,
      HTTP_CODES.IDEMPOTENCY_KEY_REUTILISEE,
      'Cette clé d’idempotence a déjà servi pour une requête différente : utilisez une nouvelle clé pour une nouvelle opération.',
    );
  }
  if (existing.status === 'COMPLETED' && existing.response) {
    state.logger.info('Réponse rejouée', { key: existing.key, status: existing.response.statusCode });
    return replay(existing.response);
  }
  throw requestInProgress();
}

function slotOf(store: IdempotencyStore, held: Held, now: Date): IdempotencySlot {
  const write = store.completedWrite;
  if (!write) throw new TypeError('the idempotency store cannot write in a transaction');
  return {
    recordFor: (response) => write({ ...recordOf(held), response: toStored(response) }, now),
    written: () => {
      held.written = true;
    },
  };
}

/**
 * The outcome of an `inTransaction` request: nothing more when its transaction wrote the record, nothing for a 5xx
 * (no record was taken), else the response stored unless a duplicate's record won, whose response is then replayed.
 */
async function completeAfterTransaction(
  store: IdempotencyStore,
  request: HttpRequest,
  held: Held,
  now: Date,
): Promise<void> {
  const response = request.response;
  if (held.written || !response || (response.statusCode ?? 500) >= 500) return;
  try {
    await store.saveCompletedIfAbsent({ ...recordOf(held), response: toStored(response) }, now);
  } catch (error) {
    if (!(error instanceof IdempotencyRecordExistsError)) throw error;
    const winner = await store.get(held.scope, held.key, now);
    if (winner?.status === 'COMPLETED' && winner.response && winner.payloadHash === held.payloadHash) {
      request.response = replay(winner.response);
    }
  }
}

function recordOf(held: Held) {
  return { scope: held.scope, key: held.key, payloadHash: held.payloadHash, expiresAt: held.expiresAt };
}

function toStored(response: HttpResponse): StoredResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name] = String(value);
  return {
    statusCode: response.statusCode ?? 200,
    headers,
    ...(typeof response.body === 'string' ? { body: response.body } : {}),
  };
}

function replay(stored: StoredResponse): HttpResponse {
  return {
    statusCode: stored.statusCode,
    headers: { ...stored.headers, [IDEMPOTENT_REPLAYED_HEADER]: 'true' },
    ...(stored.body !== undefined ? { body: stored.body } : {}),
  };
}
