// `weft-models export musicgen --precision fp32 fp16 int8` writes one package per precision and
// an index; load(index) takes the variant for the backend it resolves (int8 on onnxruntime-node's
// cpu and on onnxruntime-web's wasm), options.precision forces one, and a package refuses a
// backend it is not for, naming the precisions to use instead.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import * as ortNode from 'onnxruntime-node';
import { load } from '../../web/weft.js';
import { ROOT } from '../../tools/paths.mjs';

const validate = new Ajv2020({ allErrors: true, logger: false }).compile(JSON.parse(readFileSync(join(ROOT, 'docs/weft.schema.json'), 'utf8')));
const tmp = mkdtempSync(join(tmpdir(), 'weft-precisions-'));
const out = join(tmp, 'mg');
// Ungraded here (tests/python/test_musicgen_precisions.py grades them): only the layout and the loader's choice matter.
execFileSync(join(ROOT, '.venv/bin/python'), ['-m', 'weft_models.cli', 'export', 'musicgen', '--preset', 'tiny',
  '--precision', 'fp32', 'fp16', 'int8', '--no-validate', '--out', out, '-q'],
{ cwd: ROOT, env: { ...process.env, PYTHONPATH: join(ROOT, 'models'), OMP_NUM_THREADS: '1' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const manifest = (folder) => JSON.parse(readFileSync(join(out, folder, 'weft.json'), 'utf8'));

test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('the index and each package are valid for the schema and name their precision and backends', () => {
  const index = manifest('.');
  assert.ok(validate(index), JSON.stringify(validate.errors));
  assert.deepEqual(index.variants.map((v) => [v.folder, v.precision, v.backends]),
    [['fp16', 'fp16', ['webgpu']], ['int8', 'int8', ['wasm', 'cpu']], ['fp32', 'fp32', ['webgpu', 'wasm', 'cpu']]]);
  for (const v of index.variants) {
    const m = manifest(v.folder);
    assert.ok(validate(m), `${v.folder}: ${JSON.stringify(validate.errors)}`);
    assert.equal(m.precision, v.precision);
    assert.deepEqual(m.backends, v.backends);
  }
});

test('load(index) on onnxruntime-node (cpu) takes int8', async () => {
  const model = await load(out, { ort: ortNode });
  try {
    assert.equal(model.precision, 'int8');
    assert.equal(model.backend, 'cpu');
    assert.equal(model.name, manifest('int8').name);
  } finally {
    await model.dispose();
  }
});

test('load(index) on onnxruntime-web in Node (wasm, no WebGPU) takes int8', async () => {
  const model = await load(out);
  try {
    assert.equal(model.precision, 'int8');
    assert.equal(model.backend, 'wasm');
  } finally {
    await model.dispose();
  }
});

test('options.precision forces a variant; one not for the backend is refused at its backends', async () => {
  const model = await load(out, { ort: ortNode, precision: 'fp32' });
  try {
    assert.equal(model.precision, 'fp32');
    assert.equal(model.backend, 'cpu');
  } finally {
    await model.dispose();
  }
  await assert.rejects(load(out, { ort: ortNode, precision: 'fp16' }),
    /weft\.json: variants\[0\]\.backends: the fp16 variant is for webgpu, not backend 'cpu': use precision int8 or fp32 for cpu/);
});

test('the fp16 package refuses backend wasm (and auto without WebGPU), naming int8 and fp32', async () => {
  const fp16 = join(out, 'fp16');
  const refusal = (backend) => new RegExp(`weft\\.json: backends: the package '${manifest('fp16').name}' is fp16 for webgpu, not backend '${backend}': ` +
    `use the int8 or fp32 package for ${backend} instead .*\\[${fp16.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/weft\\.json\\]`);
  await assert.rejects(load(fp16, { backend: 'wasm' }), refusal('wasm'));
  await assert.rejects(load(fp16), refusal('wasm'));
  await assert.rejects(load(fp16, { ort: ortNode, precision: 'int8' }), /weft\.json: precision: the package '.*' is fp16, not the 'int8' asked for/);
});

test('greedy codes of the int8 variant picked from the index equal the int8 package loaded directly', async () => {
  const request = { text: 'lofi beat', maxNewFrames: 6, doSample: false, returnCodes: true };
  const picked = await load(out, { ort: ortNode });
  const direct = await load(join(out, 'int8'), { ort: ortNode, backend: 'cpu' });
  try {
    const [a, b] = [await picked.generate(request), await direct.generate(request)];
    assert.equal(direct.precision, 'int8');
    assert.equal(a.codes.length, 4);
    assert.deepEqual(a.codes.map((row) => Array.from(row)), b.codes.map((row) => Array.from(row)));
  } finally {
    await picked.dispose();
    await direct.dispose();
  }
});
