import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The layer rules of .dependency-cruiser.cjs (run by `npm run check`) refuse an import that runs back up. Shown on
 * a scratch tree with the repository's own configuration: `shared/` importing `functions/` fails the check, the
 * same import the other way passes.
 */
const ROOT = path.resolve(__dirname, '../../..');
const DEPCRUISE = path.join(ROOT, 'node_modules/.bin/depcruise');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'layers-'));

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(scratch, 'tree-'));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'ESNext' } }));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, path.dirname(name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function check(dir: string) {
  const out = spawnSync(DEPCRUISE, ['shared', 'functions', '--config', path.join(ROOT, '.dependency-cruiser.cjs')], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { status: out.status, text: `${out.stdout}${out.stderr}` };
}

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('layer rules (dependency-cruiser)', () => {
  it('fails an import from shared/ to functions/', () => {
    const dir = tree({
      'functions/handler.ts': 'export const handler = () => 1;\n',
      'shared/services/up.ts': "import { handler } from '../../functions/handler';\nexport const up = handler;\n",
    });
    const result = check(dir);
    expect(result.status).not.toBe(0);
    expect(result.text).toContain('shared-not-to-entry-points');
  });

  it('passes the same import pointing down, from functions/ to shared/', () => {
    const dir = tree({
      'shared/services/down.ts': 'export const down = 1;\n',
      'functions/handler.ts': "import { down } from '../shared/services/down';\nexport const handler = () => down;\n",
    });
    expect(check(dir).status).toBe(0);
  });

  /** A stand-in for the SDK package, installed in the scratch tree's node_modules. */
  const sdk = {
    'package.json': JSON.stringify({ dependencies: { '@aws-sdk/lib-dynamodb': '3.0.0' } }),
    'node_modules/@aws-sdk/lib-dynamodb/package.json': JSON.stringify({
      name: '@aws-sdk/lib-dynamodb',
      main: 'index.js',
      types: 'index.d.ts',
    }),
    'node_modules/@aws-sdk/lib-dynamodb/index.js': 'exports.GetCommand = class {};\n',
    'node_modules/@aws-sdk/lib-dynamodb/index.d.ts':
      'export declare class GetCommand {}\nexport declare class DynamoDBDocumentClient {}\n',
    'functions/handler.ts': 'export const handler = () => 1;\n',
  };

  it('fails a type-only import of the AWS SDK outside shared/adapters/', () => {
    const dir = tree({
      ...sdk,
      'shared/seed/boot.ts':
        "import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';\nexport type C = DynamoDBDocumentClient;\n",
    });
    const result = check(dir);
    expect(result.status).not.toBe(0);
    expect(result.text).toContain('aws-sdk-in-adapters-only');
  });

  it('fails a value import of the AWS SDK in functions/, not the same import in shared/adapters/', () => {
    const get = "import { GetCommand } from '@aws-sdk/lib-dynamodb';\nexport const G = GetCommand;\n";
    const result = check(tree({ ...sdk, 'functions/get.ts': get, 'shared/adapters/get.ts': get }));
    expect(result.status).not.toBe(0);
    expect(result.text).toMatch(/aws-sdk-in-adapters-only: functions\/get\.ts/);
    expect(result.text).not.toContain('shared/adapters/get.ts');
  });

  it('fails a cycle made of type-only imports', () => {
    const dir = tree({
      'functions/handler.ts': 'export const handler = () => 1;\n',
      'shared/domain/a.ts': "import type { B } from './b';\nexport type A = { b?: B };\n",
      'shared/domain/b.ts': "import type { A } from './a';\nexport type B = { a?: A };\n",
    });
    const result = check(dir);
    expect(result.status).not.toBe(0);
    expect(result.text).toContain('no-circular');
  });
});
