// Every path, doc section and npm command that a comment or doc names exists: the tree's own
// references cannot go stale silently.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const TEXT = /\.(cpp|h|js|mjs|ts|py|md|sh|txt|toml|json|html|css)$/;
// Data files (tokenizer and corpus fixtures, generated tables, lock files) are not prose.
const SKIP = /(^|\/)(package-lock\.json|unicode_tables\.inc)$|^tests\/fuzz\/(seeds|regressions)\//;
const TOP = 'src|include|web|models|tests|scripts|tools|bench|docs|manifests|\\.ci';
// A path: a top-level folder, then name characters; placeholders (<target>, *, {x}, …) are skipped.
const PATH = new RegExp(`(?<![\\w./@-])((?:${TOP})/\\w[\\w./-]*[\\w/])`, 'g');
const SECTION = /\b((?:docs\/)?[A-Z_]+\.md),? "([^"]+)"/g;

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n').filter((f) => TEXT.test(f) && !SKIP.test(f) && existsSync(join(ROOT, f)));
const read = (f) => readFileSync(join(ROOT, f), 'utf8');

function headings(doc) {
  return read(doc).split('\n').filter((l) => l.startsWith('#')).map((l) => l.replace(/^#+\s*/, '').toLowerCase());
}

test('the scan covers the tree', () => {
  assert.ok(files.length > 150, `only ${files.length} files scanned`);
});

test('every repository path a file names exists', () => {
  const missing = [];
  for (const f of files) {
    for (const line of read(f).split('\n')) {
      for (const [, path] of line.matchAll(PATH)) {
        if (/[<*{…$]/.test(line.slice(line.indexOf(path), line.indexOf(path) + path.length + 1))) continue;
        const clean = path.replace(/[.]+$/, '');
        if (!existsSync(join(ROOT, clean))) missing.push(`${f}: ${clean}`);
      }
    }
  }
  assert.deepEqual(missing, []);
});

test('every doc section a file names by its title exists', () => {
  const missing = [];
  for (const f of files) {
    for (const [, doc, title] of read(f).matchAll(SECTION)) {
      const path = doc.startsWith('docs/') ? doc : `docs/${doc}`;
      if (!existsSync(join(ROOT, path))) missing.push(`${f}: ${doc} does not exist`);
      else if (!headings(path).some((h) => h.includes(title.toLowerCase()))) missing.push(`${f}: ${doc} has no section "${title}"`);
    }
  }
  assert.deepEqual(missing, []);
});

test('no file points at numbered sections or at notes outside the tree', () => {
  const bad = [];
  for (const f of files) {
    const text = read(f);
    if (/\.md\)? §\d/.test(text)) bad.push(`${f}: a numbered section reference (name the section's title instead)`);
    if (/\b(DESIGN|REFERENCE)\.md\b/.test(text)) bad.push(`${f}: names a document that is not in the tree`);
  }
  assert.deepEqual(bad, []);
});

test('every relative markdown link resolves', () => {
  const missing = [];
  for (const f of files.filter((x) => x.endsWith('.md'))) {
    for (const [, target] of read(f).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      if (!existsSync(join(ROOT, dirname(f), target))) missing.push(`${f}: ${target}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('every `npm run` script a file names is defined', () => {
  const scripts = JSON.parse(read('package.json')).scripts;
  const missing = [];
  for (const f of files) {
    for (const [, name] of read(f).matchAll(/npm run ([a-z][\w:-]*)/g)) if (!(name in scripts)) missing.push(`${f}: npm run ${name}`);
  }
  assert.deepEqual(missing, []);
});
