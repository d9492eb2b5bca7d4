import type { SignatureV4 } from '@smithy/signature-v4';
import { defaultBackoff, MAX_ATTEMPTS } from './aws-json';
import type { DocumentObjects, ObjectHead } from './document-bucket';
import { sha256Base64ToHex } from './s3';
import { addressOf, hostOf, type SigningTarget, s3Signer, urlOf } from './s3-presign';

/**
 * The stored objects of the documents bucket: what an uploaded object is (size, version, checksum), its bytes, and
 * hiding it. Installed by the functions that touch objects (`installDocumentObjects` in
 * shared/services/infrastructure.ts); those that only hand out links and forms do not.
 *
 * Without the S3 client: HeadObject, GetObject and DeleteObject are sent as Signature V4 requests (signed by
 * `@smithy/signature-v4`, the SDK's own signer, already bundled for the links, `s3-presign.ts`) with Node's `fetch`.
 * The client weighs ~165 KB in a bundle (its command schemas, XML protocol, checksums) for these three requests
 * (issue 16). Transient failures (network, 5xx, 429) are tried again, three attempts in all with the backoff of the
 * JSON requests (aws-json.ts), as the SDK's standard retry mode does. test/unit/pieces/s3-objects.test.ts checks
 * the requests against the embedded platform's storage and the signature against the one the S3 client computes.
 */
export class S3DocumentObjects implements DocumentObjects {
  private readonly signer: SignatureV4;

  constructor(
    private readonly target: SigningTarget,
    readonly bucket: string,
    private readonly options: {
      readonly fetch?: typeof fetch;
      /** Waits before attempt `attempt` (1, 2); tests pass one that does not wait. */
      readonly backoff?: (attempt: number) => Promise<void>;
    } = {},
  ) {
    this.signer = s3Signer(target, true);
  }

  async head(key: string, versionId?: string): Promise<ObjectHead | undefined> {
    const res = await this.send('HEAD', key, versionId, { 'x-amz-checksum-mode': 'ENABLED' }, [404]);
    if (res.status === 404) return undefined;
    const checksum = res.headers.get('x-amz-checksum-sha256');
    const version = res.headers.get('x-amz-version-id');
    return {
      size: Number(res.headers.get('content-length') ?? 0),
      versionId: version ?? undefined,
      sha256: checksum && !checksum.includes('-') ? sha256Base64ToHex(checksum) : undefined,
    };
  }

  async bytes(key: string, versionId?: string): Promise<Uint8Array> {
    const res = await this.send('GET', key, versionId);
    return new Uint8Array(await res.arrayBuffer());
  }

  async hide(key: string): Promise<void> {
    const res = await this.send('DELETE', key);
    await res.arrayBuffer();
  }

  /** The signed request, tried up to three times; a status outside 2xx and `accepted` throws S3RequestFailed. */
  private async send(
    method: 'HEAD' | 'GET' | 'DELETE',
    key: string,
    versionId?: string,
    headers: Record<string, string> = {},
    accepted: readonly number[] = [],
  ): Promise<Response> {
    const send = this.options.fetch ?? fetch;
    const address = await addressOf(this.target, this.bucket, key);
    const query: Record<string, string> = versionId ? { versionId } : {};
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) await (this.options.backoff ?? retryBackoff)(attempt);
      const last = attempt === MAX_ATTEMPTS - 1;
      // Signed again at each attempt: the signature holds the instant it was made
      const signed = await this.signer.sign({
        method,
        ...address,
        query,
        headers: { ...headers, host: hostOf(address) },
      });
      const { host: _host, ...sent } = signed.headers as Record<string, string>;
      let res: Response;
      try {
        res = await send(urlOf(address, query), { method, headers: sent });
      } catch (e) {
        if (last) throw e;
        continue;
      }
      if (res.ok || accepted.includes(res.status)) return res;
      const failure = await S3RequestFailed.of(method, key, res);
      if (last || !(res.status >= 500 || res.status === 429)) throw failure;
    }
  }
}

/** The pause before retry `retry` (1, 2): that of the JSON requests before their attempt `retry + 1`. */
const retryBackoff = (retry: number) => defaultBackoff(retry + 1, false);

/** A request S3 answered with an error: its status and S3's error code (NoSuchKey, AccessDenied, SlowDown…). */
export class S3RequestFailed extends Error {
  override readonly name = 'S3RequestFailed';

  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
  }

  static async of(method: string, key: string, res: Response): Promise<S3RequestFailed> {
    const body = method === 'HEAD' ? '' : await res.text().catch(() => '');
    const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
    return new S3RequestFailed(`S3 ${method} ${key}: ${res.status}${code ? ` ${code}` : ''}`, res.status, code);
  }
}
