import { randomBytes } from 'node:crypto';
import { postCreatedRecord, type S3EventRecord } from './s3-events';
import type { BrowserPostStore } from './s3-post';
import type { StoredObjects } from './s3rver-store';

/**
 * Object versions, as on the versioned bucket of AWS (s3rver has none): every browser POST upload also stores its
 * bytes under `.versions/<key>/<versionId>`, its event and answer carry that `versionId`, and a GET, HEAD or DELETE
 * with `?versionId=` reaches that copy. So a download pinned to the verified version keeps serving the verified
 * bytes even if other bytes are posted later under the same key (a form stays usable until it expires).
 */
export const VERSIONS_PREFIX = '.versions/';

/** The metadata under which a version keeps its SHA-256 (base64), served as `x-amz-checksum-sha256`. */
export const LOCAL_CHECKSUM = 'x-amz-meta-local-checksum-sha256';

function versionKey(key: string, versionId: string): string {
  return `${VERSIONS_PREFIX}${key}/${versionId}`;
}

/** The path of a version's copy in s3rver's HTTP API. */
export function versionPath(bucket: string, key: string, versionId: string): string {
  return `/${bucket}/${versionKey(key, versionId).split('/').map(encodeURIComponent).join('/')}`;
}

/** Opaque, URL-safe and time-ordered, like S3's. */
export function newVersionId(): string {
  return `${Date.now().toString(36).padStart(9, '0')}${randomBytes(12).toString('base64url')}`;
}

/**
 * Where checked browser uploads go (s3-post.ts), straight into s3rver's store: the bytes to the hidden version as they
 * stream; once checked, the version's metadata (type, user metadata, SHA-256, MD5), its bytes shared with its key
 * (a hard link: not written twice, and s3rver's later writes to the key leave the version's bytes alone, see
 * `storedObjects`), the key's metadata, then its `ObjectCreated:Post` record, handed to `announce` (s3rver raises no
 * event for what it did not receive itself).
 */
export function versionStore(objects: StoredObjects, announce: (record: S3EventRecord) => void): BrowserPostStore {
  return {
    storeVersion: (bucket, key, versionId, body) => objects.writeBytes(bucket, versionKey(key, versionId), body),
    removeVersion: (bucket, key, versionId) => objects.remove(bucket, versionKey(key, versionId)),
    publish: async (bucket, key, versionId, stored) => {
      const hidden = versionKey(key, versionId);
      const metadata = { ...stored.headers, [LOCAL_CHECKSUM]: stored.sha256 };
      await Promise.all([
        objects.writeMetadata(bucket, hidden, metadata, stored.md5),
        objects.share(bucket, hidden, key),
      ]);
      await objects.writeMetadata(bucket, key, metadata, stored.md5);
      announce(postCreatedRecord(bucket, key, { size: stored.bytes, eTag: stored.md5, versionId }));
      // s3rver's ETag: the MD5 in quotes
      return JSON.stringify(stored.md5);
    },
  };
}

/** Runs each publication of a key after the previous one (their events map to versions in order). */
export function keyOrder(): <T>(id: string, publish: () => Promise<T>) => Promise<T> {
  const queues = new Map<string, Promise<unknown>>();
  return (id, publish) => {
    const turn = (queues.get(id) ?? Promise.resolve()).then(publish);
    const settled = turn.catch(() => undefined);
    queues.set(id, settled);
    void settled.then(() => {
      if (queues.get(id) === settled) queues.delete(id);
    });
    return turn;
  };
}
