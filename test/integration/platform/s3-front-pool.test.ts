import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalS3, startLocalS3 } from '../../../infra/local/s3';

/**
 * The storage front sends every request to s3rver on pooled connections. Node's HTTP server closes an idle
 * connection after 5 s by default and says so (`Keep-Alive: timeout=5`); a request the front sent on it at that very
 * instant failed with "socket hang up", a 502 for the browser (a download lost so in CI). s3rver must leave idle
 * connections to its one client, which closes them when the platform stops.
 */
describe('storage front to s3rver connections', () => {
  let s3: LocalS3;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 's3-front-pool-'));
    s3 = await startLocalS3({
      port: 0,
      directory: dir,
      bucket: 'pool',
      cors: [],
      clock: { now: () => new Date() },
      region: 'eu-west-3',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      onEvent: () => undefined,
    });
  });
  afterAll(async () => {
    await s3?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps an idle pooled connection open: s3rver announces no idle timeout and keeps the connection alive', async () => {
    const agent = new http.Agent({ keepAlive: true });
    const headers = await new Promise<http.IncomingHttpHeaders>((resolve, reject) => {
      http
        .get(`${s3.internalEndpoint}/`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.headers));
        })
        .on('error', reject);
    });
    agent.destroy();
    expect(headers.connection).toBe('keep-alive');
    // Node writes `Keep-Alive: timeout=<s>` when it will close the idle connection itself: here it must not
    expect(headers['keep-alive']).toBeUndefined();
  });
});
