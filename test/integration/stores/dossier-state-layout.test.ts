import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { itemSize } from '../../../bench/transaction-capacity';
import { GetCommand, PutCommand } from '../../../shared/adapters/dynamo/document-client';
import { DossierListStore } from '../../../shared/adapters/dynamo/dossier-list-store';
import { DossierSearchStore } from '../../../shared/adapters/dynamo/dossier-search-store';
import { DossierStore } from '../../../shared/adapters/dynamo/dossier-store';
import type { DossierWrite } from '../../../shared/adapters/dynamo/dossier-types';
import { gsi2, keys } from '../../../shared/adapters/dynamo/keys';
import { ACOMPTE_STATE_3_PIECES } from '../../fixtures/dossier-state';
import { type LocalDynamo, startLocalDynamo } from './local-table';

/**
 * The META item's `state` is stored compressed (dossier-state-codec.ts), against DynamoDB Local: a dossier in the
 * middle of its circuit fits in one write unit, and a META item written by the previous layout (the state as a map,
 * tables persisted by `npm start`) is still read by every reader, then rewritten in the new form by its next save.
 */
const T0 = new Date('2030-01-14T08:00:00Z');
const MARCHE = 'MAR-LAYOUT';
const STATE = { ...ACOMPTE_STATE_3_PIECES, marcheId: MARCHE };

let dynamo: LocalDynamo;
let table: string;
let store: DossierStore;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});
beforeEach(async () => {
  ({ table } = await dynamo.freshTable());
  store = new DossierStore(dynamo.doc, table);
});

const write = (dossierId: string, patch: Partial<DossierWrite> = {}): DossierWrite => ({
  dossierId,
  marcheId: MARCHE,
  expectedVersion: 0,
  status: 'SERVICE_FAIT',
  open: true,
  state: { ...STATE, id: dossierId },
  structures: ['53819959700013', '83876704400012', '21300202500012', '21750001608202'],
  events: [],
  lastEventSeq: 0,
  lastEventHash: '0'.repeat(64),
  now: T0,
  ...patch,
});

const rawMeta = async (dossierId: string) =>
  (await dynamo.doc.send(new GetCommand({ TableName: table, Key: keys.dossier(dossierId) }))).Item ?? {};

describe('dossier META layout: compressed state', () => {
  it('stores the state of a dossier with three pieces in under 1 KB of META item, and reads it back', async () => {
    await store.save(write('D-NEW'));
    const meta = await rawMeta('D-NEW');
    expect(meta.state).toBeInstanceOf(Uint8Array);
    // the state alone is 1.6 KB as a map: the whole item was 2.1 KB, 3 write units (×2 in a transaction)
    expect(itemSize(marshall(meta))).toBeLessThanOrEqual(1024);
    expect((await store.load('D-NEW'))?.state).toEqual({ ...STATE, id: 'D-NEW' });
  });

  it('reads a META item of the previous layout everywhere, and its next save rewrites it compressed', async () => {
    await store.save(write('D-NEW'));
    // the previous layout, as saves wrote it: the same attributes, the state as a map
    const old = { ...STATE, id: 'D-OLD' };
    await dynamo.doc.send(
      new PutCommand({
        TableName: table,
        Item: {
          ...keys.dossier('D-OLD'),
          marcheId: MARCHE,
          status: 'SERVICE_FAIT',
          open: true,
          state: old,
          version: 1,
          structures: ['53819959700013'],
          createdAt: '2030-01-13T08:00:00.000Z',
          updatedAt: '2030-01-13T08:00:00.000Z',
          lastEventSeq: 0,
          lastEventHash: '0'.repeat(64),
          ...gsi2.dossierOfMarche(MARCHE, '2030-01-13T08:00:00.000Z'),
        },
      }),
    );
    expect((await store.load('D-OLD'))?.state).toEqual(old);
    const search = await new DossierSearchStore(dynamo.doc, table).dossiers(['D-OLD', 'D-NEW']);
    expect(search.get('D-OLD')?.state).toEqual(old);
    expect(search.get('D-NEW')?.state).toEqual({ ...STATE, id: 'D-NEW' });
    const list = await new DossierListStore(dynamo.doc, table).ofMarche(MARCHE, { limit: 10 });
    // newest first: D-NEW (created at T0) then D-OLD (the day before)
    expect(list.items.map((i) => i.state)).toEqual([{ ...STATE, id: 'D-NEW' }, old]);

    const moved = { ...old, status: 'MANDATEE', version: 2 };
    await store.save(
      write('D-OLD', { expectedVersion: 1, previousStatus: 'SERVICE_FAIT', status: 'MANDATEE', state: moved }),
    );
    expect((await rawMeta('D-OLD')).state).toBeInstanceOf(Uint8Array);
    expect((await store.load('D-OLD'))?.state).toEqual(moved);
  });
});
