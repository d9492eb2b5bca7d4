import { describe, expect, it } from 'vitest';
import { dossierSaveItems } from '../../../shared/adapters/dynamo/dossier-save';
import type { DossierWrite } from '../../../shared/adapters/dynamo/dossier-types';
import type { TransactItem } from '../../../shared/adapters/dynamo/transactions';

/** The DGP clock items of a dossier save: the MOA's CLOCK item, and its service financier's own index item. */

const MOA = '21750001600019';
const SF = '21750001608202';

function write(clock: Partial<NonNullable<DossierWrite['clock']>>): DossierWrite {
  return {
    dossierId: 'DOS-1',
    marcheId: 'M-1',
    expectedVersion: 3,
    status: 'MISE_A_DISPOSITION_MOA',
    previousStatus: 'MISE_A_DISPOSITION_MOA',
    open: true,
    state: {},
    structures: [MOA, SF],
    clock: { value: { start: '2026-03-02' }, moaSiret: MOA, open: true, echeance: '2026-04-01', ...clock },
    events: [],
    lastEventSeq: 4,
    lastEventHash: 'a'.repeat(64),
    now: new Date('2026-03-10T09:00:00Z'),
  };
}

const head = { version: 4, seq: 4, hash: 'a'.repeat(64), now: '2026-03-10T09:00:00.000Z' };

function clockItems(w: DossierWrite): TransactItem[] {
  return dossierSaveItems('t', w, head, []).items.filter((i) =>
    String((i.Put?.Item ?? i.Update?.Key ?? i.Delete?.Key)?.sk).startsWith('CLOCK'),
  );
}

describe('dossier save: the DGP clock for both public buyers', () => {
  it('indexes an open clock under the MOA (CLOCK) and under its service financier (CLOCK#siret)', () => {
    const items = clockItems(write({ serviceFinancierSiret: SF, piece: { cadre: 'A4', numero: 'N-1' } }));
    expect(items).toHaveLength(2);
    expect(items[0]?.Update?.Key).toEqual({ pk: 'DOSSIER#DOS-1', sk: 'CLOCK' });
    expect(items[0]?.Update?.ExpressionAttributeValues).toMatchObject({ ':g1pk': `DGP#${MOA}` });
    expect(items[1]?.Put?.Item).toEqual({
      pk: 'DOSSIER#DOS-1',
      sk: `CLOCK#${SF}`,
      gsi1pk: `DGP#${SF}`,
      gsi1sk: '2026-04-01#DOS-1',
      clock: { start: '2026-03-02' },
      interestBase: null,
      marcheId: 'M-1',
      piece: { cadre: 'A4', numero: 'N-1' },
    });
  });

  it('deletes the service financier’s item once the clock is closed (paid), and unindexes the MOA’s', () => {
    const items = clockItems(write({ serviceFinancierSiret: SF, open: false }));
    expect(items[0]?.Update?.UpdateExpression).toContain('REMOVE gsi1pk, gsi1sk');
    expect(items[1]).toEqual({ Delete: { TableName: 't', Key: { pk: 'DOSSIER#DOS-1', sk: `CLOCK#${SF}` } } });
  });

  it('writes one item when the MOA is its own service financier, or none is named', () => {
    expect(clockItems(write({ serviceFinancierSiret: MOA }))).toHaveLength(1);
    expect(clockItems(write({}))).toHaveLength(1);
  });

  it('writes neither clock item again when the change left the clock as read, but for a view to record', () => {
    expect(clockItems(write({ serviceFinancierSiret: SF, unchanged: true }))).toEqual([]);
    const view = { forVersion: 4, statut: 'EN_COURS', echeance: '2026-04-01', detenteur: 'MOA' };
    const items = clockItems({ ...write({ serviceFinancierSiret: SF, unchanged: true }), clockView: view });
    // The view alone, on the MOA's item: its index keys and the service financier's copy stand as read
    expect(items).toEqual([
      {
        Update: {
          TableName: 't',
          Key: { pk: 'DOSSIER#DOS-1', sk: 'CLOCK' },
          UpdateExpression: 'SET #view = :view',
          ExpressionAttributeNames: { '#view': 'view' },
          ExpressionAttributeValues: { ':view': view },
        },
      },
    ]);
  });

  it('records the view with the clock when the clock changed', () => {
    const view = { forVersion: 4, statut: 'EN_COURS', echeance: '2026-04-01', detenteur: 'MOA' };
    const [moa] = clockItems({ ...write({}), clockView: view });
    expect(moa?.Update?.UpdateExpression).toContain('#view = :view');
    expect(moa?.Update?.ExpressionAttributeValues).toMatchObject({ ':view': view, ':clock': { start: '2026-03-02' } });
  });
});

describe('dossier save: the entries under its status and open or closed state', () => {
  const entries = (w: DossierWrite) =>
    dossierSaveItems('t', { ...w, createdAt: '2026-03-02T09:00:00.000Z' }, head, [])
      .items.map((i) => i.Put?.Item)
      .filter((i) => i !== undefined && (String(i.sk).startsWith('BOARD#') || String(i.sk).startsWith('MARCHE_')));

  it('moves them to the closed keys when the dossier closes in the status it had (a mandatement, the last news)', () => {
    const closing = { ...write({}), status: 'MANDATEE', previousStatus: 'MANDATEE', previousOpen: true, open: false };
    expect(entries(closing)).toEqual([
      { pk: 'DOSSIER#DOS-1', sk: `BOARD#${MOA}`, gsi2pk: `BOARD_CLOS#${MOA}`, gsi2sk: 'MANDATEE#DOS-1' },
      { pk: 'DOSSIER#DOS-1', sk: `BOARD#${SF}`, gsi2pk: `BOARD_CLOS#${SF}`, gsi2sk: 'MANDATEE#DOS-1' },
      {
        pk: 'DOSSIER#DOS-1',
        sk: 'MARCHE_STATUT',
        gsi2pk: 'MARCHE#M-1#STATUT#MANDATEE',
        gsi2sk: 'DOSSIER#2026-03-02T09:00:00.000Z',
      },
      {
        pk: 'DOSSIER#DOS-1',
        sk: 'MARCHE_ETAT',
        gsi1pk: 'MARCHE#M-1#CLOS',
        gsi1sk: 'DOSSIER#2026-03-02T09:00:00.000Z',
      },
    ]);
  });

  it('writes none when neither the status nor the state moves', () => {
    expect(entries({ ...write({}), previousOpen: true })).toEqual([]);
  });

  it('leaves the open or closed entry alone when only the status moves', () => {
    const moved = { ...write({}), previousStatus: 'MISE_A_DISPOSITION_MOE', previousOpen: true };
    expect(entries(moved).map((i) => i?.sk)).toEqual([`BOARD#${MOA}`, `BOARD#${SF}`, 'MARCHE_STATUT']);
  });
});
