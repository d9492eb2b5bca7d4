import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../../infra/local/dynamodb';
import { listeningSockets } from './sockets';

/** Resolves once a DynamoDB Local JVM given `port` runs (its command line, in /proc): it has not bound it yet. */
async function jvmLaunchedWith(port: number): Promise<void> {
  for (let i = 0; i < 2000; i += 1) {
    for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let args: string[] = [];
      try {
        args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      } catch {
        continue; // gone meanwhile
      }
      if (args[0]?.endsWith('java') && args.includes('LoopbackLauncher') && args.includes(String(port))) return;
    }
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`no DynamoDB Local JVM launched with port ${port}`);
}

/**
 * DynamoDB Local's endpoint is the port its own JVM holds, as the JVM reports it once bound, never a port picked
 * beforehand and merely found answering: another process (another test file's platform, any HTTP server) could
 * have taken that port in the seconds the JVM takes to start, and been used as the database.
 */
// Each test starts a JVM, two when the first cannot bind: seconds each on a loaded 2-core machine
describe('DynamoDB Local port', { timeout: 120_000 }, () => {
  const started: DynamoDbLocal[] = [];
  const servers: http.Server[] = [];
  afterEach(async () => {
    for (const d of started.splice(0)) await d.stop();
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });

  /** ListTables on the endpoint: what DynamoDB Local answers, and what no other server would. */
  const listTables = async (endpoint: string) => {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20261204/eu-west-3/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{}',
    });
    return { status: res.status, body: await res.json() };
  };

  it('with no port asked, serves on the port its JVM holds', async () => {
    const local = await startDynamoDbLocal({ port: 0 });
    started.push(local);
    const held = listeningSockets([local.pid]).map((s) => s.port);
    expect(held).toEqual([local.port]);
    expect(local.endpoint).toBe(`http://127.0.0.1:${local.port}`);
    expect(await listTables(local.endpoint)).toEqual({ status: 200, body: { TableNames: [] } });
  });

  it('with its preferred port held by another HTTP server, moves to a port of its own and never answers as that server', async () => {
    // A server that answers every request, as the readiness probe of old accepted
    const other = http.createServer((_req, res) => res.end('{"autre":"serveur"}'));
    servers.push(other);
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const taken = (other.address() as AddressInfo).port;

    const local = await startDynamoDbLocal({ port: taken });
    started.push(local);
    expect(local.port).not.toBe(taken);
    expect(listeningSockets([local.pid]).map((s) => s.port)).toEqual([local.port]);
    expect(await listTables(local.endpoint)).toEqual({ status: 200, body: { TableNames: [] } });
  });

  it('with its preferred port taken by another HTTP server while the JVM starts, never takes that server for itself', async () => {
    // The port is free when asked for; another server binds it once the JVM runs, in the second it takes to start
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));

    const starting = startDynamoDbLocal({ port });
    starting.catch(() => undefined);
    await jvmLaunchedWith(port);
    const other = http.createServer((_req, res) => res.end('{"autre":"serveur"}'));
    servers.push(other);
    await new Promise<void>((r) => other.listen(port, '127.0.0.1', r));

    const local = await starting;
    started.push(local);
    expect(local.port).not.toBe(port);
    expect(listeningSockets([local.pid]).map((s) => s.port)).toEqual([local.port]);
    expect(await listTables(local.endpoint)).toEqual({ status: 200, body: { TableNames: [] } });
  });
});
