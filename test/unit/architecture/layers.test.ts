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
