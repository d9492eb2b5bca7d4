import { Sha256 as SdkSha256 } from '@smithy/core/checksum';
import { describe, expect, it } from 'vitest';
import { Sha256 } from '../../../shared/adapters/sha256';

/** SHA-256 and HMAC-SHA-256 for Signature V4 (shared/adapters/sha256.ts), on published vectors and against the SDK's. */

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('Sha256 for Signature V4', () => {
  it('hashes as FIPS 180-2 says (« abc », and the empty payload whose hash Signature V4 sends for a GET)', async () => {
    const abc = new Sha256();
    abc.update('abc');
    expect(hex(await abc.digest())).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(await new Sha256().digest())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('keyed by a secret, computes the HMAC of RFC 4231 (test case 2), the key as text or as bytes', async () => {
    for (const key of ['Jefe', utf8('Jefe')]) {
      const hmac = new Sha256(key);
      hmac.update('what do ya want ');
      hmac.update(utf8('for nothing?'));
      expect(hex(await hmac.digest())).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    }
  });

  it('answers as the SDK’s class for the same updates: a hash read twice, more data after a read, a reset', async () => {
    const ours = new Sha256();
    const sdk = new SdkSha256();
    for (const h of [ours, sdk]) h.update(utf8('un'));
    expect(hex(await ours.digest())).toBe(hex(await sdk.digest()));
    for (const h of [ours, sdk]) h.update(new Uint8Array([0, 255, 7]));
    expect(hex(await ours.digest())).toBe(hex(await sdk.digest()));
    expect(hex(await ours.digest())).toBe(hex(await sdk.digest()));
    for (const h of [ours, sdk]) {
      h.reset();
      h.update(utf8('deux'));
    }
    expect(hex(await ours.digest())).toBe(hex(await sdk.digest()));

    const key = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]).subarray(2);
    const ourHmac = new Sha256(key);
    const sdkHmac = new SdkSha256(key);
    for (const h of [ourHmac, sdkHmac]) h.update(utf8('20261204'));
    expect(hex(await ourHmac.digest())).toBe(hex(await sdkHmac.digest()));
  });
});
