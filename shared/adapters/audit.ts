import { createHash } from 'node:crypto';

/**
 * The audit trail is append-only and verifiable (docs/rules/documents.md#retention-and-the-audit-trail): each event carries the SHA-256 of its own canonical
 * content chained with the previous event's hash. Changing, removing or reordering any event breaks every later hash.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEvent {
  readonly seq: number;
  readonly at: string;
  readonly type: string;
  readonly actorSiret?: string;
  readonly actorRole?: string;
  readonly userId?: string;
  readonly details?: Record<string, unknown>;
  readonly fileHashes?: readonly string[];
}

export interface ChainedEvent extends AuditEvent {
  readonly prevHash: string;
  readonly hash: string;
}

/** JSON with object keys sorted at every depth, so that the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function chainEvent(event: AuditEvent, prevHash: string): ChainedEvent {
  const hash = createHash('sha256').update(prevHash).update(canonicalJson(event)).digest('hex');
  return { ...event, prevHash, hash };
}

/** Chains new events after the last one recorded (`seq`, `hash`): their numbers and hashes, and the new head. */
export function chainAfter(
  events: readonly Omit<AuditEvent, 'seq'>[],
  last: { readonly seq: number; readonly hash: string },
): { chained: ChainedEvent[]; seq: number; hash: string } {
  let { seq, hash } = last;
  const chained: ChainedEvent[] = [];
  for (const e of events) {
    seq += 1;
    const c = chainEvent({ ...e, seq }, hash);
    chained.push(c);
    hash = c.hash;
  }
  return { chained, seq, hash };
}

export type TrailVerification =
  | { ok: true; length: number; lastHash: string }
  | { ok: false; brokenAtSeq: number; reason: string };

/**
 * Recomputes the chain; reports the first event whose hash or link does not match. With `head` (the last event's
 * number and hash as the dossier's own item records them at every write), events removed from the end of the chain
 * are found too: a chain that stops short of its recorded head is broken at the first missing number.
 */
export function verifyTrail(
  events: readonly ChainedEvent[],
  head?: { readonly seq: number; readonly hash: string },
): TrailVerification {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const e of events) {
    if (e.seq !== expectedSeq)
      return { ok: false, brokenAtSeq: e.seq, reason: `séquence ${e.seq} au lieu de ${expectedSeq}` };
    if (e.prevHash !== prev) return { ok: false, brokenAtSeq: e.seq, reason: 'chaînage rompu (prevHash)' };
    const { hash, prevHash, ...content } = e;
    if (chainEvent(content, prevHash).hash !== hash)
      return { ok: false, brokenAtSeq: e.seq, reason: 'contenu modifié (hash)' };
    prev = hash;
    expectedSeq++;
  }
  if (head && head.seq > events.length) {
    return {
      ok: false,
      brokenAtSeq: events.length + 1,
      reason: `événements ${events.length + 1} à ${head.seq} manquants (le dossier en enregistre ${head.seq})`,
    };
  }
  if (head && head.seq === events.length && head.hash !== prev) {
    return {
      ok: false,
      brokenAtSeq: head.seq,
      reason: 'dernier événement différent de celui enregistré par le dossier',
    };
  }
  return { ok: true, length: events.length, lastHash: prev };
}
