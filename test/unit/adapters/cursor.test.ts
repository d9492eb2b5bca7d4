import { describe, expect, it } from 'vitest';
import { type CursorShape, decodeCursor, encodeCursor } from '../../../shared/adapters/dynamo/cursor';
import { isDomainError } from '../../../shared/domain/errors';

const shape: CursorShape = {
  attributes: ['pk', 'sk', 'gsi2pk', 'gsi2sk'],
  partition: { name: 'gsi2pk', value: 'MARCHE#M1' },
  sortPrefix: { name: 'gsi2sk', value: 'DOSSIER#' },
};
const key = { pk: 'DOSSIER#D1', sk: 'META', gsi2pk: 'MARCHE#M1', gsi2sk: 'DOSSIER#2026-01-05' };

function refusal(cursor: string): string | undefined {
  try {
    decodeCursor(cursor, shape);
    return undefined;
  } catch (error) {
    return isDomainError(error) ? `${error.kind} ${error.code}` : String(error);
  }
}

describe('continuation cursors', () => {
  it('round-trips a LastEvaluatedKey', () => {
    expect(decodeCursor(encodeCursor(key), shape)).toEqual(key);
  });

  it('refuses, as a 422 CURSEUR_INVALIDE, whatever is not exactly a key of the listed partition', () => {
    const cases: Record<string, string> = {
      'not base64url': '%%%',
      'not JSON': Buffer.from('{pk:').toString('base64url'),
      'an array': encodeCursor([1, 2] as unknown as Record<string, unknown>),
      // the crafted cursor of the probe: DynamoDB answered ValidationException (a 500) for a key short of attributes
      'missing key attributes': encodeCursor({ gsi2pk: 'MARCHE#M1' }),
      'an extra attribute': encodeCursor({ ...key, montant: '1' }),
      'a number': encodeCursor({ ...key, sk: 7 }),
      'another partition': encodeCursor({ ...key, gsi2pk: 'MARCHE#M2' }),
      'outside the prefix': encodeCursor({ ...key, gsi2sk: 'MEMBER#x' }),
      'an empty value': encodeCursor({ ...key, sk: '' }),
      'a huge value': encodeCursor({ ...key, sk: 'x'.repeat(1025) }),
      'too long': 'A'.repeat(4097),
      empty: '',
    };
    for (const [why, cursor] of Object.entries(cases)) {
      expect(refusal(cursor), why).toBe('INVALID CURSEUR_INVALIDE');
    }
  });
});
