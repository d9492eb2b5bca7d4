import { describe, expect, it } from 'vitest';
import { WriteLedger } from '../../../bench/write-breakdown';

const meta = { key: { pk: 'DOSSIER#D1', sk: 'META' }, table: 2, indexes: 2 };
const event = (seq: number) => ({ key: { pk: 'DOSSIER#D1', sk: `EVENT#${seq}` }, table: 2, indexes: 0 });
const board = (siret: string) => ({ key: { pk: 'DOSSIER#D1', sk: `BOARD#${siret}` }, table: 2, indexes: 4 });
const counter = (siret: string) => ({ key: { pk: `COUNT#${siret}`, sk: 'SHARD#3' }, table: 2, indexes: 0 });
const pending = { key: { pk: 'DOSSIER#D1', sk: 'PENDING' }, table: 1, indexes: 0 };

describe('WriteLedger.floor', () => {
  it('counts, per decision that moved the status, each structure’s counter and its entry under the new status, plus META and the audit records', () => {
    const ledger = new WriteLedger();
    const three = ['A', 'B', 'C'];
    // A deposit: 3 structures' entries appear, 2 audit records
    ledger.add('j+0 DEPOSER → décision', [meta, event(1), event(2), ...three.map(board), ...three.map(counter)]);
    // A workflow task: neither status nor board
    ledger.add('j+0 DEPOSER → dossierEnregistrerAttente', [pending]);
    // A decision that moves the status: the 3 entries move, 1 audit record
    ledger.add('j+3 VALIDER → décision', [meta, event(3), ...three.map(board), ...three.map(counter)]);
    // A workflow record: META and one audit record, no status change
    ledger.add('j+3 VALIDER → dossierTransmettre', [meta, event(4)]);

    // counters: 2 status changes × 3 structures × 2 units = 12
    // entries: first appearance 3 × 2 = 6, then a move 3 × 4 = 12 → 18
    // META 3 writes + audit records 4 writes = 7 writes × 2 units = 14
    expect(ledger.floor()).toEqual({
      statusChanges: 2,
      structures: 3,
      counters: 12,
      entries: 18,
      core: 14,
      total: 44,
    });
  });

  it('is zero for a path that wrote nothing', () => {
    expect(new WriteLedger().floor()).toEqual({
      statusChanges: 0,
      structures: 0,
      counters: 0,
      entries: 0,
      core: 0,
      total: 0,
    });
  });
});
