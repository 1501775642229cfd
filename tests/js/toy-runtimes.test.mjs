// The toy decoder's greedy tokens equal PyTorch's own full-recompute greedy loop, on both Node runtimes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { toyGreedyOn } from '../../tools/parity/runtimes.mjs';

for (const runtime of ['node', 'web-wasm']) {
  test(`toy greedy parity with PyTorch on ${runtime}`, async () => {
    const result = await toyGreedyOn(runtime);
    assert.ok(result.steps >= 128, `only ${result.steps} steps compared`);
    assert.deepEqual(result.divergences, []);
    assert.equal(result.matched, result.steps);
  });
}
