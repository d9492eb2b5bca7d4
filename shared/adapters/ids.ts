import { randomBytes } from 'node:crypto';

/**
 * Time-ordered, unguessable identifiers: 10 base32 characters of milliseconds then 16 of randomness (ULID layout,
 * Crockford alphabet). Sorting ids sorts by creation time, which keeps pieces and events in order in the table.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newId(now: Date = new Date()): string {
  let time = now.getTime();
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = ALPHABET[time % 32] + head;
    time = Math.floor(time / 32);
  }
  const bytes = randomBytes(16);
  let tail = '';
  for (const b of bytes) tail += ALPHABET[b % 32];
  return head + tail;
}
