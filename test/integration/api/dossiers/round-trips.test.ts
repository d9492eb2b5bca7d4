import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '../../../../shared/adapters/dynamo/client';
import { contextOverrides, overrideContext } from '../../../../shared/services/context';
import { DEMO, useWorld } from './world';

/**
 * DynamoDB round trips per request, counted by a middleware on the real DynamoDB Local client every handler uses
 * (issue 16). The dossier's workflow is replaced by a no-op while a request is counted, so that only what the request
 * itself sends is counted (the Step Functions tasks it releases run after it). A first dossier warms the process
 * (the ECB rate table is then reused for a minute: EcbRateStore.recent), as a warm Lambda is.
 *
 * The counts are ceilings: a change that adds a round trip to a decision or a read fails here.
 */
const world = useWorld();
const M = { ht: '1000.00', tva: '200.00', ttc: '1200.00' };

let sent: string[] | undefined;

beforeAll(() => {
  dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      const input = (args as { input?: Record<string, unknown> }).input ?? {};
      const key = (input.Key ?? {}) as Record<string, unknown>;
      const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
      const pk = String(key.pk ?? values[':pk'] ?? '').split('#')[0];
      sent?.push(`${String(context.commandName).replace(/Command$/, '')} ${pk}`.trim());
      return next(args);
    },
    { step: 'initialize', name: 'testCountRoundTrips' },
  );
});

/** The commands `request` sends to DynamoDB (name and partition kind), the dossier workflow a no-op meanwhile. */
async function roundTrips<T>(request: () => Promise<T>): Promise<{ result: T; commands: string[] }> {
  await world().platform.settle();
  const platformParts = contextOverrides();
  overrideContext({ ...platformParts, workflow: { start: async () => 'started', release: async () => true } });
  sent = [];
  try {
    const result = await request();
    return { result, commands: sent };
  } finally {
    sent = undefined;
    overrideContext(platformParts);
  }
}

const count = (commands: readonly string[], name: string) => commands.filter((c) => c === name).length;

describe('DynamoDB round trips per request (issue 16)', () => {
  it('a deposit, a decision and the GET of a dossier read the dossier and the marché once each', async () => {
    const w = world();
    // Warm-up: a first dossier through the same path
    await w.open(w.as.sousTraitant, { cadre: 'A9', numero: 'RT-A9-0', montants: M });

    const d = await w.draft(w.as.sousTraitant, `/v1/marches/${DEMO.marcheId}/pieces`, {
      cadre: 'A9',
      numero: 'RT-A9-1',
      montants: M,
    });
    const deposit = await roundTrips(() =>
      w.as.sousTraitant.post(`/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}/envoyer`, {}),
    );
    expect(deposit.result.status).toBe(201);
    // Idempotency record ×2 (in progress, then the response), the draft piece, the marché, the user and its
    // attachments, the depositor's structure, the piece's files, the MOA's and the service financier's directories
    // (addressee and circuit: each read once), the transaction: 2 + 1 + 1 + 2 + 1 + 1 + 2 + 1 = 11
    expect(deposit.commands, deposit.commands.join(', ')).toHaveLength(11);
    expect(count(deposit.commands, 'GetItem MARCHE')).toBe(1);
    expect(count(deposit.commands, 'GetItem DOSSIER')).toBe(1);
    expect(count(deposit.commands, 'TransactWriteItems')).toBe(1);
    await w.platform.settle();

    const decision = await roundTrips(() =>
      w.as.mandataire.post(
        `/v1/dossiers/${d.dossierId}/actions`,
        { type: 'VALIDER' },
        { ifMatch: deposit.result.version as number },
      ),
    );
    expect(decision.result.status).toBe(200);
    // Idempotency ×2, the dossier's partition (one Query), the marché, the user, its attachments, its structure, the
    // transaction: 2 + 1 + 1 + 1 + 1 + 1 + 1 = 8 (was 9: the ECB rate table is no longer read per request)
    expect(decision.commands, decision.commands.join(', ')).toHaveLength(8);
    expect(count(decision.commands, 'Query DOSSIER')).toBe(1);
    expect(count(decision.commands, 'GetItem MARCHE')).toBe(1);
    expect(count(decision.commands, 'TransactWriteItems')).toBe(1);
    await w.platform.settle();

    const get = await roundTrips(() => w.as.moe.get(`/v1/dossiers/${d.dossierId}`));
    expect(get.result.status).toBe(200);
    // The dossier, the marché, the user, its attachments, its structure: 5 (was 7: no second read of the attachment,
    // no ECB rate table)
    expect(get.commands, get.commands.join(', ')).toHaveLength(5);
    expect(count(get.commands, 'Query DOSSIER')).toBe(1);
    expect(count(get.commands, 'GetItem MARCHE')).toBe(1);
  });
});
