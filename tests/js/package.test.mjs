// The npm package's shape, without packing it (tests/browser/npm-package.test.mjs installs the real
// tarball): the files it ships, its entries (the browser one imports no Node built-in), and the
// README's examples, extracted from README.md, type-checked by tsc against weft.d.ts under
// moduleResolution bundler and nodenext; the Node examples also without the DOM lib.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packedFiles } from '../browser/npm-apps/apps.mjs';
import { checkPackedFiles } from '../browser/npm-apps/packed-files.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

test('npm pack would ship the core, types, worker host, schema and license, and nothing else', () => {
  checkPackedFiles(packedFiles(), ROOT);
  assert.equal(pkg.scripts.prepack, 'bash scripts/build-core.sh');
});

/** Every module a file reaches through relative static or literal dynamic imports, and the bare specifiers on the way. */
function graph(entry) {
  const seen = new Set();
  const bare = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:^|[\s;])(?:import|export)\s*(?:[^'"()]*?\sfrom\s*)?\(?\s*'([^']+)'/gm)) {
      if (spec.startsWith('.')) visit(join(dirname(file), spec));
      else bare.add(spec);
    }
  };
  visit(join(ROOT, entry));
  return { files: [...seen].map((f) => f.slice(ROOT.length + 1)), bare: [...bare].sort() };
}

test('exports: a browser entry that imports no Node built-in, a node entry, weft/worker', () => {
  const root = pkg.exports['.'];
  assert.deepEqual(Object.keys(root), ['types', 'browser', 'node', 'default']);
  assert.equal(root.browser, './web/weft.js');
  assert.equal(root.node, './web/node.js');
  assert.equal(pkg.exports['./worker'].default, './web/worker-host.js');
  for (const entry of ['web/weft.js', 'web/worker-host.js']) {
    const { files, bare } = graph(entry);
    assert.ok(files.includes('dist/weft-core.js') && files.includes('web/worker-client.js'), `${entry} reaches ${files}`);
    assert.ok(!files.includes('web/node-host.js'), `${entry} must not reach web/node-host.js`);
    assert.deepEqual(bare, ['onnxruntime-web/wasm', 'onnxruntime-web/webgpu'], `${entry}: bare imports`);
  }
  assert.ok(graph('web/node.js').bare.includes('node:fs/promises'));
});

const PREAMBLE = `import type { ImageInput } from 'weft';
declare const samples16k: Float32Array; declare const chunk: Float32Array; declare const clip: Float32Array;
declare const image: ImageInput; declare function play(audio: Float32Array | Float32Array[], offset: number): void;
`;

/** README.md's js blocks that import 'weft' (config snippets and HTML are not type-checked). */
function readmeExamples() {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/^( *)```js\n([\s\S]*?)^\1```/gm)]
    .map(([, indent, body]) => body.split('\n').map((l) => l.slice(indent.length)).join('\n'))
    .filter((body) => /from 'weft'/.test(body));
}

const CONFIGS = {
  bundler: { module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom'], nodeOnly: false },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022', 'dom'], nodeOnly: false },
  'nodenext, no DOM lib': { module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022'], nodeOnly: true },
};

for (const [name, { nodeOnly, ...options }] of Object.entries(CONFIGS)) {
  test(`README examples type-check with tsc (${name})`, () => {
    const examples = readmeExamples().filter((body) => !nodeOnly || body.includes('onnxruntime-node'));
    assert.ok(examples.length >= (nodeOnly ? 2 : 7), `found only ${examples.length} examples`);
    const dir = join(ROOT, 'build/readme-types', name.replace(/\W+/g, '-'));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(ROOT, join(dir, 'node_modules/weft'));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const files = examples.map((body, i) => {
      writeFileSync(join(dir, `example-${i}.ts`), PREAMBLE + body);
      return `example-${i}.ts`;
    });
    const compilerOptions = { ...options, target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')] };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }, null, 2));
    let output = '';
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
    } catch (error) {
      output = error.stdout;
    }
    // onnxruntime-common's own declarations name DOM classes; everything else must be clean.
    const errors = output.split('\n').filter((l) => /error TS/.test(l) && !/^node_modules\/onnxruntime-common\//.test(l));
    assert.deepEqual(errors, [], `tsc (${name}):\n${output}`);
  });
}
