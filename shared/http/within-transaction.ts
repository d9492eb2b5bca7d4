import type { TransactItem } from '../adapters/dynamo/transactions';
import { toHttpResponse } from './results';
import type { HttpContext, HttpResult } from './types';

/** Builds the request's completed idempotency record from the decision's result, for its transaction. */
export type Completion<R> = (result: R) => Promise<TransactItem>;

/**
 * Runs a decision whose one transaction also writes the request's completed idempotency record (operations with
 * `idempotencyInTransaction`): `respond` builds the response from the decision's result before it is written, the
 * record holds that response, and that very response is returned once the transaction committed. Without a slot
 * (another operation, or a store that cannot write in a transaction), the response is built after the decision and
 * the idempotency middleware stores it.
 */
export async function withinTransaction<R>(
  ctx: Pick<HttpContext, 'idempotency'>,
  run: (completion: Completion<R> | undefined) => Promise<R>,
  respond: (result: R) => Promise<HttpResult>,
): Promise<HttpResult> {
  const slot = ctx.idempotency;
  if (!slot) return respond(await run(undefined));
  let built: HttpResult | undefined;
  const result = await run(async (r) => {
    built = await respond(r);
    return slot.recordFor(toHttpResponse(built));
  });
  // The decision succeeded: the last response built is the one its committed transaction holds
  if (!built) return respond(result);
  slot.written();
  return built;
}
