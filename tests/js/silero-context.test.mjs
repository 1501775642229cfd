// Silero VAD v5 and v6 as their authors run them: each 512-sample chunk preceded by the last 64
// samples of the previous input (zeros before the first), declared as generator.context. Weft vs a
// plain onnxruntime-node loop that prepends the context itself.
import test from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { FIXTURES, readFloat32 } from '../../tools/paths.mjs';
import { mutatedPackage, nodeOptions, removePackage } from './helpers.mjs';

const VAD_WEB = join(dirname(createRequire(import.meta.url).resolve('@ricky0123/vad-web')), '');
const CHUNK = 512;
const CONTEXT = 64;

// The authors' loop (silero-vad's OnnxWrapper): input = cat(context, chunk); context = input[-64:].
async function plainWithContext(onnxPath, samples) {
  const session = await ort.InferenceSession.create(onnxPath);
  let state = new ort.Tensor('float32', new Float32Array(256), [2, 1, 128]);
  const sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), []);
  let context = new Float32Array(CONTEXT);
  const out = [];
  for (let start = 0; start < samples.length; start += CHUNK) {
    const input = new Float32Array(CONTEXT + CHUNK);
    input.set(context, 0);
    input.set(samples.subarray(start, Math.min(start + CHUNK, samples.length)), CONTEXT);
    const r = await session.run({ input: new ort.Tensor('float32', input, [1, CONTEXT + CHUNK]), state, sr });
    out.push(r.output.data[0]);
    state = r.stateN;
    context = input.slice(input.length - CONTEXT);
  }
  await session.release();
  return Float32Array.from(out);
}

// The built Silero package with context declared; `file` is taken from vad-web's dist.
function contextPackage(file) {
  return mutatedPackage('silero-vad', ({ dir, manifest }) => {
    copyFileSync(join(VAD_WEB, file), join(dir, file));
    const vad = manifest.components.vad;
    vad.file = file;
    vad.sha256 = createHash('sha256').update(readFileSync(join(dir, file))).digest('hex');
    vad.bytes = statSync(join(dir, file)).size;
    vad.inputs[0].shape = ['batch', 'frame'];
    delete manifest.dims;
    Object.assign(manifest.generator, { chunk: CHUNK, context: CONTEXT });
  });
}

const maxAbs = (a, b) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

for (const file of ['silero_vad_v5.onnx', 'silero_vad_v6.onnx']) {
  test(`${file} with a 64-sample context: process() and stream().push() equal the authors' loop`, async () => {
    const { load } = await import('../../web/weft.js');
    const samples = readFloat32(`${FIXTURES}/speech16k.f32`);
    const plain = await plainWithContext(join(VAD_WEB, file), samples);
    const dir = contextPackage(file);
    const vad = await load(dir, nodeOptions);
    try {
      assert.equal(vad.info.generator.context, CONTEXT);
      assert.equal(vad.contextSize, CONTEXT);
      assert.equal(vad.chunkSize, CHUNK);
      const whole = (await vad.process(samples)).results;
      assert.equal(whole.length, Math.ceil(samples.length / CHUNK));
      const diff = maxAbs(whole, plain);
      assert.ok(diff <= 1e-5, `process: max abs diff ${diff}`);
      const stream = vad.stream();
      const pieces = [];
      for (let start = 0, size = 300; start < samples.length; start += size, size = (size * 7) % 2000 + 37) {
        pieces.push(...await stream.push(samples.subarray(start, start + size)));
      }
      pieces.push(...await stream.end());
      const streamDiff = maxAbs(Float32Array.from(pieces), plain);
      assert.ok(streamDiff <= 1e-5, `stream: max abs diff ${streamDiff}`);
      assert.ok(plain.some((p) => p > 0.8) && plain.some((p) => p < 0.1), 'the clip has speech and silence');
      console.log(`# ${file}: ${plain.length} chunks, max abs process ${diff}, stream ${streamDiff}`);
    } finally {
      await vad.dispose();
      removePackage(dir);
    }
  });
}

test('a context larger than the chunk is refused naming generator.context', async () => {
  const { load } = await import('../../web/weft.js');
  const dir = mutatedPackage('silero-vad', ({ manifest }) => {
    manifest.components.vad.inputs[0].shape = ['batch', 'frame'];
    Object.assign(manifest.generator, { chunk: 32, context: 64 });
  });
  try {
    await assert.rejects(load(dir, nodeOptions), /generator\.context: the context \(64 samples\) is larger than the chunk \(32\)/);
  } finally {
    removePackage(dir);
  }
});
