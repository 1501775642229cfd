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
