// Silero VAD v5 (a real third-party stateful graph) through Weft's state machinery, vs a plain loop.
import test from 'node:test';
import assert from 'node:assert/strict';
import { sileroOn } from '../../tools/parity/runtimes.mjs';
import { runSileroPlain } from '../../tools/parity/silero-plain.mjs';
import { FIXTURES, MODELS, readFloat32 } from '../../tools/paths.mjs';

test('Silero VAD: Weft on onnxruntime-node equals a plain onnxruntime-node loop', async () => {
  const samples = readFloat32(`${FIXTURES}/speech16k.f32`);
  const plain = await runSileroPlain(`${MODELS}/silero-vad/silero_vad_v5.onnx`, samples);
  const weft = await sileroOn('node');
  assert.equal(weft.probabilities.length, plain.length);
  assert.equal(weft.probabilities.length, Math.ceil(samples.length / 512));
  const maxAbs = Math.max(...plain.map((p, i) => Math.abs(p - weft.probabilities[i])));
  assert.ok(maxAbs <= 1e-5, `max abs diff ${maxAbs}`);
  // The clip is speech with silent gaps: the detector must see both (state carried correctly).
  assert.ok(plain.some((p) => p > 0.8), 'no chunk detected as speech');
  assert.ok(plain.some((p) => p < 0.1), 'no chunk detected as silence');
});

test('Silero VAD streamed in uneven pieces equals the whole clip (state carries across pushes)', async () => {
  const { load } = await import('../../web/weft.js');
  const { nodeOptions } = await import('./helpers.mjs');
  const samples = readFloat32(`${FIXTURES}/speech16k.f32`);
  const vad = await load(`${MODELS}/silero-vad`, nodeOptions);
  try {
    const whole = (await vad.process(samples)).results;
    const stream = vad.stream();
    const pieces = [];
    for (let start = 0, size = 300; start < samples.length; start += size, size = (size * 7) % 2000 + 100) {
      pieces.push(...await stream.push(samples.subarray(start, start + size)));
    }
    pieces.push(...await stream.end());
    assert.equal(pieces.length, whole.length);
    assert.deepEqual(Float32Array.from(pieces), whole);
    assert.equal(vad.liveTensors(), 0);
    await assert.rejects(stream.push(new Float32Array(10)), /this stream has ended/);
    await assert.rejects(vad.process(new Float64Array(512)), /must be a Float32Array, got Float64Array/);
    await assert.rejects(vad.process(new Float32Array(512), { sampleRate: 44100 }), /expects 16000 Hz audio, got 44100 Hz/);
  } finally {
    await vad.dispose();
  }
});

test('NaN audio is refused with the sample index, and nothing is left behind', async () => {
  const { load, loadCore } = await import('../../web/weft.js');
  const { nodeOptions } = await import('./helpers.mjs');
  const core = await loadCore();
  const vad = await load(`${MODELS}/silero-vad`, nodeOptions);
  try {
    await vad.process(new Float32Array(1024));
    const baseline = core.heapBytesInUse();
    const samples = new Float32Array(2048);
    samples[1500] = NaN;
    await assert.rejects(vad.process(samples), /sample 1500 is NaN/);
    assert.equal(vad.liveTensors(), 0);
    assert.equal(core.heapBytesInUse(), baseline);
  } finally {
    await vad.dispose();
  }
});
