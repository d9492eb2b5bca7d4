import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  decodeDossierState,
  encodeDossierState,
  withDecodedState,
} from '../../../shared/adapters/dynamo/dossier-state-codec';
import { ACOMPTE_STATE_3_PIECES } from '../../fixtures/dossier-state';

describe('dossier state codec (META `state`)', () => {
  it('gives back the state it stored, compressed', () => {
    const stored = encodeDossierState(ACOMPTE_STATE_3_PIECES);
    expect(decodeDossierState(stored)).toEqual(ACOMPTE_STATE_3_PIECES);
    // 1,985 characters of JSON (1.6 KB as a DynamoDB map); the dictionary holds its vocabulary, so what is left is mostly ids, SIRETs and dates:
    // well under the 1,024 bytes of one write unit, leaving ~500 for the META's other attributes
    expect(stored.length).toBeLessThan(400);
  });

  it('reads a state stored as a map (the previous layout) as it is', () => {
    expect(decodeDossierState(ACOMPTE_STATE_3_PIECES)).toBe(ACOMPTE_STATE_3_PIECES);
    const item = { pk: 'DOSSIER#D-1', sk: 'META', state: ACOMPTE_STATE_3_PIECES };
    expect(withDecodedState(item)).toBe(item);
    expect(withDecodedState({ ...item, state: encodeDossierState(item.state) })).toEqual(item);
  });

  it('refuses a format it does not know rather than guessing', () => {
    // format byte 2 does not exist (yet): its body is not read with format 1's dictionary
    const unknown = Buffer.concat([Buffer.of(2), deflateRawSync('{}')]);
    expect(() => decodeDossierState(unknown)).toThrow(/format: 2/);
  });
});
