// An aborted generation releases everything: WASM heap and ORT tensors return to baseline.
import test from 'node:test';
import assert from 'node:assert/strict';
import { load, loadCore } from '../../web/weft.js';
import { MODELS } from '../../tools/paths.mjs';
import { nodeOptions } from './helpers.mjs';

for (const [label, options] of [['onnxruntime-node', nodeOptions], ['onnxruntime-web wasm', { ort: await import('onnxruntime-web'), backend: 'wasm' }]]) {
  test(`abort mid-generation returns heap and tensors to baseline (${label})`, async () => {
    const core = await loadCore();
    const model = await load(`${MODELS}/toy`, options);
    try {
      await model.generate({ prompt: [1, 2, 3], maxNewTokens: 8 }); // warm-up
      const baseline = core.heapBytesInUse();
      const controller = new AbortController();
      let seen = 0;
      await assert.rejects(
        model.generate({
          prompt: [1, 2, 3], maxNewTokens: 100, doSample: true, seed: 1, signal: controller.signal,
          onToken: () => { seen += 1; if (seen === 5) controller.abort(); },
        }),
        (error) => error.name === 'AbortError',
      );
      assert.equal(seen, 5);
      assert.equal(model.liveTensors(), 0);
      assert.equal(core.heapBytesInUse(), baseline);
      // Repeated generations must not grow the heap. Reused scratch buffers (the tokenizer's
      // decode output is reallocated each call) make it alternate by one 8-byte malloc chunk, so
      // the check is on the spread: any per-generation leak would add >= 16 bytes per run.
      const heaps = [];
      for (let i = 0; i < 8; i += 1) {
        await model.generate({ prompt: [4, 5], maxNewTokens: 20 });
        heaps.push(core.heapBytesInUse());
      }
      assert.ok(Math.max(...heaps) - Math.min(...heaps) <= 8, `heap grows across generations: ${heaps}`);
    } finally {
      await model.dispose();
    }
  });
}
