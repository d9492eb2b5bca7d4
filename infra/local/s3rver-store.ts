import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * s3rver's filesystem store, used in-process by the storage front for checked browser uploads (s3-versions.ts), so
 * that their bytes make no second HTTP hop to s3rver and are read by no second parser and hasher there. s3rver puts
 * its store on the server (`store`); copying, writing metadata and deleting go through the store's own methods. Only
 * the writing of an object's bytes needs to know where the store keeps them (`getResourcePath(bucket, key,
 * 'object')`): the store's `putObject` resolves before its file is flushed, so a copy made right after it could read
 * a partial file. test/integration/platform/s3rver-store.test.ts reads through s3rver's HTTP API what is written
 * here and fails if that layout changes.
 */
export interface S3rverStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
  copyObject(
    srcBucket: string,
    srcKey: string,
    destBucket: string,
    destKey: string,
    replacementMetadata: null,
  ): Promise<{ readonly etag: string }>;
  deleteObject(bucket: string, key: string): Promise<void>;
}

/**
 * Bytes that may wait for the disk threads (fs's default is 16 KiB, a quarter of one socket read): the socket keeps
 * being read while a write is in flight, and what waited goes out in one writev. The bound on memory per upload.
 */
const WRITE_CHUNK = 256 * 1024;

/** The store of a running s3rver (its `store` property). */
export function storeOf(server: { readonly store?: unknown }): S3rverStore {
  const store = server.store as Partial<S3rverStore> | undefined;
  const methods = ['getResourcePath', 'putMetadata', 'copyObject', 'deleteObject'] as const;
  if (!store || methods.some((m) => typeof store[m] !== 'function')) {
    throw new Error('s3rver store without getResourcePath/putMetadata/copyObject/deleteObject');
  }
  return store as S3rverStore;
}

/** The objects of one store, as the front uses them. */
export interface StoredObjects {
  /** Streams `body` into the object's file; resolves once every byte is written (flushed to the file). */
  writeBytes(bucket: string, key: string, body: NodeJS.ReadableStream): Promise<void>;
  /** Records the object's headers (type, user metadata) and its MD5 (hex), which s3rver serves as its ETag. */
  writeMetadata(bucket: string, key: string, headers: Record<string, string>, md5: string): Promise<void>;
  /** Copies an object with its metadata; returns the copy's ETag (quoted). */
  copy(bucket: string, fromKey: string, toKey: string): Promise<string>;
  remove(bucket: string, key: string): Promise<void>;
}

export function storedObjects(store: S3rverStore): StoredObjects {
  return {
    writeBytes: async (bucket, key, body) => {
      const file = store.getResourcePath(bucket, key, 'object');
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      await pipeline(body, fs.createWriteStream(file, { highWaterMark: WRITE_CHUNK }));
    },
    writeMetadata: (bucket, key, headers, md5) => store.putMetadata(bucket, key, headers, md5),
    copy: async (bucket, fromKey, toKey) => (await store.copyObject(bucket, fromKey, bucket, toKey, null)).etag,
    remove: (bucket, key) => store.deleteObject(bucket, key),
  };
}
