// Weft in headless Chromium: the toy decoder on WASM and WebGPU, Silero VAD, abort, the demo page.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { inChromium, sileroOn, toyGreedyOn } from '../../tools/parity/runtimes.mjs';
import { runSileroPlain } from '../../tools/parity/silero-plain.mjs';
import { withPage } from '../../tools/browser.mjs';
import { FIXTURES, MODELS, ROOT, readFloat32 } from '../../tools/paths.mjs';

for (const backend of ['wasm', 'webgpu']) {
  test(`toy greedy parity with PyTorch in Chromium (${backend})`, async () => {
    const result = await toyGreedyOn(`chromium-${backend}`);
    assert.equal(result.backend, backend, 'the requested backend was not the one used');
    assert.ok(result.steps >= 128);
    assert.deepEqual(result.divergences, []);
    assert.equal(result.matched, result.steps);
  });

  test(`abort in Chromium (${backend}) releases WASM heap and ORT tensors`, async () => {
    const r = await inChromium({ module: '/tests/browser/abort-routine.mjs', exportName: 'abortRoutine', args: { source: '/build/models/toy', backend } });
    assert.equal(r.backend, backend);
    // KV caches stay where the runtime put them: on the GPU for WebGPU, never round-tripping.
    assert.deepEqual(r.locations, ['key', 'value'].map(() => (backend === 'webgpu' ? 'gpu-buffer' : 'cpu')));
    assert.equal(r.errorName, 'AbortError');
    assert.equal(r.seen, 5);
    assert.equal(r.liveTensors, 0);
    assert.equal(r.after, r.baseline);
  });
}

test('Silero VAD in Chromium (wasm) equals a plain onnxruntime-node loop', async () => {
  const samples = readFloat32(`${FIXTURES}/speech16k.f32`);
  const plain = await runSileroPlain(`${MODELS}/silero-vad/silero_vad_v5.onnx`, samples);
  const weft = await sileroOn('chromium-wasm');
  assert.equal(weft.backend, 'wasm');
  assert.equal(weft.probabilities.length, plain.length);
  const maxAbs = Math.max(...plain.map((p, i) => Math.abs(p - weft.probabilities[i])));
  assert.ok(maxAbs <= 1e-5, `max abs diff ${maxAbs}`);
});

test('the text demo page generates and streams tokens, showing backend and steps/s', async () => {
  await withPage('/web/demo/text.html?model=/build/models/toy/', async (page, _url, errors) => {
    await page.waitForFunction(() => /ready on/.test(document.getElementById('status').textContent), null, { timeout: 60000 });
    await page.selectOption('#backend', 'wasm');
    await page.fill('#max-new', '40');
    await page.click('#generate');
    await page.waitForFunction(() => document.getElementById('stats').dataset.done, null, { timeout: 60000 });
    const stats = await page.textContent('#stats');
    const tokens = await page.locator('#tokens span').count();
    mkdirSync(`${ROOT}build/screenshots`, { recursive: true });
    await page.screenshot({ path: `${ROOT}build/screenshots/demo.png`, fullPage: true });
    assert.deepEqual(errors, []);
    assert.match(stats, /^40 tokens · [\d.]+ steps\/s · backend wasm/);
    assert.equal(tokens, 40);
  });
});
