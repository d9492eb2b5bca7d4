import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * s3rver's filesystem store, used in-process by the storage front for checked browser uploads (s3-versions.ts), so
 * that their bytes make no second HTTP hop to s3rver and are read by no second parser and hasher there. s3rver puts
 * its store on the server (`store`); writing metadata and deleting go through the store's own methods. The writing
 * of an object's bytes and their sharing between two keys need to know where the store keeps them
 * (`getResourcePath(bucket, key, 'object')`): the store's `putObject` resolves before its file is flushed, and its
 * `copyObject` writes every byte again. test/integration/platform/s3rver-store.test.ts reads through s3rver's HTTP
 * API what is written here and fails if that layout changes.
 */
export interface S3rverStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putObject(object: { readonly bucket: string; readonly key: string }): Promise<unknown>;
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
  const methods = ['getResourcePath', 'putObject', 'putMetadata', 'copyObject', 'deleteObject'] as const;
  if (!store || methods.some((m) => typeof store[m] !== 'function')) {
    throw new Error(`s3rver store without ${methods.join('/')}`);
  }
  return store as S3rverStore;
}

/** The objects of one store, as the front uses them. */
export interface StoredObjects {
  /** Streams `body` into the object's file; resolves once every byte is written (flushed to the file). */
  writeBytes(bucket: string, key: string, body: NodeJS.ReadableStream): Promise<void>;
  /** Records the object's headers (type, user metadata) and its MD5 (hex), which s3rver serves as its ETag. */
  writeMetadata(bucket: string, key: string, headers: Record<string, string>, md5: string): Promise<void>;
  /**
   * Makes `toKey`'s bytes those of `fromKey` without writing them again (a hard link, put in place by a rename: a
   * reader of `toKey` gets its former bytes or the new ones, never a mix). Its metadata is written apart.
   */
  share(bucket: string, fromKey: string, toKey: string): Promise<void>;
  remove(bucket: string, key: string): Promise<void>;
}

/** Links cannot be made on this filesystem: the bytes are copied instead. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK']);

/**
 * An object file that shares its bytes with another key (`share`) loses that link before s3rver writes the key again:
 * s3rver truncates and rewrites an object's file in place (`putObject`, and `copyObject` through fs-extra), which
 * would change the other key's bytes too (a pinned version). Its file is removed first, as the truncation would
 * have emptied it; the other key keeps the bytes.
 */
async function unshare(file: string): Promise<void> {
  try {
    if ((await fs.promises.stat(file)).nlink > 1) await fs.promises.unlink(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function keepSharedBytes(store: S3rverStore): void {
  const putObject = store.putObject.bind(store);
  const copyObject = store.copyObject.bind(store);
  store.putObject = async (object) => {
    await unshare(store.getResourcePath(object.bucket, object.key, 'object'));
    return putObject(object);
  };
  store.copyObject = async (srcBucket, srcKey, destBucket, destKey, replacementMetadata) => {
    const from = store.getResourcePath(srcBucket, srcKey, 'object');
    const to = store.getResourcePath(destBucket, destKey, 'object');
    if (from !== to) await unshare(to);
    return copyObject(srcBucket, srcKey, destBucket, destKey, replacementMetadata);
  };
}

/** The objects of `store`; from now on s3rver's own writes leave the bytes shared by `share` to the other key. */
export function storedObjects(store: S3rverStore): StoredObjects {
  keepSharedBytes(store);
  return {
    writeBytes: async (bucket, key, body) => {
      const file = store.getResourcePath(bucket, key, 'object');
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      await pipeline(body, fs.createWriteStream(file, { highWaterMark: WRITE_CHUNK }));
    },
    writeMetadata: (bucket, key, headers, md5) => store.putMetadata(bucket, key, headers, md5),
    share: async (bucket, fromKey, toKey) => {
      const from = store.getResourcePath(bucket, fromKey, 'object');
      const to = store.getResourcePath(bucket, toKey, 'object');
      await fs.promises.mkdir(path.dirname(to), { recursive: true });
      // Beside the target, under a name s3rver lists as no object
      const staged = `${to}.${randomBytes(6).toString('hex')}.staged`;
      try {
        await fs.promises.link(from, staged);
      } catch (error) {
        if (!NO_LINKS.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
        await fs.promises.copyFile(from, staged);
      }
      await fs.promises.rename(staged, to).catch(async (error: unknown) => {
        await fs.promises.rm(staged, { force: true });
        throw error;
      });
    },
    remove: (bucket, key) => store.deleteObject(bucket, key),
  };
}
