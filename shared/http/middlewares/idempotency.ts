import { createHash } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import {
  IdempotencyRecordExistsError,
  type IdempotencyStore,
  type StoredResponse,
} from '../../adapters/idempotency-records';
import { HTTP_CODES, HttpProblem } from '../errors';
import { stateOf } from '../state';
import type { HttpEvent, HttpMethod, HttpRequest, HttpResponse } from '../types';

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
      if (!response || (response.statusCode ?? 500) >= 500) {
        await options.store().release(held.scope, held.key);
      } else {
        await options.store().saveCompleted({
          scope: held.scope,
          key: held.key,
          payloadHash: held.payloadHash,
          expiresAt: held.expiresAt,
          response: toStored(response),
        });
      }
    } catch (error) {
      state.logger.error('Enregistrement d’idempotence impossible', { error: error as Error, key: held.key });
    }
  };

  return {
    name: 'idempotency',
    before: async (request: HttpRequest) => {
      const state = stateOf(request);
      const key = state.headers['idempotency-key'];
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
      const scope = `${state.identity?.userId ?? 'public'}#${options.operationId}`;
      const hash = payloadHash(options.method, request.event?.rawPath ?? '', state.headers['if-match'], state.rawBody);
      const nowMs = state.now.getTime();
      const remaining = request.context?.getRemainingTimeInMillis;
      const lockMs =
        typeof remaining === 'function' ? Math.max(1_000, remaining.call(request.context)) : DEFAULT_LOCK_MS;
      const record = {
        scope,
        key,
        payloadHash: hash,
        expiresAt: Math.floor(nowMs / 1000) + IDEMPOTENCY_TTL_SECONDS,
        lockExpiresAt: nowMs + lockMs,
      };
      const store = options.store();
      // Twice at most: the live record seen by the failed write may be released or expire before we read it.
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          await store.saveInProgress(record, state.now);
          state.idempotency = { scope, key, payloadHash: hash, expiresAt: record.expiresAt };
          return;
        } catch (error) {
          if (!(error instanceof IdempotencyRecordExistsError)) throw error;
        }
        const existing = await store.get(scope, key, state.now);
        if (!existing) continue;
        if (existing.payloadHash !== hash) {
          throw new HttpProblem(
            422,
            HTTP_CODES.IDEMPOTENCY_KEY_REUTILISEE,
            'Cette clé d’idempotence a déjà servi pour une requête différente : utilisez une nouvelle clé pour une nouvelle opération.',
          );
        }
        if (existing.status === 'COMPLETED' && existing.response) {
          state.logger.info('Réponse rejouée', { key, status: existing.response.statusCode });
          return replay(existing.response);
        }
        break;
      }
      throw new HttpProblem(
        409,
        HTTP_CODES.REQUETE_EN_COURS,
        'Une requête avec cette clé d’idempotence est déjà en cours de traitement : réessayez dans quelques secondes.',
      );
    },
    after: complete,
    onError: complete,
  };
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
