// The core's reading of precision, backends and index manifests (docs/MANIFEST.md,
// "Package index"): an index is recognised as one, a malformed one is refused at the field's JSON path
// (as the schema refuses it), and choosePackage picks what docs/MANIFEST.md says load() takes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { loadCore } from '../../web/core-loader.js';
import { load } from '../../web/weft.js';
import { MODELS, ROOT } from '../../tools/paths.mjs';

const core = await loadCore();
const validate = new Ajv2020({ allErrors: true, logger: false }).compile(JSON.parse(readFileSync(join(ROOT, 'docs/weft.schema.json'), 'utf8')));
const variant = (precision, backends) => ({ folder: precision, precision, backends, bytes: 100 });
const INDEX = {
  format: 'weft/1',
  name: 'm',
  variants: [variant('fp16', ['webgpu']), variant('int8', ['wasm', 'cpu']), variant('fp32', ['webgpu', 'wasm', 'cpu'])],
};
const choose = (manifest, candidates, precision) => JSON.parse(core.choosePackage(JSON.stringify(manifest), null, candidates, precision));
const toy = JSON.parse(readFileSync(`${MODELS}/toy/weft.json`, 'utf8'));

test('an index picks, for the first candidate backend, the first variant that lists it', () => {
  assert.ok(validate(INDEX), JSON.stringify(validate.errors));
  assert.deepEqual(choose(INDEX, ['webgpu', 'wasm']), { index: true, folder: 'fp16', precision: 'fp16', backends: ['webgpu'] });
  assert.deepEqual(choose(INDEX, ['wasm']), { index: true, folder: 'int8', precision: 'int8', backends: ['wasm'] });
  assert.deepEqual(choose(INDEX, ['cpu']), { index: true, folder: 'int8', precision: 'int8', backends: ['cpu'] });
  assert.deepEqual(choose(INDEX, ['webgpu', 'wasm'], 'fp32'), { index: true, folder: 'fp32', precision: 'fp32', backends: ['webgpu', 'wasm'] });
  assert.throws(() => choose(INDEX, ['wasm'], 'fp16'), /weft\.json: variants\[0\]\.backends: the fp16 variant is for webgpu, not backend 'wasm': use precision int8 or fp32 for wasm/);
  const gpuOnly = { ...INDEX, variants: [INDEX.variants[0]] };
  assert.throws(() => choose(gpuOnly, ['wasm']), /weft\.json: variants: no variant is for backend 'wasm' \(variants: fp16 \(webgpu\)\)/);
  assert.throws(() => choose(INDEX, ['cpu'], 'q4'), /load options: precision: expected one of fp32, fp16, int8 but got "q4"/);
});

test('Model.fromJson recognises an index and says so at variants', () => {
  assert.throws(() => core.Model.fromJson(JSON.stringify(INDEX)), /weft\.json: variants: this weft\.json is a package index/);
});

// The schema checks each key on its own; a folder that leaves the index is refused by the core
// only, as for package file names.
const CORE_ONLY = new Set(['variants[0].folder ..', 'variants[1].folder']);

test('a malformed index is refused at the field, by the core and by the schema', () => {
  const cases = [
    [{ ...INDEX, variants: [] }, 'variants', /expected at least one variant/],
    [{ ...INDEX, variants: [{ ...variant('int8', ['cpu']), folder: '../x' }] }, 'variants[0].folder ..', /"\.\." segment/],
    [{ ...INDEX, variants: [{ precision: 'int8', backends: ['cpu'], bytes: 1 }] }, 'variants[0].folder', /missing/],
    [{ ...INDEX, variants: [variant('int4', ['cpu'])] }, 'variants[0].precision', /expected one of fp32, fp16, int8 but got "int4"/],
    [{ ...INDEX, variants: [variant('int8', [])] }, 'variants[0].backends', /expected at least one backend/],
    [{ ...INDEX, variants: [variant('int8', ['cpu', 'cpu'])] }, 'variants[0].backends[1]', /listed twice/],
    [{ ...INDEX, variants: [variant('int8', ['cuda'])] }, 'variants[0].backends[0]', /expected one of webgpu, wasm, cpu but got "cuda"/],
    [{ ...INDEX, variants: [{ ...variant('int8', ['cpu']), bytes: -1 }] }, 'variants[0].bytes', /must be >= 0/],
    [{ ...INDEX, variants: [variant('int8', ['cpu']), { ...variant('fp32', ['cpu']), folder: 'int8' }] }, 'variants[1].folder', /listed twice/],
    [{ ...INDEX, components: toy.components }, 'components', /unknown key/],
  ];
  for (const [manifest, path, why] of cases) {
    const escaped = path.split(' ')[0].replace(/[.[\]]/g, '\\$&');
    assert.throws(() => choose(manifest, ['cpu']), new RegExp(`weft\\.json: ${escaped}: .*${why.source}`), path);
    if (!CORE_ONLY.has(path)) assert.ok(!validate(manifest), `the schema accepts the case for ${path}`);
  }
});

test('a package\'s precision and backends narrow the candidates; absent, every candidate stays', () => {
  const fp16 = { ...toy, name: 'toy16', precision: 'fp16', backends: ['webgpu'] };
  assert.ok(validate(fp16), JSON.stringify(validate.errors));
  assert.deepEqual(choose(fp16, ['webgpu', 'wasm']), { index: false, precision: 'fp16', backends: ['webgpu'] });
  assert.throws(() => choose(fp16, ['wasm']),
    /weft\.json: backends: the package 'toy16' is fp16 for webgpu, not backend 'wasm': use the int8 or fp32 package for wasm instead/);
  assert.throws(() => choose(fp16, ['wasm'], 'fp32'), /weft\.json: precision: the package 'toy16' is fp16, not the 'fp32' asked for/);
  assert.deepEqual(choose(toy, ['webgpu', 'wasm']), { index: false, precision: null, backends: ['webgpu', 'wasm'] });
  const info = JSON.parse(core.Model.fromJson(JSON.stringify(fp16)).infoJson());
  assert.equal(info.precision, 'fp16');
  assert.deepEqual(info.backends, ['webgpu']);
  assert.throws(() => core.Model.fromJson(JSON.stringify({ ...toy, backends: ['gpu'] })), /weft\.json: backends\[0\]: expected one of webgpu, wasm, cpu/);
  assert.throws(() => core.Model.fromJson(JSON.stringify({ ...toy, precision: 'bf16' })), /weft\.json: precision: expected one of fp32, fp16, int8/);
});

test('a variant folder that is a symlink out of the index folder is refused before anything is read', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'weft-index-'));
  try {
    mkdirSync(join(tmp, 'index'));
    writeFileSync(join(tmp, 'index', 'weft.json'), JSON.stringify({ ...INDEX, variants: [variant('int8', ['wasm', 'cpu'])] }));
    symlinkSync(`${MODELS}/toy`, join(tmp, 'index', 'int8'));
    await assert.rejects(load(join(tmp, 'index')), /weft: .*index\/weft\.json: variants: ".*int8" resolves to .*toy, outside the package/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
