import { describe, expect, it } from 'vitest';
import { formatMo, MAX_FILE_BYTES, refusalBeforeUpload } from '../../../web/src/deposit/room';

const MB = 1024 * 1024;
const room = (reservedMb: number, inFlightMb = 0) => ({
  reserved: reservedMb * MB,
  max: 120 * MB,
  inFlight: inFlightMb * MB,
});

describe('the room of a piece, checked in the browser before any upload', () => {
  it('lets through a file that fits: 10 MB exactly, on a piece with 110 MB reserved (120 − 110 = 10 left)', () => {
    expect(MAX_FILE_BYTES).toBe(10 * MB);
    expect(refusalBeforeUpload({ name: 'a.pdf', size: 10 * MB }, room(110))).toBeUndefined();
  });

  it('refuses an empty file and one over 10 MB, naming it', () => {
    expect(refusalBeforeUpload({ name: 'vide.pdf', size: 0 }, room(0))).toBe(
      'Le fichier vide.pdf est vide : choisissez le bon fichier.',
    );
    // 11 MB = 11 534 336 bytes > 10 485 760
    expect(refusalBeforeUpload({ name: 'gros.pdf', size: 11 * MB }, room(0))).toBe(
      'Le fichier gros.pdf pèse 11,0\u00a0Mo ; 10,0\u00a0Mo au plus par fichier : réduisez-le ou scindez-le.',
    );
  });

  it('counts the files being sent: 100 MB reserved + 15 MB on their way leaves 5 MB, so 6 MB is refused', () => {
    expect(refusalBeforeUpload({ name: 'b.pdf', size: 6 * MB }, room(100, 15))).toBe(
      'Le fichier b.pdf (6,0\u00a0Mo) dépasserait les 120,0\u00a0Mo de la pièce avec ses pièces jointes : il reste 5,0\u00a0Mo.',
    );
  });

  it('writes sizes the French way: one decimal in Mo, small files in ko', () => {
    // 1 572 864 bytes = 1.5 MB; 12 288 bytes = 12 ko (under 0.1 MB)
    expect(formatMo(1_572_864)).toBe('1,5\u00a0Mo');
    expect(formatMo(12_288)).toBe('12\u00a0ko');
    expect(formatMo(0)).toBe('0,0\u00a0Mo');
  });
});
