import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '../../../../shared/adapters/dynamo/client';
import { STRUCTURE_HEADER } from '../../../../shared/schemas/pieces';
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
  dynamoClient().use('testCountRoundTrips', (next) => async (command) => {
    const input = command.input as Record<string, unknown>;
    const key = (input.Key ?? {}) as Record<string, unknown>;
    const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
    const pk = String(key.pk ?? values[':pk'] ?? '').split('#')[0];
    sent?.push(`${command.operation} ${pk}`.trim());
    return next(command);
  });
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
    // The portal names the structure the user acts for (X-Structure-Siret) on every request
    const deposit = await roundTrips(() =>
      w.as.sousTraitant.post(
        `/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}/envoyer`,
        {},
        { headers: { [STRUCTURE_HEADER]: DEMO.sirets.sousTraitant } },
      ),
    );
    expect(deposit.result.status).toBe(201);
    // The idempotency record (read; written in the transaction), the draft with its files (the dossier's partition,
    // one Query), the marché with the user's access (one BatchGet), the MOA's and the service financier's directories
    // (addressee and circuit, one BatchGet), the transaction: 1 + 1 + 1 + 1 + 1 = 5 (was 8: the idempotency record
    // was written twice, the draft and its files were two reads, each directory one Query)
    expect(deposit.commands, deposit.commands.join(', ')).toHaveLength(5);
    expect(count(deposit.commands, 'GetItem IDEMP')).toBe(1);
    expect(count(deposit.commands, 'Query DOSSIER')).toBe(1);
    expect(count(deposit.commands, 'BatchGetItem')).toBe(2);
    expect(deposit.commands.filter((c) => c.startsWith('Query STRUCT'))).toEqual([]);
    expect(count(deposit.commands, 'TransactWriteItems')).toBe(1);
    expect(deposit.commands.filter((c) => c.startsWith('PutItem'))).toEqual([]);
    await w.platform.settle();

    const decision = await roundTrips(() =>
      w.as.mandataire.post(
        `/v1/dossiers/${d.dossierId}/actions`,
        { type: 'VALIDER' },
        { ifMatch: deposit.result.version as number, headers: { [STRUCTURE_HEADER]: DEMO.sirets.mandataire } },
      ),
    );
    expect(decision.result.status).toBe(200);
    // The idempotency record (read; written in the transaction), the dossier's partition (one Query), the marché with
    // the user, its attachment to the named structure and that structure (one BatchGet), the transaction:
    // 1 + 1 + 1 + 1 = 4 (was 5: the idempotency record was written before and after)
    expect(decision.commands, decision.commands.join(', ')).toHaveLength(4);
    expect(count(decision.commands, 'GetItem IDEMP')).toBe(1);
    expect(count(decision.commands, 'Query DOSSIER')).toBe(1);
    expect(count(decision.commands, 'BatchGetItem')).toBe(1);
    expect(count(decision.commands, 'TransactWriteItems')).toBe(1);
    await w.platform.settle();

    const get = await roundTrips(() =>
      w.as.moe.get(`/v1/dossiers/${d.dossierId}`, { headers: { [STRUCTURE_HEADER]: DEMO.sirets.moe } }),
    );
    expect(get.result.status).toBe(200);
    // The dossier (one Query), the marché with the caller's access (one BatchGet): 1 + 1 = 2 (was 5)
    expect(get.commands, get.commands.join(', ')).toHaveLength(2);
    expect(count(get.commands, 'Query DOSSIER')).toBe(1);
    expect(count(get.commands, 'BatchGetItem')).toBe(1);

    // A client that names no structure: the dossier (one Query), the marché (its structures are the candidates),
    // then the user with its attachments to those structures and their cards (one BatchGet): 1 + 1 + 1 = 3 (was 5:
    // the user, its attachments on GSI2 and its structure were three reads)
    const anonymous = await roundTrips(() => w.as.moe.get(`/v1/dossiers/${d.dossierId}`));
    expect(anonymous.result.status).toBe(200);
    expect(anonymous.commands, anonymous.commands.join(', ')).toHaveLength(3);
    expect(count(anonymous.commands, 'GetItem MARCHE')).toBe(1);
    expect(count(anonymous.commands, 'BatchGetItem')).toBe(1);

    // The one read refuses as the four did: a structure the user is not attached to hides the dossier (404); a user
    // subscribed to « Factures de travaux » only (in CONSULTATION) reads it, but does not validate (a « Factures à
    // valider » action): 403
    const foreign = await w.as.moe.get(`/v1/dossiers/${d.dossierId}`, {
      headers: { [STRUCTURE_HEADER]: DEMO.sirets.mandataire },
    });
    expect([foreign.status, (foreign.body as { code?: string }).code]).toEqual([404, 'DOSSIER_INCONNU']);
    const consult = { headers: { [STRUCTURE_HEADER]: DEMO.sirets.moa } };
    expect((await w.as.consultation.get(`/v1/dossiers/${d.dossierId}`, consult)).status).toBe(200);
    const refused = await w.as.consultation.post(
      `/v1/dossiers/${d.dossierId}/actions`,
      { type: 'VALIDER' },
      { ifMatch: decision.result.version as number, ...consult },
    );
    expect([refused.status, (refused.body as { code?: string }).code]).toEqual([403, 'ESPACE_NON_SOUSCRIT']);
  });

  it('a follow-up piece sent by its action (A15) or by « envoyer » (A19) reads its draft with the dossier', async () => {
    const w = world();
    const opened = await w.open(w.as.sousTraitant, { cadre: 'A9', numero: 'RT-A9-2', montants: M });
    const validated = await w.act(w.as.mandataire, opened.dossierId, opened.version, { type: 'VALIDER' });
    expect(validated.status).toBe(200);
    const a15 = await w.draft(w.as.moe, `/v1/dossiers/${opened.dossierId}/pieces`, {
      cadre: 'A15',
      numero: 'RT-A15-2',
      montants: M,
    });
    const moe = await roundTrips(() =>
      w.as.moe.post(
        `/v1/dossiers/${opened.dossierId}/actions`,
        { type: 'DEPOSER_ETAT_ACOMPTE', pieceId: a15.pieceId },
        { ifMatch: validated.version, headers: { [STRUCTURE_HEADER]: DEMO.sirets.moe } },
      ),
    );
    expect(moe.result.status).toBe(200);
    // The idempotency record, the dossier with the draft and its files (one Query), the marché with the access (one
    // BatchGet), the transaction: 1 + 1 + 1 + 1 = 4 (was 8: the dossier was read twice, the draft and its files
    // apart, the idempotency record written twice)
    expect(moe.commands, moe.commands.join(', ')).toHaveLength(4);
    expect(count(moe.commands, 'Query DOSSIER')).toBe(1);
    expect(count(moe.commands, 'TransactWriteItems')).toBe(1);
    await w.platform.settle();

    const a19 = await w.draft(w.as.moa, `/v1/dossiers/${opened.dossierId}/pieces`, {
      cadre: 'A19',
      numero: 'RT-A19-2',
      montants: M,
    });
    const moa = await roundTrips(() =>
      w.as.moa.post(
        `/v1/dossiers/${opened.dossierId}/pieces/${a19.pieceId}/envoyer`,
        { type: 'VALIDER_ETAT_ACOMPTE' },
        { ifMatch: moe.result.version as number, headers: { [STRUCTURE_HEADER]: DEMO.sirets.moa } },
      ),
    );
    expect(moa.result.status).toBe(200);
    // The same four: 1 + 1 + 1 + 1 = 4 (was 7)
    expect(moa.commands, moa.commands.join(', ')).toHaveLength(4);
    expect(count(moa.commands, 'Query DOSSIER')).toBe(1);
    expect(count(moa.commands, 'TransactWriteItems')).toBe(1);
  });

  it('a client that names no structure (X-Structure-Siret absent) decides in 5 round trips, deposits in 6', async () => {
    const w = world();
    await w.open(w.as.sousTraitant, { cadre: 'A9', numero: 'RT-A9-3', montants: M });
    const d = await w.draft(w.as.sousTraitant, `/v1/marches/${DEMO.marcheId}/pieces`, {
      cadre: 'A9',
      numero: 'RT-A9-4',
      montants: M,
    });
    const deposit = await roundTrips(() =>
      w.as.sousTraitant.post(`/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}/envoyer`, {}),
    );
    expect(deposit.result.status).toBe(201);
    // The idempotency record, the draft with its files (one Query), the marché, the user with its attachments to
    // the marché's structures and their cards (one BatchGet), the MOA's and service financier's directories (one
    // BatchGet), the transaction: 1 + 1 + 1 + 1 + 1 + 1 = 6 (was 8: the user, its attachments on GSI2 and its
    // structure were three reads)
    expect(deposit.commands, deposit.commands.join(', ')).toHaveLength(6);
    expect(count(deposit.commands, 'GetItem MARCHE')).toBe(1);
    expect(count(deposit.commands, 'BatchGetItem')).toBe(2);
    expect(deposit.commands.filter((c) => c.startsWith('Query USER') || c === 'GetItem USER')).toEqual([]);
    await w.platform.settle();

    const decision = await roundTrips(() =>
      w.as.mandataire.post(
        `/v1/dossiers/${d.dossierId}/actions`,
        { type: 'VALIDER' },
        { ifMatch: deposit.result.version as number },
      ),
    );
    expect(decision.result.status).toBe(200);
    // The idempotency record, the dossier's partition (one Query), the marché, the user's access on it (one
    // BatchGet), the transaction: 1 + 1 + 1 + 1 + 1 = 5 (was 7)
    expect(decision.commands, decision.commands.join(', ')).toHaveLength(5);
    expect(count(decision.commands, 'GetItem IDEMP')).toBe(1);
    expect(count(decision.commands, 'Query DOSSIER')).toBe(1);
    expect(count(decision.commands, 'GetItem MARCHE')).toBe(1);
    expect(count(decision.commands, 'BatchGetItem')).toBe(1);
    expect(count(decision.commands, 'TransactWriteItems')).toBe(1);

    // The refusals stay those of the full read: a user attached to no structure is told the dossier does not exist
    // (its other attachments are read only then), a pending attachment is answered as such, a reader in
    // CONSULTATION does not validate
    const version = decision.result.version as number;
    const outsider = await w.as.exploitant.post(
      `/v1/dossiers/${d.dossierId}/actions`,
      { type: 'VALIDER' },
      { ifMatch: version },
    );
    expect([outsider.status, (outsider.body as { code?: string }).code]).toEqual([404, 'DOSSIER_INCONNU']);
    const pending = await w.as.pending.get(`/v1/dossiers/${d.dossierId}`);
    expect([pending.status, (pending.body as { code?: string }).code]).toEqual([403, 'RATTACHEMENT_EN_ATTENTE']);
    const consult = await w.as.consultation.post(
      `/v1/dossiers/${d.dossierId}/actions`,
      { type: 'VALIDER' },
      { ifMatch: version },
    );
    expect([consult.status, (consult.body as { code?: string }).code]).toEqual([403, 'ESPACE_NON_SOUSCRIT']);
  });
});
