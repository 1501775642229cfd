// The hostile-manifest corpus: model packages (mutated copies of build/models/toy and silero-vad)
// whose weft.json tries to make Weft read outside the package, or allocate, parse or read too
// much; each with the exact error it must be refused with. hostile-packages.test.mjs loads them in
// Node (by path and over HTTP), tests/browser/hostile-packages.test.mjs in Chromium.
import { closeSync, cpSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS } from '../../tools/paths.mjs';

export const RULE = '(a package file must be a relative path inside the package)';
export const MIB = 2 ** 20;

const named = (path, name, problem) => `weft: weft.json: ${path}: ${JSON.stringify(name)} ${problem} ${RULE}`;
const setFile = (name) => (m) => { m.components.decoder.file = name; };
const nestedArrays = (n) => '['.repeat(n) + ']'.repeat(n);
const nestedObjects = (n) => '{"a":'.repeat(n) + '{}' + '}'.repeat(n);
/** The manifest's text with `"source": <json>` as its first key (JSON text too deep for JSON.stringify). */
const withSource = (json) => (text) => text.replace(/^\{/, `{"source": ${json},`);

/**
 * Each case: name, base (a package under build/models), edit(manifest) and/or text(manifestText),
 * size (padded with trailing spaces to this many bytes), and the refusal: `core` (the core's
 * message; load() adds " [<package>/weft.json]") or `js(<package>/weft.json)` (the JS reader's).
 * `override`: load() options under which the same package loads. `nodeOnly`: not served.
 */
export const CORPUS = [
  { name: 'component-file-traversal', base: 'toy', edit: setFile('../../../../etc/hostname'),
    core: named('components.decoder.file', '../../../../etc/hostname', 'has a ".." segment') },
  { name: 'component-file-inner-traversal', base: 'toy', edit: setFile('graphs/../../toy/decoder.onnx'),
    core: named('components.decoder.file', 'graphs/../../toy/decoder.onnx', 'has a ".." segment') },
  { name: 'external-data-string', base: 'toy', edit: (m) => { m.components.decoder.external_data = ['weights.bin', '../toy/decoder.onnx']; },
    core: named('components.decoder.external_data[1]', '../toy/decoder.onnx', 'has a ".." segment') },
  { name: 'external-data-object', base: 'toy', edit: (m) => { m.components.decoder.external_data = [{ file: '../../secret.bin', bytes: 4 }]; },
    core: named('components.decoder.external_data[0].file', '../../secret.bin', 'has a ".." segment') },
  { name: 'tokenizer-traversal', base: 'toy', edit: (m) => { m.tokenizer.file = '../toy/tokenizer.json'; },
    core: named('tokenizer.file', '../toy/tokenizer.json', 'has a ".." segment') },
  { name: 'absolute-path', base: 'toy', edit: setFile('/etc/hostname'),
    core: named('components.decoder.file', '/etc/hostname', 'is an absolute path') },
  { name: 'absolute-tokenizer', base: 'toy', edit: (m) => { m.tokenizer.file = '/etc/passwd'; },
    core: named('tokenizer.file', '/etc/passwd', 'is an absolute path') },
  { name: 'other-origin', base: 'toy', edit: setFile('https://other.example/x.onnx'),
    core: named('components.decoder.file', 'https://other.example/x.onnx', 'has a URL scheme') },
  { name: 'scheme-relative', base: 'toy', edit: setFile('//other.example/x.onnx'),
    core: named('components.decoder.file', '//other.example/x.onnx', 'is an absolute path') },
  { name: 'encoded-dot-segments', base: 'toy', edit: setFile('%2e%2e/%2e%2e/x.onnx'),
    core: named('components.decoder.file', '%2e%2e/%2e%2e/x.onnx', 'holds a percent-encoded dot, slash, backslash or NUL') },
  { name: 'encoded-external-data', base: 'toy', edit: (m) => { m.components.decoder.external_data = ['%2E%2E/x.bin']; },
    core: named('components.decoder.external_data[0]', '%2E%2E/x.bin', 'holds a percent-encoded dot, slash, backslash or NUL') },
  { name: 'backslash-traversal', base: 'toy', edit: setFile('..\\..\\x.onnx'),
    core: named('components.decoder.file', '..\\..\\x.onnx', 'holds a backslash') },
  { name: 'oversize-state', base: 'silero-vad',
    edit: (m) => { for (const t of [...m.components.vad.inputs, ...m.components.vad.outputs]) if (/^state/.test(t.name)) t.shape = [2, 'batch', 4e12]; },
    core: "weft: weft.json: state[0]: state input 'state' [2, 1, 4000000000000] holds 8000000000000 elements, over the budget of 268435456 (budgets.tensor_elements)" },
  { name: 'deep-nesting', base: 'toy', text: withSource(nestedArrays(100000)),
    core: 'weft: weft.json: nested deeper than 64 levels (budgets.json_depth)' },
  { name: 'nesting-just-over', base: 'toy', text: withSource(nestedObjects(100)),
    core: 'weft: weft.json: nested deeper than 64 levels (budgets.json_depth)', override: { budgets: { json_depth: 128 } } },
  { name: 'huge-manifest', base: 'toy', size: 100 * MIB,
    js: (file) => `weft: ${file}: the manifest is 104857600 bytes, over the budget of 16777216 (budgets.manifest_bytes)` },
  { name: 'manifest-just-over', base: 'toy', size: 16 * MIB + 1024,
    js: (file) => `weft: ${file}: the manifest is 16778240 bytes, over the budget of 16777216 (budgets.manifest_bytes)`,
    override: { budgets: { manifest_bytes: 17 * MIB } } },
];

/** File names breaking each rule, with the problem both the core and the JS layer name; then names that follow them. */
export const HOSTILE = {
  '../x.onnx': 'has a ".." segment', 'a/../../x.onnx': 'has a ".." segment', '..': 'has a ".." segment',
  './x.onnx': 'has a "." segment', 'dir//x.onnx': 'has an empty path segment', 'dir/': 'has an empty path segment',
  '': 'is empty', '/etc/hostname': 'is an absolute path', '//other.example/x.onnx': 'is an absolute path',
  'https://other.example/x.onnx': 'has a URL scheme', 'file:x.onnx': 'has a URL scheme', 'javascript:alert(1)': 'has a URL scheme',
  'a/b:c.onnx': 'holds a colon', 'C:\\x.onnx': 'holds a backslash', 'a\\..\\b.onnx': 'holds a backslash',
  '%2e%2e/x.onnx': 'holds a percent-encoded dot, slash, backslash or NUL', '.%2E/x.onnx': 'holds a percent-encoded dot, slash, backslash or NUL',
  'x%2Fy.onnx': 'holds a percent-encoded dot, slash, backslash or NUL', 'x%5cy.onnx': 'holds a percent-encoded dot, slash, backslash or NUL',
  'x%00.onnx': 'holds a percent-encoded dot, slash, backslash or NUL', 'x.onnx\u0000.txt': 'holds a control character',
  'x\n.onnx': 'holds a control character', 'x\u007f.onnx': 'holds a control character',
  'x.onnx?v=1': 'holds a URL query or fragment', 'x.onnx#frag': 'holds a URL query or fragment',
};
export const FINE = ['decoder.onnx', 'graphs/decoder-v2.onnx', 'a..b.onnx', '...', '.hidden.onnx', 'é.onnx', 'x%20y.onnx'];

/** The message load() must reject case `c` with, for the package at `location` (path or URL). */
export function expectedError(c, location) {
  return c.core ? `${c.core} [${location}/weft.json]` : c.js(`${location}/weft.json`);
}

/** Writes case `c` as a package folder under `root`; returns its path. */
export function writeCase(root, c) {
  const dir = join(root, c.name);
  cpSync(join(MODELS, c.base), dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'weft.json'), 'utf8'));
  c.edit?.(manifest);
  const text = (c.text ?? ((t) => t))(JSON.stringify(manifest, null, 2));
  const fd = openSync(join(dir, 'weft.json'), 'w');
  try {
    let written = writeSync(fd, text);
    const spaces = Buffer.alloc(MIB, 0x20); // trailing whitespace: still valid JSON
    while (c.size && written < c.size) written += writeSync(fd, spaces, 0, Math.min(MIB, c.size - written));
  } finally {
    closeSync(fd);
  }
  return dir;
}
