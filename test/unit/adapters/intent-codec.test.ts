import { describe, expect, it } from 'vitest';
import { decodeIntent, encodeIntent } from '../../../shared/adapters/dynamo/notifications/intent-codec';
import type { NotificationIntent } from '../../../shared/domain/notifications';

/** A refusal to the titulaire and its MOE: a kind and lines the dictionary does not spell out. */
const REFUS: NotificationIntent = {
  kind: 'PIECE_REFUSEE',
  source: 'DOSSIER#D-42@v3',
  at: '2030-02-03T10:15:00.000Z',
  dossierId: 'D-42',
  marcheId: '01JZ0DEM0MARCHE00000000001',
  numero: 'FAC-2030-017',
  title: 'Pièce refusée — dossier D-42 (pièce n° FAC-2030-017)',
  lines: [
    'Le maître d’œuvre a refusé la pièce : mauvais destinataire.',
    'Motif : la facture est adressée à une autre entité que le maître d’ouvrage du marché.',
    'Vous pouvez déposer une nouvelle pièce dans le même dossier.',
  ],
  link: '/dossiers/D-42',
  audience: [
    { siret: '53819959700013', space: 'FACTURES_TRAVAUX', act: true },
    { siret: '83876704400012', space: 'FACTURES_TRAVAUX', act: false },
  ],
};

describe('outbox intent codec', () => {
  it('gives back the intent it stored, in well under 1 KB', () => {
    const stored = encodeIntent(REFUS);
    expect(decodeIntent(stored)).toEqual(REFUS);
    // ~700 characters of JSON; the entry's keys and dates take ~200 bytes more, the whole must stay under 1,024
    expect(stored.length).toBeLessThan(600);
    expect(stored.length).toBeLessThan(JSON.stringify(REFUS).length);
  });

  it('reads an intent stored as a map (the previous layout) as it is', () => {
    expect(decodeIntent(REFUS)).toBe(REFUS);
  });
});
