import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { Checksum, SourceData } from '@smithy/types';

/**
 * SHA-256 and HMAC-SHA-256 on node:crypto, in the shape Signature V4 asks for (`@smithy/types`' `Checksum`): what
 * `@smithy/core/checksum`'s `Sha256` is on Node. That export brings the pure-JavaScript fallback with it and probes
 * node:crypto when loaded, ~4 KB and ~0.5 ms of every function's cold start for a class the runtime always has
 * (docs/DESIGN.md#what-a-cold-start-pays); `test/unit/adapters/sha256.test.ts` checks it against AWS's and RFC
 * 4231's vectors.
 */
export class Sha256 implements Checksum {
  private hash: Hash | Hmac;
  /** Keyed by a secret: an HMAC (as the SDK's class, an empty secret is none). */
  private readonly hmac: boolean;

  constructor(private readonly secret?: SourceData) {
    this.hmac = Boolean(secret);
    this.hash = this.create();
  }

  update(data: Uint8Array | string): void {
    this.hash.update(data);
  }

  /** A plain hash may be read again after more updates (as the SDK's); an HMAC once. */
  async digest(): Promise<Uint8Array> {
    const bytes = this.hmac ? this.hash.digest() : (this.hash as Hash).copy().digest();
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  reset(): void {
    this.hash = this.create();
  }

  private create(): Hash | Hmac {
    return this.hmac ? createHmac('sha256', keyOf(this.secret as SourceData)) : createHash('sha256');
  }
}

function keyOf(secret: SourceData): string | Buffer {
  if (typeof secret === 'string') return secret;
  if (ArrayBuffer.isView(secret)) return Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength);
  return Buffer.from(secret);
}
