import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { TransactionCanceledException, TransactWriteCommand } from '../../../shared/adapters/dynamo/document-client';
import { dossierSaveItems } from '../../../shared/adapters/dynamo/dossier-save';
import { DossierStore } from '../../../shared/adapters/dynamo/dossier-store';
import type { DossierWrite, StoredPending } from '../../../shared/adapters/dynamo/dossier-types';
import { shardOf } from '../../../shared/adapters/dynamo/keys';
import {
  COUNTER_SHARDS,
  counterDeltas,
  counterItems,
  sumCounters,
} from '../../../shared/adapters/dynamo/structure-counters';
import { isDomainError } from '../../../shared/domain/errors';
import { mockDocumentClient, mockedClient } from '../../fixtures/document-client-mock';

/** What a dossier save adds to its structures' counters, and how a view sums them. */
const T = '53819959700013';
const MOE = '83876704400012';
const MOA = '21300202500012';

const wait = (actorSiret: string, others: string[] = []): StoredPending => ({
  step: 'EXAMEN',
  actorSiret,
  deadlineAt: '2026-03-20T22:59:59.999Z',
  otherActors: others.map((s) => ({ actorSiret: s })),
});

function write(patch: Partial<DossierWrite>): DossierWrite {
  return {
    dossierId: 'DOS-1',
    marcheId: 'M-1',
    expectedVersion: 3,
    status: 'MISE_A_DISPOSITION_MOA',
    previousStatus: 'PRISE_EN_COMPTE_MOE',
    open: true,
    state: {},
    structures: [T, MOE, MOA],
    events: [],
    lastEventSeq: 4,
    lastEventHash: 'a'.repeat(64),
    now: new Date('2026-03-10T09:00:00Z'),
    ...patch,
  };
}

const plain = (d: ReturnType<typeof counterDeltas>) =>
  Object.fromEntries([...d].map(([siret, c]) => [siret, Object.fromEntries(c)]));

describe('counter changes of a save', () => {
  it('moves every party from the previous status to the new one', () => {
    expect(plain(counterDeltas(write({})))).toEqual({
      [T]: { 'st#PRISE_EN_COMPTE_MOE': -1, 'st#MISE_A_DISPOSITION_MOA': 1 },
      [MOE]: { 'st#PRISE_EN_COMPTE_MOE': -1, 'st#MISE_A_DISPOSITION_MOA': 1 },
      [MOA]: { 'st#PRISE_EN_COMPTE_MOE': -1, 'st#MISE_A_DISPOSITION_MOA': 1 },
    });
  });

  it('counts a new dossier once per party, and nothing when the status stays', () => {
    expect(plain(counterDeltas(write({ expectedVersion: 0, previousStatus: undefined, structures: [T, T] })))).toEqual({
      [T]: { 'st#MISE_A_DISPOSITION_MOA': 1 },
    });
    expect(plain(counterDeltas(write({ previousStatus: 'MISE_A_DISPOSITION_MOA' })))).toEqual({});
  });

  it('counts a wait for the structures that enter it and uncounts it for those that leave it', () => {
    const d = counterDeltas(
      write({
        previousStatus: 'MISE_A_DISPOSITION_MOA',
        previousPending: wait(MOE, [MOA]),
        // The MOA now acts alone, the titulaire beside it
        pending: wait(MOA, [T, MOA]),
      }),
    );
    // before {MOE, MOA}, after {MOA, T}: MOE −1, T +1, MOA unchanged
    expect(plain(d)).toEqual({ [MOE]: { pending: -1 }, [T]: { pending: 1 } });
  });

  it('leaves the waits alone when the save does not touch the pending action, and uncounts a removed one', () => {
    const untouched = write({ previousStatus: 'MISE_A_DISPOSITION_MOA', previousPending: wait(MOE) });
    expect(plain(counterDeltas(untouched))).toEqual({});
    expect(plain(counterDeltas({ ...untouched, pending: null }))).toEqual({ [MOE]: { pending: -1 } });
  });
});

describe('counter items', () => {
  it('are one ADD per structure on the dossier’s shard, inside the save’s transaction', () => {
    const { items, firstCoWrite } = dossierSaveItems('t', write({}), { version: 4, seq: 4, hash: 'h', now: 'n' }, []);
    const counters = items.filter((i) => String(i.Update?.Key?.pk).startsWith('COUNT#'));
    expect(counters).toHaveLength(3);
    const shard = String(shardOf('DOS-1', COUNTER_SHARDS)).padStart(2, '0');
    expect(counters[0]?.Update).toEqual({
      TableName: 't',
      Key: { pk: `COUNT#${T}`, sk: `SHARD#${shard}` },
      UpdateExpression: 'ADD #c0 :c0, #c1 :c1',
      ExpressionAttributeNames: { '#c0': 'st#PRISE_EN_COMPTE_MOE', '#c1': 'st#MISE_A_DISPOSITION_MOA' },
      ExpressionAttributeValues: { ':c0': -1, ':c1': 1 },
    });
    // Before the co-writes, so that a failed co-write is still named by its position
    expect(items.indexOf(counters[2] as (typeof items)[number])).toBeLessThan(firstCoWrite);
  });

  it('are left out when nothing moves', () => {
    const deltas = new Map([[T, new Map([['pending', 0]])]]);
    expect(counterItems('t', 'DOS-1', deltas)).toEqual([]);
  });

  it('put one dossier always on the same shard, and spread dossiers over all of them', () => {
    expect(shardOf('DOS-01JZ0AAAA', 8)).toBe(shardOf('DOS-01JZ0AAAA', 8));
    const used = new Set(Array.from({ length: 200 }, (_, n) => shardOf(`DOS-${n}`, COUNTER_SHARDS)));
    expect(used.size).toBe(COUNTER_SHARDS);
  });
});

describe('a view of the counters', () => {
  it('sums the shards and leaves out the statuses counted zero', () => {
    const counts = sumCounters([
      { pk: 'COUNT#1', sk: 'SHARD#00', 'st#A': 2, 'st#B': 1, pending: 1 },
      { pk: 'COUNT#1', sk: 'SHARD#05', 'st#A': 3, 'st#B': -1, pending: 2 },
    ]);
    // A: 2 + 3 = 5; B: 1 − 1 = 0 (left out); pending: 1 + 2 = 3
    expect(counts).toEqual({ byStatus: { A: 5 }, pending: 3 });
  });
});

describe('a save cancelled by a concurrent transaction on a shared counter', () => {
  const ddb = mockDocumentClient();
  afterAll(() => ddb.restore());
  const conflict = () =>
    new TransactionCanceledException('TransactionCanceledException', 'Transaction cancelled', 400, 1, {
      CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
    });
  let backoff: ReturnType<typeof vi.fn<(attempt: number) => Promise<void>>>;
  let store: DossierStore;
  beforeEach(() => {
    ddb.reset();
    backoff = vi.fn(async () => undefined);
    store = new DossierStore(mockedClient(), 't', { backoff });
  });

  it('is sent again, the same items, and succeeds', async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(conflict()).resolves({});
    await expect(store.save(write({}))).resolves.toMatchObject({ version: 4 });
    const calls = ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input).toEqual(calls[0]?.args[0].input);
    expect(backoff).toHaveBeenCalledTimes(1);
  });

  it('gives up after 4 attempts with MODIFICATION_CONCURRENTE', async () => {
    ddb.on(TransactWriteCommand).rejects(conflict());
    const error = await store.save(write({})).catch((e: unknown) => e);
    expect(isDomainError(error) && error.code).toBe('MODIFICATION_CONCURRENTE');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(4);
  });
});
