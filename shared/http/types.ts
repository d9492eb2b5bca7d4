import type { Logger } from '@aws-lambda-powertools/logger';
import type { Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { TransactItem } from '../adapters/dynamo/transactions';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type AuthMode = 'public' | 'user';

/** The authenticated caller, as the API's authorizer resolved it (shared/http/identity.ts). */
export interface Identity {
  readonly userId: string;
  /** The `email` claim; null when the token carries none (e.g. a Cognito access token). */
  readonly loginAddress: string | null;
}

/** A documented response of an operation. For statuses ≥ 400 the schema is always the Problem schema. */
export interface ResponseSpec {
  readonly description: string;
  /** JSON body on the wire (no transforms): what clients receive. None for 204. */
  readonly schema?: z.core.$ZodType;
  /** Response headers: name → French description (e.g. `{ ETag: 'Version de la ressource.' }`). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Media type of a body that is not JSON (e.g. `text/csv; charset=utf-8`); `schema` then describes the text.
   * Without `schema`, a file (e.g. `application/pdf`, `binary()`), documented as binary content of that type.
   */
  readonly contentType?: string;
}

/** Any zod object schema, classic (`zod`) or mini (`zod/mini`). */
export type ObjectSchema = z.core.$ZodObject;

/** Everything that describes an operation: the OpenAPI document is built from it, the chain is configured by it. */
export interface OperationDescription {
  /** Stable, camelCase, unique in the API (client generators name methods after it). */
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly method: HttpMethod;
  /** API Gateway v2 route path, e.g. `/v1/dossiers/{dossierId}`; each `{name}` must be a key of `params`. */
  readonly path: string;
  readonly auth: AuthMode;
  readonly body?: z.core.$ZodType;
  readonly query?: ObjectSchema;
  readonly params?: ObjectSchema;
  /** Extra request headers (names in lower case); Idempotency-Key and If-Match are handled by the chain. */
  readonly headers?: ObjectSchema;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /** Requires an `Idempotency-Key` header and replays the first response. Default: true for POST, else false. */
  readonly idempotent?: boolean;
  /** Requires `If-Match: "<version>"` (428 without it). */
  readonly requiresIfMatch?: boolean;
}

type Out<S> = S extends z.core.$ZodType ? z.output<S> : undefined;

/** What a handler receives: validated input and the request's facts. */
export interface HttpContext<
  B = unknown,
  Q = unknown,
  P = unknown,
  H = Readonly<Record<string, string>>,
  I extends Identity | null = Identity | null,
> {
  readonly body: B;
  readonly query: Q;
  readonly params: P;
  /** Validated `headers` schema output when given, else every request header (names in lower case). */
  readonly headers: H;
  readonly identity: I;
  /** Version from `If-Match: "<n>"` or `W/"<n>"`, when sent. */
  readonly ifMatch?: number;
  /** From the service context's clock, read once at the start of the request. */
  readonly now: Date;
  readonly requestId: string;
  readonly logger: Logger;
  readonly lambdaContext: Context;
  /** Offered when the operation writes its idempotency record in its own transaction (`idempotencyInTransaction`). */
  readonly idempotency?: IdempotencySlot;
}

/** The request's completed idempotency record, for the decision's transaction to write with its effect. */
export interface IdempotencySlot {
  /** The record holding this response, as a write of the transaction (conditioned: no live record holds the key). */
  recordFor(response: HttpResponse): TransactItem;
  /** The transaction carrying `recordFor(response)` committed: nothing more to write. */
  written(): void;
}

/** What a handler returns; `ok()`, `created()`, `noContent()` build it. `body` is serialized as JSON. */
export interface HttpResult<T = unknown> {
  readonly statusCode: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: T;
  /** The body is a string sent as is (its `Content-Type` among the headers), not serialized as JSON: `text()`. */
  readonly raw?: boolean;
}

export interface OperationSpec<
  A extends AuthMode = AuthMode,
  B extends z.core.$ZodType | undefined = undefined,
  Q extends ObjectSchema | undefined = undefined,
  P extends ObjectSchema | undefined = undefined,
  H extends ObjectSchema | undefined = undefined,
> extends OperationDescription {
  readonly auth: A;
  readonly body?: B;
  readonly query?: Q;
  readonly params?: P;
  readonly headers?: H;
  /**
   * The operation's effect is one DynamoDB transaction that also writes its completed idempotency record (its
   * handler builds the response inside it, through `withinTransaction`): no IN_PROGRESS record is written first.
   */
  readonly idempotencyInTransaction?: boolean;
  readonly handler: (
    ctx: HttpContext<
      Out<B>,
      Q extends ObjectSchema ? z.output<Q> : Record<string, never>,
      P extends ObjectSchema ? z.output<P> : Record<string, never>,
      H extends ObjectSchema ? z.output<H> : Readonly<Record<string, string>>,
      A extends 'user' ? Identity : Identity | null
    >,
  ) => Promise<HttpResult>;
}

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResponse = APIGatewayProxyStructuredResultV2;
export type HttpRequest = Request<HttpEvent, HttpResponse, Error, Context>;
