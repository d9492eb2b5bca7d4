import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * docs/RULES.md maps each rule to the code that applies it and the test that pins it. This test keeps the map true:
 * every named file exists, every named function is defined in its file, every named test title occurs in its test
 * file, and every link into docs/rules (from the docs and from code comments) points at a page and a heading that
 * exist.
 */

const ROOT = resolve(__dirname, '../../..');
const RULES_MD = join(ROOT, 'docs/RULES.md');

interface Row {
  readonly line: number;
  readonly rule: string;
  readonly implementations: readonly { file: string; name: string }[];
  readonly tests: readonly { file: string; title: string }[];
}

function splitCells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim());
}

function parseMap(markdown: string): Row[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === '## Map');
  const rows: Row[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('## ')) break;
    if (!l.startsWith('|') || /^\|\s*(Rule|---)/.test(l)) continue;
    const cells = splitCells(l);
    if (cells.length !== 4) throw new Error(`docs/RULES.md line ${i + 1}: ${cells.length} cells, 4 expected`);
    const [rule, , impl, tests] = cells as [string, string, string, string];
    rows.push({
      line: i + 1,
      rule,
      implementations: [...impl.matchAll(/`([^`]+)` › `([^`]+)`/g)].map((m) => ({ file: m[1]!, name: m[2]! })),
      tests: [...tests.matchAll(/`([^`]+)` › "([^"]+)"/g)].map((m) => ({ file: m[1]!, title: m[2]! })),
    });
  }
  return rows;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A function, constant, class, type or method named `name` is defined in `source`. */
function defines(source: string, name: string): boolean {
  const n = escapeRegExp(name);
  return (
    new RegExp(`\\b(?:function\\*?|const|let|var|class|interface|type|enum)\\s+${n}\\b`).test(source) ||
    new RegExp(
      `^\\s*(?:(?:public|private|protected|static|readonly|async|override)\\s+)*${n}\\s*(?:<[^>]*>)?\\(`,
      'm',
    ).test(source)
  );
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1]!)));
}

function filesUnder(dir: string, keep: (f: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, keep));
    else if (keep(p)) out.push(p);
  }
  return out;
}

const rows = parseMap(readFileSync(RULES_MD, 'utf8'));

describe('docs/RULES.md, the rules map', () => {
  it('has one row per rule, each naming at least one function and one test', () => {
    expect(rows.length).toBeGreaterThan(40);
    for (const row of rows) {
      expect(row.implementations.length, `line ${row.line}: ${row.rule}`).toBeGreaterThan(0);
      expect(row.tests.length, `line ${row.line}: ${row.rule}`).toBeGreaterThan(0);
    }
  });

  it('opens with the 15-day tacit acceptance chain, from the deadline constant to the workflow task', () => {
    const first = rows[0]!;
    expect(first.rule).toContain('15-day tacit acceptance');
    const named = first.implementations.map((i) => `${i.file} › ${i.name}`);
    for (const place of [
      'shared/domain/circuits/deadlines.ts › DELAI_VALIDATION_JOURS', // deadline constant
      'shared/domain/circuits/pending.ts › currentDeadline', // pending action
      'shared/domain/circuits/timeouts.ts › delaiExpire', // timeout effect
      'shared/domain/circuits/validation.ts › accepted', // validation
      'workflows/dossier.ts › DOSSIER_WAIT_STATES', // state name
      'workflows/dossier.ts › buildDossierDefinition', // catch
    ]) {
      expect(named).toContain(place);
    }
    // the service and the task, wherever they live
    expect(first.implementations.some((i) => i.file.startsWith('shared/services/'))).toBe(true);
    expect(first.implementations.some((i) => i.file.startsWith('functions/'))).toBe(true);
  });

  it.each(rows.flatMap((r) => r.implementations.map((i) => [`${i.file} › ${i.name}`, i, r.line] as const)))(
    'names code that exists: %s',
    (_label, { file, name }, line) => {
      const path = join(ROOT, file);
      expect(existsSync(path), `docs/RULES.md line ${line}: no file ${file}`).toBe(true);
      expect(defines(readFileSync(path, 'utf8'), name), `docs/RULES.md line ${line}: ${name} not in ${file}`).toBe(
        true,
      );
    },
  );

  it.each(rows.flatMap((r) => r.tests.map((t) => [`${t.file} › ${t.title}`, t, r.line] as const)))(
    'names a test that exists: %s',
    (_label, { file, title }, line) => {
      const path = join(ROOT, file);
      expect(existsSync(path), `docs/RULES.md line ${line}: no file ${file}`).toBe(true);
      expect(readFileSync(path, 'utf8'), `docs/RULES.md line ${line}: no test "${title}" in ${file}`).toContain(title);
    },
  );
});

describe('links into the rule book', () => {
  it('no code, test or doc of the repository cites the team handbook, which is not in it', () => {
    const files = ['shared', 'functions', 'workflows', 'infra', 'test', 'scripts', 'bench', 'web', 'docs']
      .map((d) => join(ROOT, d))
      .filter(existsSync)
      .flatMap((d) => filesUnder(d, (f) => /\.(ts|tsx|md|json)$/.test(f)))
      .concat([join(ROOT, 'README.md')])
      .filter((f) => f !== __filename);
    const handbook = /DOMAIN\.md|ARCHITECTURE\.md|domain-research|\.\.\/shared\/[A-Z]/;
    expect(files.filter((f) => handbook.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f))).toEqual([]);
  });

  const docs = filesUnder(join(ROOT, 'docs'), (f) => f.endsWith('.md'));

  it('every link between docs pages points at a page and a heading that exist', () => {
    const broken: string[] = [];
    for (const page of docs) {
      const text = readFileSync(page, 'utf8');
      for (const m of text.matchAll(/\]\(([^)#\s]*\.md)?(#[^)\s]+)?\)/g)) {
        const [, target, anchor] = m;
        if (target === undefined && anchor === undefined) continue;
        if (target !== undefined && /^[a-z]+:/.test(target)) continue;
        const file = target === undefined ? page : resolve(dirname(page), target);
        if (!existsSync(file)) broken.push(`${relative(ROOT, page)} → ${target}`);
        else if (anchor && !anchorsOf(file).has(decodeURIComponent(anchor.slice(1))))
          broken.push(`${relative(ROOT, page)} → ${target ?? ''}${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every docs/ citation in the code points at a page and a heading that exist', () => {
    const code = ['shared', 'functions', 'workflows', 'infra', 'test', 'scripts', 'bench', 'web']
      .map((d) => join(ROOT, d))
      .filter(existsSync)
      .flatMap((d) => filesUnder(d, (f) => /\.(ts|tsx|md)$/.test(f)));
    const broken: string[] = [];
    for (const file of code) {
      const text = readFileSync(file, 'utf8');
      // The rule book's pages, the map and the design notes; other docs pages have their own owners
      for (const m of text.matchAll(/docs\/((?:rules\/[a-z-]+|RULES|DESIGN)\.md)(#[\p{L}\p{N}_-]+)?/gu)) {
        const page = join(ROOT, 'docs', m[1]!);
        if (!existsSync(page)) broken.push(`${relative(ROOT, file)}: ${m[0]}`);
        else if (m[2] && !anchorsOf(page).has(m[2].slice(1))) broken.push(`${relative(ROOT, file)}: ${m[0]}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
