import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../../../infra/local/platform';
import { GetCommand, PutCommand } from '../../../shared/adapters/dynamo/document-client';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let dataDir: string;
const started: Platform[] = [];

async function start(): Promise<Platform> {
  const p = await startPlatform({ port: 0, dataDir });
  started.push(p);
  return p;
}

async function readBack(p: Platform) {
  const item = await p.clients.document.send(
    new GetCommand({ TableName: p.tableName, Key: { pk: 'DOSSIER#D-1', sk: 'META' } }),
  );
  const object = await p.clients.s3.send(new GetObjectCommand({ Bucket: p.bucketName, Key: 'archives/D-1/devis.pdf' }));
  return { item: item.Item, body: await object.Body?.transformToString() };
}

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'factures-travaux-persistence-'));
});

afterAll(async () => {
  for (const p of started.reverse()) await p.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('local platform data folder', () => {
  it('keeps table items and objects across a restart, and stop() leaves no JVM behind', async () => {
    const first = await start();
    expect(first.inMemory).toBe(false);
    await first.clients.document.send(
      new PutCommand({
        TableName: first.tableName,
        Item: { pk: 'DOSSIER#D-1', sk: 'META', objet: 'Lot 2 : gros œuvre' },
      }),
    );
    await first.clients.s3.send(
      new PutObjectCommand({ Bucket: first.bucketName, Key: 'archives/D-1/devis.pdf', Body: '%PDF-1.7 devis' }),
    );
    const firstJvm = first.dynamodbPid;
    expect(alive(firstJvm)).toBe(true);
    await first.stop();
    expect(alive(firstJvm)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'dynamodb.pid'))).toBe(false);

    const second = await start();
    expect(await readBack(second)).toEqual({
      item: { pk: 'DOSSIER#D-1', sk: 'META', objet: 'Lot 2 : gros œuvre' },
      body: '%PDF-1.7 devis',
    });
    await second.stop();
    expect(alive(second.dynamodbPid)).toBe(false);
  });

  it('reaps the JVM of a platform that never stopped (its pid file) before reopening the same data', async () => {
    const abandoned = await start();
    const staleJvm = abandoned.dynamodbPid;
    expect(alive(staleJvm)).toBe(true);

    const next = await start();
    expect(alive(staleJvm)).toBe(false);
    expect(next.dynamodbPid).not.toBe(staleJvm);
    expect((await readBack(next)).item?.objet).toBe('Lot 2 : gros œuvre');
  });
});
