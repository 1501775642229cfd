// Silero VAD v5 and v6 as their authors run them: each 512-sample chunk preceded by the last 64
// samples of the previous input (zeros before the first), declared as generator.context. Weft vs a
// plain onnxruntime-node loop that prepends the context itself.
import test from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, readFloat32 } from '../../tools/paths.mjs';
import { mutatedPackage, nodeOptions, removePackage } from './helpers.mjs';
import { CHUNK, CONTEXT, VAD_WEB, contextPackage, plainWithContext } from './silero-context-helpers.mjs';

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
