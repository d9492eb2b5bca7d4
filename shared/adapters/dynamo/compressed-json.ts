import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * A large JSON attribute stored compressed, as binary (docs/DESIGN.md#the-table): an item's size is paid at every
 * write, in the table and in each index that projects it, by the KB. AWS documents the practice ("Best practices
 * for storing large items and attributes": compress large attribute values, store them as binary).
 *
 * Stored form: one byte naming the format, then the JSON, DEFLATE (raw) with the format's preset dictionary (the
 * vocabulary the values repeat, that DEFLATE then refers back to instead of spelling it out in every item). A format
 * is frozen once items are written with it: a new dictionary is a new format byte, the old format kept for reading.
 */
export interface JsonFormat {
  readonly byte: number;
  readonly dictionary: Buffer;
}

export function compressJson(value: unknown, format: JsonFormat): Uint8Array {
  const body = deflateRawSync(JSON.stringify(value), { level: 9, dictionary: format.dictionary });
  return Buffer.concat([Buffer.of(format.byte), body]);
}

/**
 * The value of an attribute written by `compressJson` in one of `formats`; any other value (the attribute as a
 * layout before stored it, a map) is given back as it is.
 */
export function decompressJson(stored: unknown, formats: readonly JsonFormat[]): unknown {
  if (!(stored instanceof Uint8Array)) return stored;
  const format = formats.find((f) => f.byte === stored[0]);
  if (!format) throw new Error(`Unknown compressed JSON format: ${String(stored[0])}`);
  const json = inflateRawSync(stored.subarray(1), { dictionary: format.dictionary }).toString('utf8');
  return JSON.parse(json);
}
