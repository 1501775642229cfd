// What the npm tarball must hold: the core, the JS layer and its types, the worker host, the
// manifest schema, the license and readme; no demo, test, tool or model file. Every module a
// shipped module imports is shipped too.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const REQUIRED = ['LICENSE', 'README.md', 'package.json', 'dist/weft-core.js', 'dist/weft-core.wasm',
  'docs/weft.schema.json', 'web/weft.js', 'web/node.js', 'web/weft.d.ts', 'web/worker-host.js', 'web/worker-host.d.ts'];
const ALLOWED = /^(web\/[\w-]+\.(js|d\.ts)|dist\/weft-core\.(js|wasm)|docs\/weft\.schema\.json|LICENSE|README\.md|package\.json)$/;

/** Asserts the file list (paths relative to the package root); `root` (optional) checks relative imports too. */
export function checkPackedFiles(files, root) {
  for (const f of REQUIRED) assert.ok(files.includes(f), `the package must ship ${f}`);
  assert.deepEqual(files.filter((f) => !ALLOWED.test(f)), [], 'files the package must not ship');
  if (!root) return;
  const missing = [];
  for (const f of files.filter((x) => x.startsWith('web/') && x.endsWith('.js'))) {
    for (const [, spec] of readFileSync(join(root, f), 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.\.?\/[^']+)'/g)) {
      const target = join('web', spec).replace(/\\/g, '/');
      if (!files.includes(target)) missing.push(`${f} imports ${spec}`);
    }
  }
  assert.deepEqual(missing, [], 'shipped modules import files the package lacks');
}
