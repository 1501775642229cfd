// Weft's MusicGen generator in headless Chromium: greedy codes equal transformers' generate on
// the wasm and WebGPU backends; ten generations back to back leave the core heap and the live ORT
// tensors flat; on WebGPU a decoder step creates no GPU buffer and reads back the logits only.
import test from 'node:test';
import assert from 'node:assert/strict';
import { weftGpuFigures } from '../../bench/musicgen-gpu.mjs';
import { musicgenGreedyOn } from '../../tools/parity/musicgen-runtimes.mjs';
import { inChromium } from '../../tools/parity/runtimes.mjs';

for (const backend of ['wasm', 'webgpu']) {
  test(`MusicGen greedy codes equal transformers in Chromium (${backend})`, async () => {
    const lines = await musicgenGreedyOn(`chromium-${backend}`);
    assert.deepEqual(lines.map((l) => l.pipeline), ['text', 'continuation']);
    for (const line of lines) {
      assert.equal(line.backend, backend);
      assert.ok(line.steps >= 64);
      assert.equal(line.matched, line.steps, `${line.pipeline}: diverged at step ${line.matched}`);
    }
  });

  test(`ten MusicGen generations in Chromium (${backend}) leave heap and tensors flat`, async () => {
    const r = await inChromium({
      module: '/tests/browser/musicgen-memory-routine.mjs', exportName: 'musicgenMemoryRoutine',
      args: { source: '/build/models/musicgen-tiny', backend, prompt: { fetchFloat32: '/build/models/fixtures/musicgen_prompt.f32' } },
    });
    console.log(JSON.stringify({ backend, heaps: r.heaps, liveTensors: r.tensors, locations: [...new Set(r.locations)] }));
    assert.equal(r.backend, backend);
    assert.deepEqual(r.tensors, new Array(10).fill(0));
    // Cross K/V and the self-attention cache (2 layers x key, value each) stay where the runtime
    // put them mid-generation: on wasm both tiers, on WebGPU the one cache updated in place (the
    // slots of the graphs a backend does not run hold nothing).
    const held = r.locations.filter((l) => l !== 'none');
    assert.equal(held.length, backend === 'webgpu' ? 8 : 12);
    assert.equal(r.locations.length, 16);
    assert.deepEqual([...new Set(held)], [backend === 'webgpu' ? 'gpu-buffer' : 'cpu']);
    assert.ok(Math.max(...r.heaps) - Math.min(...r.heaps) <= 8, `core heap across generations: ${r.heaps}`);
  });
}

test('a MusicGen decoder step on WebGPU creates no GPU buffer and reads back only the logits row', async () => {
  // Counted by wrapping the page's GPUDevice / GPUQueue / GPUCommandEncoder (bench/webgpu-counters.mjs);
  // the median step of the second half of a 24-step generation (steady state).
  const f = await weftGpuFigures(12);
  console.log(JSON.stringify({ per_step: f.per_step, steady_created_sizes: f.steady_created_sizes }));
  assert.equal(f.per_step.buffers_created, 0, `buffers created per step: ${JSON.stringify(f.steady_created_sizes)}`);
  assert.equal(f.per_step.readbacks, 1);
  assert.equal(f.per_step.readback_bytes, f.logits_row_bytes);
  assert.ok(f.steady_steps >= 10);
});
