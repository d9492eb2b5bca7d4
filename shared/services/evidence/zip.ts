import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { ZipFile } from 'yazl';

/**
 * The ZIP of a dossier de preuve, streamed (docs/evidence-pack.md): documents are opened one at a time, when the ZIP
 * reaches them, hashed on the way through, and never held whole in memory; the manifest of their SHA-256, computed
 * from the bytes actually written, comes last. The caller consumes `stream` (an upload to the bucket, a file).
 */
export interface PackDocument {
  /** Path inside the ZIP. */
  readonly path: string;
  /** SHA-256 recorded when the file was verified at upload. */
  readonly recordedSha256?: string;
  readonly open: () => Promise<NodeJS.ReadableStream>;
}

export interface DocumentDigest {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly recordedSha256?: string;
  /** The bytes in the bucket are still the ones verified at upload. */
  readonly matchesRecord: boolean | null;
}

export interface EvidenceZipInput {
  /** Small texts written first (report, letter, audit trail, README). */
  readonly texts: readonly { readonly path: string; readonly content: string | Uint8Array }[];
  readonly documents: readonly PackDocument[];
  /** Texts written after the documents, from their digests (manifest, SHA256SUMS). */
  readonly trailer: (digests: readonly DocumentDigest[]) => readonly { path: string; content: string }[];
}

export function evidenceZip(input: EvidenceZipInput): { stream: Readable; digests: Promise<DocumentDigest[]> } {
  const zip = new ZipFile();
  const digests: DocumentDigest[] = [];
  let failed: ((e: unknown) => void) | undefined;
  const done = new Promise<DocumentDigest[]>((resolve, reject) => {
    failed = reject;
    zip.outputStream.on('end', () => resolve(digests));
    zip.outputStream.on('error', reject);
  });
  for (const t of input.texts) {
    zip.addBuffer(Buffer.from(t.content), t.path, { mtime: new Date(0), compress: true });
  }
  for (const doc of input.documents) {
    zip.addReadStreamLazy(doc.path, { compress: false }, (cb) => {
      doc
        .open()
        .then((source) => {
          const hash = createHash('sha256');
          let bytes = 0;
          const tap = new Transform({
            transform(chunk: Buffer, _enc, next) {
              hash.update(chunk);
              bytes += chunk.length;
              next(null, chunk);
            },
            flush(next) {
              const sha256 = hash.digest('hex');
              digests.push({
                path: doc.path,
                bytes,
                sha256,
                ...(doc.recordedSha256 ? { recordedSha256: doc.recordedSha256 } : {}),
                matchesRecord: doc.recordedSha256 ? doc.recordedSha256 === sha256 : null,
              });
              next();
            },
          });
          source.on('error', (e) => tap.destroy(e));
          cb(null, (source as Readable).pipe(tap));
        })
        .catch((e) => {
          failed?.(e);
          cb(e, Readable.from([]));
        });
    });
  }
  // Lazy too: yazl asks for it once every document before it has been read whole, so the digests are complete.
  const trailerPaths = ['MANIFESTE.json', 'SHA256SUMS'];
  let trailer: readonly { path: string; content: string }[] | undefined;
  for (const path of trailerPaths) {
    zip.addReadStreamLazy(path, (cb) => {
      trailer ??= input.trailer(digests);
      const entry = trailer.find((t) => t.path === path);
      cb(null, Readable.from([Buffer.from(entry?.content ?? '')]));
    });
  }
  zip.end();
  return { stream: zip.outputStream as Readable, digests: done };
}
